"""/airmeet speaker add, session add|delete, booth add, register: against the Airmeet fake."""

from __future__ import annotations

from datetime import UTC, datetime

from commands.framework.context import Services
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import Fault
from tests.unit.commands.airmeet.support import click, made_event, run

KEYNOTE = 'session add {event} title=Keynote start="2026-12-10 17:00" duration=45'


async def test_speaker_add_sends_and_remembers_the_speaker(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)

    reply = await run(f"speaker add {event.id} name=Ada email=ada@example.com organisation=ACME "
                      "image_url=https://x.example/ada.gif", services)

    assert fake.requests_to(f"/airmeet/{event.room_id}/speaker")[-1].json == {
        "name": "Ada", "email": "ada@example.com", "organisation": "ACME"}
    assert "Added Ada" in reply.text and "default profile image" in reply.text
    assert [s.email for s in await services.storage.airmeet.speakers("T1", event.room_id)] == ["ada@example.com"]
    again = await run(f"speaker add {event.id} name=Ada email=ada@example.com", services)
    assert "already a speaker" in again.text


async def test_speaker_add_refuses_a_bad_email_before_sending(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)

    reply = await run(f"speaker add {event.id} name=Ada email=not-an-email", services)

    assert "`email=`" in reply.text
    assert fake.requests_to(f"/airmeet/{event.room_id}/speaker") == []
    assert (await run(f"speaker add {event.id}", services)).modal is not None


async def test_session_form_offers_only_the_events_speakers(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    await run(f"speaker add {event.id} name=Ada email=ada@example.com", services)

    modal = (await run(f"session add {event.id}", services)).modal

    assert modal is not None
    pickers = {i.name: i for i in modal.inputs if i.kind == "checkbox"}
    assert set(pickers) == {"speakers", "cohosts"}
    assert [c.value for c in pickers["speakers"].choices] == ["ada@example.com"]


async def test_session_add_stores_a_meeting_with_the_found_id(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    await run(f"speaker add {event.id} name=Ada email=ada@example.com", services)

    reply = await run(KEYNOTE.format(event=event.id) + " speakers=ada@example.com cohosts=ada@example.com", services)

    assert "Added the session *Keynote*" in reply.text and "dashboard" not in reply.text
    sent = fake.requests_to(f"/airmeet/{event.room_id}/session")[-1].json
    start = datetime(2026, 12, 10, 16, 0, tzinfo=UTC)  # 17:00 in Ada's Zurich
    assert (sent["sessionStartTime"], sent["sessionDuration"], sent["type"]) == (int(start.timestamp() * 1000), 45,
                                                                                 "HOSTING")
    sessions = [m for m in await services.storage.airmeet.meetings("T1") if m.provider_data.get("kind") == "session"]
    assert len(sessions) == 1
    assert sessions[0].provider_data["session_id"] in fake.events[event.room_id].sessions
    assert await services.storage.reminders.for_meeting("T1", sessions[0].id)


async def test_session_add_refuses_a_speaker_not_on_the_event(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)

    reply = await run(KEYNOTE.format(event=event.id) + " speakers=stranger@example.com", services)

    assert "is not a speaker" in reply.text
    assert fake.requests_to(f"/airmeet/{event.room_id}/session") == []


async def test_session_without_a_found_id_says_what_delete_needs(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    fake.faults.add(Fault(status=200, body={"name": "x", "sessions": []}), path=f"/airmeet/{event.room_id}/info")

    reply = await run(KEYNOTE.format(event=event.id), services)

    assert "session id from the Airmeet dashboard" in reply.text
    session = next(m for m in await services.storage.airmeet.meetings("T1") if m.provider_data.get("kind") == "session")
    assert "dashboard" in (await run(f"session delete {event.id} {session.id}", services)).text


async def test_session_delete_asks_then_deletes_and_stops_reminders(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    await run(KEYNOTE.format(event=event.id), services)
    session = next(m for m in await services.storage.airmeet.meetings("T1") if m.provider_data.get("kind") == "session")

    ask = await run(f"session delete {event.id} {session.id}", services)
    assert fake.events[event.room_id].sessions  # not yet
    confirm = ask.messages[0].buttons[0]
    done = await click(confirm.action_id or "", confirm.value or "", services)

    assert "Deleted the session" in done.text
    assert fake.events[event.room_id].sessions == {}
    assert {r.status for r in await services.storage.reminders.for_meeting("T1", session.id)} == {"cancelled"}


async def test_booth_add_and_register(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)

    booth = await run(f"booth add {event.id} name=Sponsors tags=cloud,ai exhibitors=bob@example.com", services)
    assert "Added the booth *Sponsors*" in booth.text
    assert fake.requests_to(f"/airmeet/{event.room_id}/booths")[-1].json == {
        "name": "Sponsors", "exhibitors": ["bob@example.com"], "tags": ["cloud", "ai"]}

    registered = await run(f"register {event.id} email=cy@example.com first_name=Cy last_name=Guest", services)
    assert "Registered Cy Guest" in registered.text
    assert [p["email"] for p in fake.events[event.room_id].participants] == ["cy@example.com"]
    twice = await run(f"register {event.id} email=cy@example.com first_name=Cy last_name=Guest", services)
    assert "already registered" in twice.text

    missing = await run(f"register {event.id} email=cy@example.com first_name=Cy", services)
    assert "`last_name=`" in missing.text


async def test_an_unknown_key_is_named(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    reply = await run(f"booth add {event.id} name=X colour=red", services)
    assert "`colour=`" in reply.text and "`name=`" in reply.text
