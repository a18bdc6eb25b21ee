"""commands/meeting/listing.py: ``/meeting list``, its arguments, pages and who sees what (U1 is an admin)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from commands.framework.context import Services
from commands.framework.errors import UserError
from commands.framework.replies import Audience
from commands.meeting.listing import NEXT_PAGE, PAGE_SIZE, PAST_DAYS, PREVIOUS_PAGE, ListQuery, parse_list
from db.storage import Storage
from tests.support.registry import REGISTRY
from tests.unit.commands.meeting.seeded import (  # noqa: F401  (services is a fixture)
    NOW,
    add,
    ctx,
    labels,
    only,
    run,
    services,
)

# -- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("", ListQuery(scope="all", channel_id=None, page=1)),
        ("all", ListQuery(scope="all", channel_id=None, page=1)),
        ("MINE page 2", ListQuery(scope="mine", channel_id=None, page=2)),
        ("mine 3", ListQuery(scope="mine", channel_id=None, page=3)),
        ("<#C1|general>", ListQuery(scope="channel", channel_id="C1", page=1)),
        ("<#C0ABC> page 2", ListQuery(scope="channel", channel_id="C0ABC", page=2)),
        ("#general", ListQuery(scope="channel", channel_id="general", page=1)),
        ("past", ListQuery(when="past", scope="all", page=1)),
        ("PAST mine page 2", ListQuery(when="past", scope="mine", page=2)),
        ("<#C1> past", ListQuery(when="past", scope="channel", channel_id="C1")),
    ],
)
def test_list_arguments(text: str, query: ListQuery) -> None:
    assert parse_list(text) == query


@pytest.mark.parametrize("text", ["everything", "page", "page 0", "mine page two", "<#nope>"])
def test_bad_list_arguments_say_what_works(text: str) -> None:
    with pytest.raises(UserError) as error:
        parse_list(text)
    assert "`#" in str(error.value) or "/meeting list" in str(error.value)


def test_a_page_button_value_asks_for_the_same_list() -> None:
    for query in (ListQuery(scope="mine"), ListQuery(scope="channel", channel_id="C1"),
                  ListQuery(scope="channel", channel_id="general"), ListQuery(),
                  ListQuery(when="past", scope="mine"), ListQuery(when="past", scope="channel", channel_id="C1")):
        assert parse_list(query.text(4)) == query.model_copy(update={"page": 4})


async def test_help_lists_list_cancel_and_link_with_examples(services: Services) -> None:
    text = (await run("help", services)).text
    for usage in ("/meeting list [past] [all|mine|#channel] [page <n>]", "/meeting cancel <id>", "/meeting link <id>",
                  "e.g. `/meeting list mine page 2`", "e.g. `/meeting cancel k7m2qx`"):
        assert usage in text




# -- list ------------------------------------------------------------------------------------


async def test_list_shows_upcoming_meetings_soonest_first_with_times_and_join_links(
    services: Services, storage: Storage
) -> None:
    later = await add(storage, title="Retro", start=timedelta(days=2), host_url="https://join.example/Retro?roomKey=secret")
    soon = await add(storage, title="Standup", start=timedelta(hours=1), channel="C2")
    running = await add(storage, title="Ongoing", start=timedelta(minutes=-10))
    await add(storage, title="Over", start=timedelta(hours=-2))  # ended
    gone = await add(storage, title="Gone", start=timedelta(hours=3))
    await storage.meetings.cancel("T1", gone.id)
    await add(storage, title="Theirs", team="T2")

    message = only(await run("list", services, user="U2"))
    assert message.audience is Audience.REQUESTER
    assert "Upcoming meetings in this workspace* — 3 meetings" in message.text
    assert [f.value for f in message.fields] == [running.starts_at, soon.starts_at, later.starts_at]
    assert all(isinstance(f.value, datetime) for f in message.fields)  # a date token per reader in Slack
    assert f"`{soon.id}`" in message.fields[1].label and "<#C2>" in message.fields[1].label
    assert "happening now" in message.fields[0].label and "happening now" not in message.fields[1].label
    assert [b.url for b in message.buttons] == [running.join_url, soon.join_url, later.join_url]
    assert "roomKey" not in repr(message)  # never a host link in a list


async def test_invite_only_meetings_are_listed_only_for_those_involved_and_admins(
    services: Services, storage: Storage
) -> None:
    private = await add(storage, title="Review", channel=None, organiser="U3", invitee_ids=["U2"])
    public = await add(storage, title="Town hall", organiser="U3")
    everyone = {"U1": 2, "U2": 2, "U4": 1}
    for user, count in everyone.items():
        message = only(await run("list all", services, user=user))
        assert len(message.fields) == count, user
    member_view = only(await run("list", services, user="U2"))
    assert "invite-only" in member_view.fields[0].label and "you're invited" in member_view.fields[0].label
    stranger_view = only(await run("list", services, user="U4"))
    assert private.id not in repr(stranger_view) and public.id in repr(stranger_view)


async def test_list_mine_has_what_i_organise_cohost_or_am_invited_to(services: Services, storage: Storage) -> None:
    organised = await add(storage, title="A", organiser="U2", start=timedelta(hours=1))
    cohosted = await add(storage, title="B", organiser="U1", cohost_ids=["U2"], start=timedelta(hours=2))
    invited = await add(storage, title="C", organiser="U1", invitee_ids=["U2"], start=timedelta(hours=3))
    await add(storage, title="D", organiser="U1", start=timedelta(hours=4))
    message = only(await run("list mine", services, user="U2"))
    assert "you organise, co-host or are invited to" in message.text
    assert [f.value for f in message.fields] == [organised.starts_at, cohosted.starts_at, invited.starts_at]
    assert ["you organise" in labels(message)[0], "you co-host" in labels(message)[1],
            "you're invited" in labels(message)[2]] == [True, True, True]
    assert (await run("list mine", services, user="U3")).text.startswith("You have no upcoming meetings")


async def test_list_a_channel_as_slack_escapes_it_and_as_the_console_types_it(
    services: Services, storage: Storage
) -> None:
    in_c2 = await add(storage, title="Ops", channel="C2")
    await add(storage, title="Other", channel="C1")
    named = await add(storage, title="Console", channel="general")
    message = only(await run("list <#C2|quiet>", services))
    assert "in <#C2>" in message.text and [f.value for f in message.fields] == [in_c2.starts_at]
    assert "<#C2>" not in message.fields[0].label  # the channel is the heading already
    assert named.id in repr(only(await run("list #general", services)))
    assert (await run("list <#C9>", services)).text == "No upcoming meetings in <#C9>. Create one with `/meeting new`."


async def test_a_private_channels_list_shows_a_non_member_only_what_involves_them(
    services: Services, storage: Storage
) -> None:
    board = await add(storage, title="Board", channel="G1", organiser="U3")
    invited = await add(storage, title="Budget", channel="G1", organiser="U3", invitee_ids=["U2"])
    assert [f.value for f in only(await run("list <#G1>", services, user="U3")).fields] == [
        board.starts_at, invited.starts_at]  # a member of G1
    outsider = only(await run("list <#G1>", services, user="U2"))
    assert "1 meeting" in outsider.text and invited.id in repr(outsider) and board.id not in repr(outsider)
    assert (await run("list <#G1>", services, user="U4")).text.startswith("No upcoming meetings in <#G1>")


async def test_long_lists_come_in_pages_with_next_and_previous_buttons(services: Services, storage: Storage) -> None:
    made = [await add(storage, title=f"M{i:02d}", start=timedelta(hours=i + 1)) for i in range(23)]
    first = only(await run("list", services))
    assert "23 meetings, page 1 of 3" in first.text and len(first.fields) == PAGE_SIZE
    [next_button] = [b for b in first.buttons if b.action_id]
    assert (next_button.action_id, next_button.value) == (NEXT_PAGE, "all page 2")
    assert "`/meeting list all page 2`" in first.text

    handler = REGISTRY.action(NEXT_PAGE)
    assert handler is not None
    second = only(await handler(next_button.value or "", ctx(), services))
    assert [f.value for f in second.fields] == [m.starts_at for m in made[10:20]]
    assert {b.action_id for b in second.buttons if b.action_id} == {NEXT_PAGE, PREVIOUS_PAGE}

    third = only(await run("list page 3", services))
    assert [f.value for f in third.fields] == [m.starts_at for m in made[20:]]
    [previous] = [b for b in third.buttons if b.action_id]
    assert (previous.action_id, previous.value) == (PREVIOUS_PAGE, "all page 2")

    beyond = (await run("list page 4", services)).text
    assert "There is no page 4" in beyond and "3 pages" in beyond
    assert "not `tampered`" in (await handler("tampered", ctx(), services)).text


# -- past and cancelled ------------------------------------------------------------------------


async def test_list_past_shows_meetings_that_ended_lately_newest_first_without_join_buttons(
    services: Services, storage: Storage
) -> None:
    older = await add(storage, title="Kickoff", start=timedelta(days=-3))
    newer = await add(storage, title="Retro", start=timedelta(hours=-2), channel="C2")
    await add(storage, title="Ancient", start=timedelta(days=-PAST_DAYS - 1))  # ended too long ago
    await add(storage, title="Running", start=timedelta(minutes=-10))  # not over yet
    await add(storage, title="Next", start=timedelta(hours=1))
    await add(storage, title="Hidden", start=timedelta(hours=-5), channel="G1", organiser="U3")  # U2 cannot read G1
    await add(storage, title="Theirs", start=timedelta(hours=-2), team="T2")

    message = only(await run("list past", services, user="U2"))
    assert f"Meetings that ended in the last {PAST_DAYS} days in this workspace* — 2 meetings" in message.text
    assert [f.value for f in message.fields] == [newer.starts_at, older.starts_at]
    assert "happening now" not in repr(message.fields)
    assert not [b for b in message.buttons if b.url]  # an ended room is not joined
    assert [f.value for f in only(await run("list past <#C2>", services, user="U2")).fields] == [newer.starts_at]
    assert len(only(await run("list past", services, user="U3")).fields) == 3  # a member of G1
    assert (await run("list past mine", services, user="U4")).text == (
        f"You have no meetings that ended in the last {PAST_DAYS} days.")


async def test_past_lists_come_in_pages_that_stay_past(services: Services, storage: Storage) -> None:
    made = [await add(storage, title=f"M{i:02d}", start=timedelta(hours=-i - 1)) for i in range(12)]
    first = only(await run("list past", services))
    assert "12 meetings, page 1 of 2" in first.text and "`/meeting list past all page 2`" in first.text
    [next_button] = [b for b in first.buttons if b.action_id]
    handler = REGISTRY.action(NEXT_PAGE)
    assert handler is not None and next_button.value == "past all page 2"
    second = only(await handler(next_button.value, ctx(), services))
    assert [f.value for f in second.fields] == [m.starts_at for m in made[10:]]
    assert "There is no page 3" in (await run("list past page 3", services)).text


async def test_cancelled_meetings_are_shown_as_such_to_their_organiser_only(
    services: Services, storage: Storage
) -> None:
    kept = await add(storage, title="Kept", organiser="U2", start=timedelta(hours=1))
    gone = await add(storage, title="Gone", organiser="U2", start=timedelta(hours=2), invitee_ids=["U3"])
    await storage.meetings.cancel("T1", gone.id)
    ended = await add(storage, title="Was", organiser="U2", start=timedelta(hours=-3))
    await storage.meetings.cancel("T1", ended.id)

    for line in ("list", "list mine", "list <#C1>"):
        organiser = only(await run(line, services, user="U2"))
        assert "2 meetings" in organiser.text, line
        assert [f.value for f in organiser.fields] == [kept.starts_at, gone.starts_at]
        assert "~Gone~" in organiser.fields[1].label and "cancelled" in organiser.fields[1].label
        assert "cancelled" not in organiser.fields[0].label
        assert [b.url for b in organiser.buttons] == [kept.join_url]  # no Join button for a cancelled one
    past = only(await run("list past", services, user="U2"))
    assert "~Was~" in past.fields[0].label and "cancelled" in past.fields[0].label

    for user in ("U1", "U3", "U4"):  # an admin, an invitee, anyone else
        for line in ("list", "list mine", "list past"):
            assert gone.id not in repr(await run(line, services, user=user)), (user, line)
            assert ended.id not in repr(await run(line, services, user=user)), (user, line)
