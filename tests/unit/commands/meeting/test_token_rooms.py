"""ClickMeeting token rooms (``access_type=3``): only the organiser, co-hosts and invitees get a
token, each the same one every time, stored encrypted per team, and reminders reuse it (issue 8,
defect 6). SQLite and PostgreSQL, against the ClickMeeting fake (which counts what it issued)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from commands.framework.context import Services
from commands.framework.replies import Audience, Reply
from commands.lifecycle.create import NewMeeting, create_meeting
from commands.lifecycle.reminders import reminder_reply
from db.records import Meeting
from db.storage import Storage
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.commands.meeting.seeded import clickmeeting, ctx, only, run, services  # noqa: F401 (fixtures)


async def token_meeting(services: Services) -> tuple[Meeting, Reply]:
    now = datetime.now(UTC)
    services.clock = lambda: now
    new = NewMeeting(provider="clickmeeting", title="Paid webinar", start=now + timedelta(days=1),
                     duration=timedelta(hours=1), channel_id="C1", invitees=("U2",), cohosts=("U3",),
                     reminders=(timedelta(minutes=10),), options={"access_type": "3"})
    reply = await create_meeting(new, ctx("U1"), services)
    [meeting] = (await services.storage.meetings.upcoming("T1", after=now)).items
    return meeting, reply


def issued(fake: FakeClickMeeting, meeting: Meeting) -> list[str]:
    return [t["token"] for t in fake.tokens.get(int(meeting.room_id), [])]


def token_of(fake: FakeClickMeeting, url: str | None) -> str | None:
    return fake.autologins[(url or "").split("?l=", 1)[1]]["token"]


def dm_links(reply: Reply) -> dict[str, str]:
    return {m.to or "": m.buttons[0].url or "" for m in reply.messages if m.audience is Audience.DM}


async def test_each_person_keeps_one_token_across_creation_link_and_reminders(
    services: Services, clickmeeting: FakeClickMeeting
) -> None:
    meeting, created = await token_meeting(services)
    at_creation = {user: token_of(clickmeeting, url) for user, url in dm_links(created).items()}
    assert set(at_creation) == {"U1", "U2", "U3"} and len(set(at_creation.values())) == 3
    assert sorted(issued(clickmeeting, meeting)) == sorted(at_creation.values())  # type: ignore[arg-type]

    for _ in range(2):  # asking again gives the same token, not a new one
        for user in ("U1", "U2", "U3"):
            [button] = only(await run(f"link {meeting.id}", services, user=user)).buttons
            assert token_of(clickmeeting, button.url) == at_creation[user]
    [reminder] = await services.storage.reminders.for_meeting("T1", meeting.id)
    later = {user: token_of(clickmeeting, url) for user, url in dm_links(await reminder_reply(meeting, reminder,
                                                                                               services)).items()}
    assert later == at_creation
    assert len(issued(clickmeeting, meeting)) == 3


async def test_a_channel_reader_who_is_not_invited_gets_a_sentence_and_no_token(
    services: Services, clickmeeting: FakeClickMeeting
) -> None:
    meeting, _ = await token_meeting(services)
    before = issued(clickmeeting, meeting)
    for _ in range(3):
        message = only(await run(f"link {meeting.id}", services, user="U5"))
        assert not message.buttons and message.audience is Audience.REQUESTER
        assert message.text == (f"`{meeting.id}` is a token-protected room with a token for each invitee; "
                                "ask <@U1> to invite you.")
    assert issued(clickmeeting, meeting) == before


async def test_tokens_are_encrypted_at_rest_team_scoped_and_never_logged(
    services: Services, storage: Storage, clickmeeting: FakeClickMeeting, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    meeting, _ = await token_meeting(services)
    await run(f"link {meeting.id}", services, user="U2")
    token = await storage.tokens.get("T1", meeting.id, "U2")
    assert token in issued(clickmeeting, meeting)
    with storage.engine.connect() as connection:
        stored = connection.execute(text("SELECT token FROM issuedtoken WHERE user_id = 'U2'")).scalar_one()
    assert token and token not in stored
    assert await storage.tokens.get("T2", meeting.id, "U2") is None
    assert token not in caplog.text


async def test_the_first_token_stored_wins(storage: Storage, services: Services,
                                           clickmeeting: FakeClickMeeting) -> None:
    meeting, _ = await token_meeting(services)
    first = await storage.tokens.get("T1", meeting.id, "U2")
    assert first and await storage.tokens.keep("T1", meeting.id, "U2", "OTHER1") == first
