"""The Roomful fake itself: it refuses bad values and envelopes as Roomful does."""

from __future__ import annotations

import httpx
import pytest
import socketio

from providers.errors import Rejected
from providers.roomful import TimeSlot
from tests.unit.providers.roomful.support import MONDAY, at, create


async def test_fake_refuses_bad_values_with_the_error_object(fake, make):
    adapter = make()
    with pytest.raises(Rejected) as caught:
        await adapter.set_availability(
            status="Available", dates=[TimeSlot(start=at(MONDAY, 12), end=at(MONDAY, 9))], local_date=MONDAY,
        )
    assert caught.value.raw == "400: Bad request: endDate must be after startDate"
    assert fake.availability == {}


async def test_fake_requires_the_event_envelope(fake):
    async with httpx.AsyncClient(base_url=fake.base_url) as http:
        answer = await http.post("/api/v1/auth/signin", headers={"X-Network": "acme"},
                                 json={"email": "bot@acme.test", "password": "s3cret"})
    token = answer.json()["data"]["session_token"]
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(f"{fake.base_url}?sessionId={token}", transports=["websocket"], socketio_path="socket")
    try:
        ack = await client.call("meeting:getMeeting", {"data": {"meetingId": "x"}}, timeout=2)
    finally:
        await client.disconnect()
    assert ack == {"error": {"status": True, "code": 400, "message": "Bad request: event.id is required"}}


async def test_fake_update_replaces_the_meeting_and_drops_invitees_not_sent(fake, make):
    guest = fake.add_user("guest@acme.test")
    adapter = make()
    created = await create(adapter, description="Daily", invited_user_ids=[guest])
    data = {"meetingId": created.meeting_id, "subject": "Retro", "startDate": "2030-01-07T09:00:00.000Z",
            "endDate": "2030-01-07T10:00:00.000Z"}
    await adapter._call("meeting:updateMeeting", data)
    stored = fake.meetings[created.meeting_id]
    assert stored["participantIds"] == [fake.owner_id] and stored["description"] == ""
    with pytest.raises(Rejected):
        await adapter._call("meeting:updateMeeting", {**data, "sourceType": "group"})
