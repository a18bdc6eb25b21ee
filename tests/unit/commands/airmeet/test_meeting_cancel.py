"""``/meeting cancel`` of an Airmeet session points to ``/airmeet session delete`` and changes nothing."""

from __future__ import annotations

from commands.framework.context import Services
from tests.fakes.airmeet import FakeAirmeet
from tests.support.registry import REGISTRY
from tests.unit.commands.airmeet.support import ctx, made_event, run

KEYNOTE = 'session add {event} title=Keynote start="2026-12-10 17:00" duration=45'


async def test_meeting_cancel_of_a_session_names_the_airmeet_subcommand(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    await run(KEYNOTE.format(event=event.id), services)
    session = next(m for m in await services.storage.airmeet.meetings("T1") if m.provider_data.get("kind") == "session")

    reply = await REGISTRY.dispatch("/meeting", f"cancel {session.id}", ctx(), services)

    assert reply.text == (f"*Keynote* is a session of an Airmeet event: delete it there and here with "
                          f"`/airmeet session delete {event.room_id} {session.id}`.")
    assert fake.events[event.room_id].sessions  # still there
    stored = await services.storage.meetings.get("T1", session.id)
    assert stored is not None and stored.status != "cancelled"
