"""Host links by DM to the organiser and co-hosts at creation, on every provider that has one;
the organiser told where a provider has none (issue 8, defect 4). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commands.framework.context import Services
from commands.framework.replies import Audience, Reply
from commands.lifecycle.create import NewMeeting, create_meeting
from commands.lifecycle.links import has_host_link
from db.storage import Storage
from providers import registry
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.commands.meeting.seeded import (  # noqa: F401 (fixtures)
    add,
    clickmeeting,
    ctx,
    only,
    run,
    services,
    whereby,
)


def dms(reply: Reply) -> dict[str, str]:
    return {m.to or "": m.buttons[0].url or "" for m in reply.messages if m.audience is Audience.DM}


async def create(services: Services, provider: str, **details: object) -> Reply:
    now = datetime.now(UTC)
    services.clock = lambda: now
    new = NewMeeting(provider=provider, title="Board", start=now + timedelta(days=1), duration=timedelta(hours=1),
                     channel_id="C1", **details)  # type: ignore[arg-type]
    return await create_meeting(new, ctx("U1"), services)


def test_which_providers_have_host_links() -> None:
    assert {slug for slug in registry.slugs() if has_host_link(slug)} == {"whereby", "clickmeeting"}


async def test_clickmeeting_hosts_get_a_host_sign_in_link_by_dm_at_creation(
    services: Services, clickmeeting: FakeClickMeeting
) -> None:
    reply = await create(services, "clickmeeting", cohosts=("U3",))
    links = dms(reply)
    assert set(links) == {"U1", "U3"}
    for user, email in (("U1", "ada@example.com"), ("U3", "cy@example.com")):
        login = clickmeeting.autologins[links[user].split("?l=", 1)[1]]
        assert (login["email"], login["role"]) == (email, "host")
    [announcement] = [m for m in reply.messages if m.audience is Audience.CHANNEL]
    assert "?l=" not in (announcement.buttons[0].url or "")
    assert "host link" not in reply.messages[-1].text  # nothing to add for the organiser


async def test_a_host_without_an_email_is_named_to_the_organiser(
    services: Services, clickmeeting: FakeClickMeeting
) -> None:
    reply = await create(services, "clickmeeting", cohosts=("U4",))  # Dee has no e-mail
    assert set(dms(reply)) == {"U1"}
    assert "I could not make a host link for <@U4>" in reply.messages[-1].text


async def test_whereby_hosts_get_the_rooms_host_link(services: Services, whereby: object) -> None:
    reply = await create(services, "whereby", cohosts=("U2",))
    [meeting] = (await services.storage.meetings.upcoming("T1", after=services.clock())).items
    assert meeting.host_url and dms(reply) == {"U1": meeting.host_url, "U2": meeting.host_url}


async def test_kmeet_says_it_has_no_host_link(services: Services) -> None:
    reply = await create(services, "kmeet", cohosts=("U2",))
    assert not dms(reply)
    assert reply.messages[-1].text.endswith(
        "Infomaniak kMeet has no separate host link: hosts join with the same link as everyone.")


async def test_link_tells_an_airmeet_host_there_is_no_host_link(services: Services, storage: Storage) -> None:
    meeting = await add(storage, provider="airmeet", title="Summit", organiser="U1",
                        join_url="https://www.airmeet.com/e/abc")
    message = only(await run(f"link {meeting.id}", services, user="U1"))
    assert "Airmeet has no separate host link" in message.text and "Your host link" not in message.text
    assert [b.url for b in message.buttons] == [meeting.join_url]


async def test_cohost_on_the_one_line_is_stored_and_gets_the_host_link(services: Services, whereby: object) -> None:
    now = datetime.now(UTC)
    services.clock = lambda: now
    reply = await run('new whereby "Standup" tomorrow 10:00 @U4 cohost <@U2|bob> <@U3|cy>', services)
    [meeting] = (await services.storage.meetings.upcoming("T1", after=now)).items
    assert (meeting.cohost_ids, meeting.invitee_ids) == (("U2", "U3"), ("U4",))
    assert meeting.host_url and dms(reply) == {"U1": meeting.host_url, "U2": meeting.host_url,
                                               "U3": meeting.host_url, "U4": meeting.join_url}
