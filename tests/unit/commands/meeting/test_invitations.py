"""Every invitee gets a DM at creation and with each reminder: their personal link where the
provider makes one, else the participant link; one Slack shares no e-mail for gets the participant
link and the organiser is told once (issue 8, defect 5). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commands.framework.context import Services
from commands.framework.replies import Audience, Message, Reply
from commands.lifecycle.create import NewMeeting, create_meeting
from commands.lifecycle.reminders import reminder_reply
from db.records import Meeting
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.commands.meeting.seeded import clickmeeting, ctx, services, whereby  # noqa: F401 (fixtures)


def dms(reply: Reply) -> dict[str, Message]:
    return {m.to or "": m for m in reply.messages if m.audience is Audience.DM}


async def create(services: Services, provider: str, invitees: tuple[str, ...]) -> Reply:
    now = datetime.now(UTC)
    services.clock = lambda: now
    new = NewMeeting(provider=provider, title="Board", start=now + timedelta(days=1), duration=timedelta(hours=1),
                     channel_id="C1", invitees=invitees, reminders=(timedelta(minutes=10),))
    return await create_meeting(new, ctx("U1"), services)


async def only_meeting(services: Services) -> Meeting:
    [meeting] = (await services.storage.meetings.upcoming("T1", after=services.clock())).items
    return meeting


async def test_kmeet_invitees_get_the_participant_link_at_creation_and_with_each_reminder(services: Services) -> None:
    reply = await create(services, "kmeet", ("U2", "U3"))
    meeting = await only_meeting(services)
    invited = dms(reply)
    assert set(invited) == {"U2", "U3"}
    for message in invited.values():
        assert message.text == f"<@U1> invited you to *Board* (`{meeting.id}`)."
        assert [b.url for b in message.buttons] == [meeting.join_url]
        assert any(f.value == meeting.starts_at for f in message.fields)  # rendered as a Slack date token
    [reminder] = await services.storage.reminders.for_meeting("T1", meeting.id)
    later = dms(await reminder_reply(meeting, reminder, services))
    assert set(later) == {"U2", "U3"} and all(m.buttons[0].url == meeting.join_url for m in later.values())
    assert all("Your link:" in m.text for m in later.values())


async def test_whereby_invitees_never_get_the_host_link(services: Services, whereby: object) -> None:
    reply = await create(services, "whereby", ("U2",))
    meeting = await only_meeting(services)
    assert dms(reply)["U2"].buttons[0].url == meeting.join_url != meeting.host_url


async def test_clickmeeting_invitees_get_their_own_sign_in(services: Services, clickmeeting: FakeClickMeeting) -> None:
    reply = await create(services, "clickmeeting", ("U2",))
    link = dms(reply)["U2"].buttons[0].url or ""
    login = clickmeeting.autologins[link.split("?l=", 1)[1]]
    assert (login["email"], login["role"]) == ("bob@example.com", "listener")


async def test_an_invitee_without_an_email_gets_the_participant_link_and_the_organiser_is_told_once(
    services: Services, clickmeeting: FakeClickMeeting
) -> None:
    reply = await create(services, "clickmeeting", ("U4",))  # Dee: no e-mail in Slack
    meeting = await only_meeting(services)
    assert dms(reply)["U4"].buttons[0].url == meeting.join_url
    told = [m for m in reply.messages if m.audience is Audience.REQUESTER]
    assert len(told) == 1 and "Slack shares no e-mail address for <@U4>, so they get the participant link" in told[0].text
    [reminder] = await services.storage.reminders.for_meeting("T1", meeting.id)
    later = await reminder_reply(meeting, reminder, services)
    assert dms(later)["U4"].buttons[0].url == meeting.join_url
    assert not [m for m in later.messages if m.audience is Audience.REQUESTER or m.to == "U1" and "e-mail" in m.text]
