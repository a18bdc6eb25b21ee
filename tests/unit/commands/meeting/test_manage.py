"""commands/meeting: list, cancel, link and the App Home tab, on a temporary SQLite repository, providers on loopback fakes.

Meetings are stored through ``repo.add_meeting`` (or created for real at the Whereby fake); every
test uses a fixed clock. U1 is a workspace admin, U2 and U3 are members.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.replies import Audience, Message, Reply
from commands.lifecycle.create import NewMeeting, create_meeting
from commands.meeting.listing import NEXT_PAGE, PAGE_SIZE, PREVIOUS_PAGE, ListQuery, parse_list
from db.crypto import Vault
from db.engine import create_schema, make_engine
from db.models import Meeting
from db.repo import Repository
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.server import Fault, serve
from tests.fakes.whereby import FakeWhereby
from tests.support.meetings import seed_meeting
from tests.support.people import PEOPLE, People
from tests.support.policy import FAST
from tests.support.registry import REGISTRY

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

PRIVATE_CHANNELS = {"G1": {"U1", "U3"}}  # everything else is public


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    vault = Vault.from_keys([Fernet.generate_key().decode()])
    engine = make_engine(f"sqlite:///{tmp_path / 'meetbot.db'}", vault=vault)
    create_schema(engine)
    yield Repository(engine)
    engine.dispose()


@pytest.fixture
def services(repo: Repository) -> Services:
    return Services(repo=repo, directory=People(private_channels=PRIVATE_CHANNELS), policy=FAST, clock=lambda: NOW)


def ctx(user: str = "U1", channel: str = "C1", team: str = "T1") -> Context:
    return Context(team_id=team, user_id=user, channel_id=channel, user_tz=PEOPLE.get(user, PEOPLE["U1"]).tz or "UTC")


def add(repo: Repository, **details: Any) -> Meeting:
    return seed_meeting(repo, now=NOW, **details)


async def run(line: str, services: Services, **who: str) -> Reply:
    return await REGISTRY.dispatch("/meeting", line, ctx(**who), services)


def only(reply: Reply) -> Message:
    assert len(reply.messages) == 1, reply.messages
    return reply.messages[0]


def labels(message: Message) -> list[str]:
    return [field.label for field in message.fields]


# -- parsing ---------------------------------------------------------------------------------


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
                  ListQuery(scope="channel", channel_id="general"), ListQuery()):
        assert parse_list(query.text(4)) == query.model_copy(update={"page": 4})


async def test_help_lists_list_cancel_and_link_with_examples(services: Services) -> None:
    text = (await run("help", services)).text
    for usage in ("/meeting list [all|mine|#channel] [page <n>]", "/meeting cancel <id>", "/meeting link <id>",
                  "e.g. `/meeting list mine page 2`", "e.g. `/meeting cancel k7m2qx`"):
        assert usage in text


# -- list ------------------------------------------------------------------------------------


async def test_list_shows_upcoming_meetings_soonest_first_with_times_and_join_links(
    services: Services, repo: Repository
) -> None:
    later = add(repo, title="Retro", start=timedelta(days=2), host_url="https://join.example/Retro?roomKey=secret")
    soon = add(repo, title="Standup", start=timedelta(hours=1), channel="C2")
    running = add(repo, title="Ongoing", start=timedelta(minutes=-10))
    add(repo, title="Over", start=timedelta(hours=-2))  # ended
    gone = add(repo, title="Gone", start=timedelta(hours=3))
    repo.cancel_meeting("T1", gone.id)
    add(repo, title="Theirs", team="T2")

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
    services: Services, repo: Repository
) -> None:
    private = add(repo, title="Review", channel=None, organiser="U3", invitee_ids=["U2"])
    public = add(repo, title="Town hall", organiser="U3")
    everyone = {"U1": 2, "U2": 2, "U4": 1}
    for user, count in everyone.items():
        message = only(await run("list all", services, user=user))
        assert len(message.fields) == count, user
    member_view = only(await run("list", services, user="U2"))
    assert "invite-only" in member_view.fields[0].label and "you're invited" in member_view.fields[0].label
    stranger_view = only(await run("list", services, user="U4"))
    assert private.id not in repr(stranger_view) and public.id in repr(stranger_view)


async def test_list_mine_has_what_i_organise_cohost_or_am_invited_to(services: Services, repo: Repository) -> None:
    organised = add(repo, title="A", organiser="U2", start=timedelta(hours=1))
    cohosted = add(repo, title="B", organiser="U1", cohost_ids=["U2"], start=timedelta(hours=2))
    invited = add(repo, title="C", organiser="U1", invitee_ids=["U2"], start=timedelta(hours=3))
    add(repo, title="D", organiser="U1", start=timedelta(hours=4))
    message = only(await run("list mine", services, user="U2"))
    assert "you organise, co-host or are invited to" in message.text
    assert [f.value for f in message.fields] == [organised.starts_at, cohosted.starts_at, invited.starts_at]
    assert ["you organise" in labels(message)[0], "you co-host" in labels(message)[1],
            "you're invited" in labels(message)[2]] == [True, True, True]
    assert (await run("list mine", services, user="U3")).text.startswith("You have no upcoming meetings")


async def test_list_a_channel_as_slack_escapes_it_and_as_the_console_types_it(
    services: Services, repo: Repository
) -> None:
    in_c2 = add(repo, title="Ops", channel="C2")
    add(repo, title="Other", channel="C1")
    named = add(repo, title="Console", channel="general")
    message = only(await run("list <#C2|quiet>", services))
    assert "in <#C2>" in message.text and [f.value for f in message.fields] == [in_c2.starts_at]
    assert "<#C2>" not in message.fields[0].label  # the channel is the heading already
    assert named.id in repr(only(await run("list #general", services)))
    assert (await run("list <#C9>", services)).text == "No upcoming meetings in <#C9>. Create one with `/meeting new`."


async def test_long_lists_come_in_pages_with_next_and_previous_buttons(services: Services, repo: Repository) -> None:
    made = [add(repo, title=f"M{i:02d}", start=timedelta(hours=i + 1)) for i in range(23)]
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


# -- cancel ----------------------------------------------------------------------------------


async def test_organiser_cancels_a_kmeet_meeting_reminders_stop_and_the_announcement_is_marked(
    services: Services, repo: Repository
) -> None:
    meeting = add(repo, organiser="U2", reminders=2, announcement_ts="1700000000.000100", cohost_ids=["U3"])
    reply = await run(f"cancel {meeting.id.upper()}", services, user="U2")
    assert repo.get_meeting("T1", meeting.id).status == "cancelled"
    assert [r.status for r in repo.reminders_for("T1", meeting.id)] == ["cancelled", "cancelled"]
    announcement, dm, confirmation = reply.messages
    assert (announcement.audience, announcement.to) == (Audience.CHANNEL, "C1")
    assert "~Standup~" in announcement.text and "cancelled by <@U2>" in announcement.text
    assert announcement.buttons == ()  # no Join button on a cancelled meeting
    assert (dm.audience, dm.to) == (Audience.DM, "U3")
    assert confirmation.audience is Audience.REQUESTER
    assert "kMeet cannot delete rooms through its API" in confirmation.text
    assert "2 pending reminders stopped" in confirmation.text
    assert meeting.id not in repr(await run("list", services))


async def test_the_cancel_edits_the_stored_announcement(services: Services, repo: Repository) -> None:
    meeting = add(repo, announcement_ts="1700000000.000100")
    announcement = (await run(f"cancel {meeting.id}", services)).messages[0]
    assert (announcement.to, announcement.replace_ts) == ("C1", "1700000000.000100")


async def test_no_announcement_no_channel_message(services: Services, repo: Repository) -> None:
    never_posted = add(repo, title="Quiet")  # announcement_ts is None: the post had failed
    reply = await run(f"cancel {never_posted.id}", services)
    assert [m.audience for m in reply.messages] == [Audience.REQUESTER]
    assert "No reminders were due" in reply.text


async def test_a_member_cannot_cancel_someone_elses_meeting(services: Services, repo: Repository) -> None:
    meeting = add(repo, organiser="U3", invitee_ids=["U2"], reminders=1, announcement_ts="1.2")
    reply = await run(f"cancel {meeting.id}", services, user="U2")
    assert reply.text == "Only <@U3>, who organises *Standup*, or a workspace admin can cancel it."
    assert repo.get_meeting("T1", meeting.id).status == "scheduled"
    assert [r.status for r in repo.reminders_for("T1", meeting.id)] == ["pending"]


async def test_an_admin_cancels_someone_elses_meeting_and_the_organiser_hears_of_it(
    services: Services, repo: Repository
) -> None:
    meeting = add(repo, organiser="U3")
    reply = await run(f"cancel {meeting.id}", services, user="U1")
    assert repo.get_meeting("T1", meeting.id).status == "cancelled"
    assert [(m.audience, m.to) for m in reply.messages] == [(Audience.DM, "U3"), (Audience.REQUESTER, None)]
    assert "<@U1> cancelled *Standup*" in reply.messages[0].text


async def test_admins_from_meetbot_admins_count_too(services: Services, repo: Repository) -> None:
    meeting = add(repo, organiser="U3")
    services.admins = frozenset({"U2"})
    await run(f"cancel {meeting.id}", services, user="U2")
    assert repo.get_meeting("T1", meeting.id).status == "cancelled"


@pytest.mark.parametrize("line", ["cancel zzzzzz", "cancel", "cancel a b"])
async def test_cancel_needs_one_known_id(services: Services, line: str) -> None:
    text = (await run(line, services)).text
    assert "`/meeting list` shows the ids" in text


async def test_another_workspaces_meeting_is_unknown_here(services: Services, repo: Repository) -> None:
    theirs = add(repo, team="T2", organiser="U1")
    assert (await run(f"cancel {theirs.id}", services)).text.startswith(f"There is no meeting `{theirs.id}`")
    assert repo.get_meeting("T2", theirs.id).status == "scheduled"


async def test_cancelling_twice_or_after_the_end(services: Services, repo: Repository) -> None:
    meeting = add(repo)
    await run(f"cancel {meeting.id}", services)
    assert (await run(f"cancel {meeting.id}", services)).text == f"*Standup* (`{meeting.id}`) is already cancelled."
    over = add(repo, title="Past", start=timedelta(hours=-3))
    assert "has already ended" in (await run(f"cancel {over.id}", services)).text
    assert repo.get_meeting("T1", over.id).status == "scheduled"


@pytest.fixture
def whereby(services: Services, repo: Repository) -> Iterator[FakeWhereby]:
    fake = FakeWhereby(api_key="wb-key")
    with serve(fake.app) as url:
        services.endpoints = services.endpoints.model_copy(update={"whereby": f"{url}/v1"})
        repo.save_account("T1", provider="whereby", credentials={"api_key": "wb-key"})
        yield fake


async def whereby_meeting(services: Services, *, organiser: str = "U1", cohosts: tuple[str, ...] = (),
                          invitees: tuple[str, ...] = ()) -> Meeting:
    # The whole creation path against the fake (its clock is real, so the meeting is in the real future).
    now = datetime.now(UTC)
    services.clock = lambda: now
    new = NewMeeting(provider="whereby", title="Board", start=now + timedelta(days=1), duration=timedelta(hours=1),
                     channel_id="C1", cohosts=cohosts, invitees=invitees, reminders=(timedelta(minutes=10),))
    await create_meeting(new, ctx(organiser), services)
    [meeting] = services.repo.upcoming_meetings("T1", after=now)
    return meeting


async def test_cancelling_a_whereby_meeting_deletes_it_there(services: Services, whereby: FakeWhereby) -> None:
    meeting = await whereby_meeting(services)
    assert meeting.room_id in whereby.meetings
    reply = await run(f"cancel {meeting.id}", services)
    [delete] = whereby.requests_to(f"/v1/meetings/{meeting.room_id}", method="DELETE")
    assert delete.headers["authorization"] == "Bearer wb-key"
    assert meeting.room_id not in whereby.meetings
    assert "The room is deleted at Whereby." in reply.text
    assert services.repo.get_meeting("T1", meeting.id).status == "cancelled"


async def test_a_whereby_outage_cancels_nothing(services: Services, whereby: FakeWhereby) -> None:
    meeting = await whereby_meeting(services)
    whereby.faults.add(Fault(status=503), path="/v1/meetings/", method="DELETE", times=10)
    reply = await run(f"cancel {meeting.id}", services)
    assert "The meeting is not cancelled yet." in reply.text
    assert services.repo.get_meeting("T1", meeting.id).status == "scheduled"
    assert [r.status for r in services.repo.reminders_for("T1", meeting.id)] == ["pending"]
    assert meeting.room_id in whereby.meetings


async def test_revoked_whereby_keys_still_cancel_here_and_say_so(services: Services, whereby: FakeWhereby) -> None:
    meeting = await whereby_meeting(services)
    services.repo.save_account("T1", provider="whereby", credentials={"api_key": "revoked"})
    reply = await run(f"cancel {meeting.id}", services)
    assert "I could not delete the room at Whereby" in reply.text and "remove it there yourself" in reply.text
    assert services.repo.get_meeting("T1", meeting.id).status == "cancelled"
    assert whereby.requests_to(f"/v1/meetings/{meeting.room_id}", method="DELETE")[-1].headers["authorization"] \
        == "Bearer revoked"


# -- link ------------------------------------------------------------------------------------


async def test_whereby_link_is_the_host_link_for_hosts_only(services: Services, whereby: FakeWhereby) -> None:
    meeting = await whereby_meeting(services, organiser="U1", cohosts=("U3",), invitees=("U2",))
    assert meeting.host_url and meeting.host_url != meeting.join_url
    for host in ("U1", "U3"):
        message = only(await run(f"link {meeting.id}", services, user=host))
        assert message.audience is Audience.REQUESTER
        assert [b.url for b in message.buttons] == [meeting.host_url]
        assert "Keep it to yourself" in message.text
    for viewer in ("U2", "U4"):
        message = only(await run(f"link {meeting.id}", services, user=viewer))
        assert message.audience is Audience.REQUESTER
        assert [b.url for b in message.buttons] == [meeting.join_url] and meeting.host_url not in repr(message)


@pytest.fixture
def clickmeeting(services: Services, repo: Repository) -> Iterator[FakeClickMeeting]:
    fake = FakeClickMeeting(api_key="cm-key")
    with serve(fake.app) as url:
        services.endpoints = services.endpoints.model_copy(update={"clickmeeting": f"{url}/v1"})
        repo.save_account("T1", provider="clickmeeting", credentials={"api_key": "cm-key"})
        yield fake


async def test_clickmeeting_link_is_a_personal_sign_in_for_the_callers_email_and_role(
    services: Services, repo: Repository, clickmeeting: FakeClickMeeting
) -> None:
    room = clickmeeting.add_conference({"name": "Webinar", "room_type": "webinar", "permanent_room": "1",
                                        "access_type": "1"})
    meeting = add(repo, provider="clickmeeting", title="Webinar", organiser="U1", invitee_ids=["U2"],
                  room_id=str(room["id"]), join_url=room["room_url"], provider_data=json.dumps({"access_type": 1}))

    host = only(await run(f"link {meeting.id}", services, user="U1"))
    member = only(await run(f"link {meeting.id}", services, user="U2"))
    made = clickmeeting.requests_to(f"/v1/conferences/{room['id']}/room/autologin_hash")
    assert [(dict(r.form)["email"], dict(r.form)["role"]) for r in made] == [
        ("ada@example.com", "host"), ("bob@example.com", "listener")]
    for message, email, role in ((host, "ada@example.com", "host"), (member, "bob@example.com", "listener")):
        [button] = message.buttons
        assert button.url and button.url.startswith(f"{room['room_url']}?l=")
        login = clickmeeting.autologins[button.url.split("?l=", 1)[1]]
        assert (login["email"], login["role"]) == (email, role)
        assert f"signs you in as {email}" in message.text and message.audience is Audience.REQUESTER
    assert "host link" in host.text and "host link" not in member.text

    no_mail = only(await run(f"link {meeting.id}", services, user="U4"))
    assert [b.url for b in no_mail.buttons] == [room["room_url"]] and "shared link" in no_mail.text
    assert len(clickmeeting.requests_to(f"/v1/conferences/{room['id']}/room/autologin_hash")) == 2


async def test_link_of_an_invite_only_meeting_needs_an_invitation(services: Services, repo: Repository) -> None:
    private = add(repo, channel=None, organiser="U3", invitee_ids=["U2"])
    assert "invite-only" in (await run(f"link {private.id}", services, user="U4")).text
    assert [b.url for b in only(await run(f"link {private.id}", services, user="U2")).buttons] == [private.join_url]
    repo.cancel_meeting("T1", private.id)
    assert "was cancelled" in (await run(f"link {private.id}", services, user="U2")).text


# -- App Home --------------------------------------------------------------------------------


async def test_home_for_an_admin_has_my_meetings_and_connect_buttons(services: Services, repo: Repository) -> None:
    repo.save_account("T1", provider="whereby", credentials={"api_key": "k"})
    mine = add(repo, title="Mine", organiser="U1", host_url="https://join.example/Mine?roomKey=secret")
    add(repo, title="Not mine", organiser="U3")
    home = await REGISTRY.home(ctx("U1"), services)
    text = "\n".join(s.text for s in home.sections)
    assert "Mine" in text and "Not mine" not in text
    card = next(s for s in home.sections if "*Mine*" in s.text)
    assert [b.url for b in card.buttons] == [mine.join_url] and "roomKey" not in repr(home)
    assert f"`/meeting link {mine.id}` gives you the host link" in card.text
    actions = {(b.action_id, b.value) for s in home.sections for b in s.buttons if b.action_id}
    assert ("disconnect_provider", "whereby") in actions and ("connect_provider", "whereby") not in actions
    assert {("connect_provider", slug) for slug in ("kmeet", "clickmeeting", "airmeet", "roomful")} <= actions


async def test_home_for_a_member_has_no_admin_buttons(services: Services, repo: Repository) -> None:
    add(repo, title="Invited", organiser="U1", invitee_ids=["U2"])
    home = await REGISTRY.home(ctx("U2"), services)
    assert all(b.action_id is None for s in home.sections for b in s.buttons)
    assert "A workspace admin can connect the others." in "\n".join(s.text for s in home.sections)
    card = next(s for s in home.sections if "*Invited*" in s.text)
    assert "You're invited." in card.text and "host link" not in card.text
    empty = await REGISTRY.home(ctx("U3"), services)
    assert "None yet" in empty.sections[0].text


async def test_a_private_channels_meetings_stay_with_its_members(services: Services, repo: Repository) -> None:
    secret = add(repo, title="Reorg", channel="G1", organiser="U1")

    def listed(reply: Reply) -> str:
        return " ".join(f.label for m in reply.messages for f in m.fields)

    assert secret.id in listed(await run("list all", services, user="U3", channel="C1"))  # a member of G1
    assert secret.id not in listed(await run("list all", services, user="U2", channel="C1"))
    refusal = (await run(f"link {secret.id}", services, user="U2")).text
    assert "channel you are not in" in refusal and secret.join_url not in refusal
