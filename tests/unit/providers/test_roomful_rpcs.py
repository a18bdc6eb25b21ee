"""Roomful adapter: every meeting RPC's happy path, asserted on the envelope the fake received and its state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
import socketio

from providers.base import RoomRequest
from providers.errors import NotFound, Rejected
from providers.roomful import AvailabilityStatus, SlotUser, TimeSlot, Weekday
from tests.fakes.roomful import FakeRoomful, RecordedRpc

# One loopback server per module and a fresh fake per test (fixtures shared with test_roomful.py).
from tests.unit.providers.test_roomful import fake, make, server  # noqa: F401

ZURICH = ZoneInfo("Europe/Zurich")
MONDAY = datetime(2030, 1, 7, tzinfo=ZURICH)  # local midnight; January is UTC+1
ROOM_ID = "55mx098565068t"


def at(day: datetime, hour: float) -> datetime:
    return day + timedelta(hours=hour)


def envelope(fake: FakeRoomful, event: str) -> dict:
    """The last request for ``event``, after checking Roomful's envelope: data + event {id, date}."""
    rpc: RecordedRpc = fake.rpcs_to(event)[-1]
    assert set(rpc.payload) == {"data", "event"}
    assert isinstance(rpc.payload["event"]["id"], str) and rpc.payload["event"]["id"]
    sent_at = datetime.fromisoformat(rpc.payload["event"]["date"])
    assert abs(sent_at - datetime.now(UTC)) < timedelta(minutes=1)
    ids = [r.payload["event"]["id"] for r in fake.rpcs]
    assert len(ids) == len(set(ids))  # every request has its own event id
    return rpc.payload["data"]


async def create(adapter, *, subject: str = "Standup", start: datetime = at(MONDAY, 10), minutes: int = 30, **kwargs):
    options = {"source_type": "room", "source_ids": [ROOM_ID], **kwargs}
    return await adapter.create_meeting(
        source_type=options.pop("source_type"), source_ids=options.pop("source_ids"), subject=subject,
        start=start, end=start + timedelta(minutes=minutes), **options,
    )


# --- meetings ---------------------------------------------------------------------------------------


async def test_create_room_sends_create_meeting_and_returns_a_room_link(fake, make):
    guest = fake.add_user("guest@acme.test")
    room = await make().create_room(RoomRequest(
        title="Standup", description="Daily", start=at(MONDAY, 10), end=at(MONDAY, 10.5), timezone="Europe/Zurich",
        options={"source_type": "room", "source_ids": [ROOM_ID], "invited_user_ids": [guest], "color": "#4299f5"},
    ))

    assert envelope(fake, "meeting:createMeeting") == {
        "sourceType": "room",
        "sourceIds": [ROOM_ID],
        "subject": "Standup",
        "description": "Daily",
        "invitedUserIds": [guest],
        "startDate": "2030-01-07T09:00:00.000Z",
        "endDate": "2030-01-07T09:30:00.000Z",
        "color": {"r": 0x42 / 255, "g": 0x99 / 255, "b": 0xF5 / 255, "a": 1.0},
    }
    stored = fake.meetings[room.room_id]
    assert stored["participantIds"] == [fake.owner_id, guest]
    assert fake.statuses[room.room_id] == {fake.owner_id: "accepted", guest: "received"}
    assert room.join_url == f"{fake.base_url}/#/room/{ROOM_ID}"
    assert room.host_url is None
    assert (room.starts_at, room.ends_at) == (at(MONDAY, 10), at(MONDAY, 10.5))
    assert room.details["organizer_id"] == fake.owner_id


async def test_prop_and_direct_meetings(fake, make):
    guest = fake.add_user("guest@acme.test")
    adapter = make()
    prop = await adapter.create_room(RoomRequest(
        title="Booth", start=at(MONDAY, 11), end=at(MONDAY, 12), timezone="Europe/Zurich",
        options={"source_type": "prop", "source_ids": [ROOM_ID, "prop1"]},
    ))
    assert fake.source_ids[prop.room_id] == [ROOM_ID, "prop1"]
    assert prop.join_url == f"{fake.base_url}/#/room/{ROOM_ID}"

    direct = await adapter.create_room(RoomRequest(
        title="1:1", start=at(MONDAY, 14), end=at(MONDAY, 15), timezone="Europe/Zurich",
        options={"source_type": "direct", "source_ids": guest},
    ))
    assert envelope(fake, "meeting:createMeeting")["sourceIds"] == [guest]
    assert direct.join_url == f"{fake.base_url}/"  # a direct meeting lives in no room


async def test_get_meeting(fake, make):
    adapter = make()
    created = await create(adapter, description="Daily")
    meeting = await adapter.get_meeting(created.meeting_id)
    assert envelope(fake, "meeting:getMeeting") == {"meetingId": created.meeting_id}
    assert (meeting.subject, meeting.description, meeting.source_type, meeting.source_pk) == (
        "Standup", "Daily", "room", ROOM_ID,
    )
    assert (meeting.start, meeting.organizer_id, meeting.network_id) == (at(MONDAY, 10), fake.owner_id, "acme")


async def test_update_meeting_reads_then_sends_every_field(fake, make):
    adapter = make()
    created = await create(adapter, description="Daily", color="#ff0000")
    updated = await adapter.update_meeting(created.meeting_id, subject="Retro", end=at(MONDAY, 11))

    assert [r.event for r in fake.rpcs[-2:]] == ["meeting:getMeeting", "meeting:updateMeeting"]
    assert envelope(fake, "meeting:updateMeeting") == {
        "meetingId": created.meeting_id,
        "subject": "Retro",
        "description": "Daily",  # kept: updateMeeting replaces the meeting
        "startDate": "2030-01-07T09:00:00.000Z",
        "endDate": "2030-01-07T10:00:00.000Z",
        "color": {"r": 1.0, "g": 0.0, "b": 0.0, "a": 1.0},
    }
    assert fake.meetings[created.meeting_id]["subject"] == "Retro"
    assert updated.end == at(MONDAY, 11)


async def test_delete_meeting(fake, make):
    adapter = make()
    created = await create(adapter)
    await adapter.delete_meeting(created.meeting_id)
    assert envelope(fake, "meeting:deleteMeeting") == {"meetingId": created.meeting_id}
    assert created.meeting_id not in fake.meetings
    with pytest.raises(NotFound):
        await adapter.get_meeting(created.meeting_id)


async def test_list_meetings_in_a_range_and_by_source(fake, make):
    guest_id = fake.add_user("guest@acme.test", password="pw")
    organizer, guest = make(), make(email="guest@acme.test", password="pw")
    standup = await create(organizer, invited_user_ids=[guest_id])
    await create(organizer, subject="Elsewhere", source_ids=["otherroom00000"])
    await create(organizer, subject="Next week", start=at(MONDAY + timedelta(days=7), 10))

    day = await organizer.list_meetings(start=MONDAY, end=MONDAY + timedelta(days=1))
    assert envelope(fake, "meeting:listUserMeetings") == {
        "startDate": "2030-01-06T23:00:00.000Z", "endDate": "2030-01-07T23:00:00.000Z",
    }
    assert sorted(m.subject for m in day) == ["Elsewhere", "Standup"]

    in_room = await organizer.list_meetings(
        start=MONDAY, end=MONDAY + timedelta(days=1), source_type="room", source_ids=[ROOM_ID]
    )
    assert envelope(fake, "meeting:listUserMeetings")["sourceIds"] == [ROOM_ID]
    assert [m.meeting_id for m in in_room] == [standup.meeting_id]

    (invited,) = await guest.list_meetings(start=MONDAY, end=MONDAY + timedelta(days=14))
    assert (invited.meeting_id, invited.status) == (standup.meeting_id, "received")


async def test_meeting_counts_are_paged(fake, make):
    adapter = make()
    for day, hour in [(0, 10), (0, 14), (1, 10), (2, 10)]:
        await create(adapter, start=at(MONDAY + timedelta(days=day), hour))

    counts = [c async for c in adapter.iter_meeting_counts(local_date_now=at(MONDAY, 8), page_size=2)]

    pages = [r.payload["data"] for r in fake.rpcs_to("meeting:listUserMeetingCounts")]
    assert pages == [
        {"localDateNow": "2030-01-07T08:00:00.000+01:00", "offset": 0, "size": 2},
        {"localDateNow": "2030-01-07T08:00:00.000+01:00", "offset": 2, "size": 2},
    ]
    assert [(c.count, c.start) for c in counts] == [
        (2, MONDAY), (1, MONDAY + timedelta(days=1)), (1, MONDAY + timedelta(days=2)),
    ]


async def test_accept_and_decline_meeting_requests(fake, make):
    guest_id = fake.add_user("guest@acme.test", password="pw")
    organizer, guest = make(), make(email="guest@acme.test", password="pw")
    first = await create(organizer, invited_user_ids=[guest_id])
    second = await create(organizer, invited_user_ids=[guest_id], start=at(MONDAY, 15))

    await guest.accept_meeting(first.meeting_id)
    assert envelope(fake, "meeting:acceptMeetingRequest") == {"meetingId": first.meeting_id}
    await guest.decline_meeting(second.meeting_id)
    assert envelope(fake, "meeting:declineMeetingRequest") == {"meetingId": second.meeting_id}

    assert fake.statuses[first.meeting_id][guest_id] == "accepted"
    assert fake.statuses[second.meeting_id][guest_id] == "declined"
    with pytest.raises(NotFound):  # nobody invited the organizer to their own meeting
        await organizer.decline_meeting(first.meeting_id)


async def test_prop_has_meetings(fake, make):
    adapter = make()
    await create(adapter, source_type="prop", source_ids=[ROOM_ID, "prop1"])
    assert await adapter.prop_has_meetings(room_id=ROOM_ID, prop_id="prop1") is True
    assert envelope(fake, "meeting:checkPropHasMeetingsOrSocialSessions") == {"roomId": ROOM_ID, "propId": "prop1"}
    assert await adapter.prop_has_meetings(room_id=ROOM_ID, prop_id="prop2") is False


# --- availability and time slots ------------------------------------------------------------------


async def test_availability_for_a_day_and_as_a_weekly_pattern(fake, make):
    adapter = make()
    await adapter.set_availability(
        status=AvailabilityStatus.AVAILABLE, dates=[TimeSlot(start=at(MONDAY, 13), end=at(MONDAY, 17))],
        local_date=MONDAY, repeat_on=Weekday.MONDAY | Weekday.WEDNESDAY,
    )
    assert envelope(fake, "meeting:setUserAvailability") == {
        "availability": {
            "status": "Available",
            "dates": [{"startDate": "2030-01-07T12:00:00.000Z", "endDate": "2030-01-07T16:00:00.000Z"}],
            "repetition": 0b1010,  # bit 0 is Sunday
        },
        "localDate": "2030-01-07T00:00:00.000+01:00",
    }
    await adapter.set_availability(  # this Monday only: the morning instead
        status="Available", dates=[TimeSlot(start=at(MONDAY, 9), end=at(MONDAY, 12))], local_date=MONDAY,
    )
    assert "repetition" not in envelope(fake, "meeting:setUserAvailability")["availability"]
    assert set(fake.availability[fake.owner_id].pattern) == {1, 3}

    pattern = await adapter.availability_pattern(local_date=MONDAY)
    available = [p.status == "Available" for p in pattern]
    assert available == [False, True, False, True, False, False, False]  # Sunday first
    assert pattern[3].dates == (TimeSlot(start=at(MONDAY, 24 * 2 + 13), end=at(MONDAY, 24 * 2 + 17)),)

    day = await adapter.availability_for_day(local_date=MONDAY)
    assert envelope(fake, "meeting:getUserAvailabilityForDay") == {"localDate": "2030-01-07T00:00:00.000+01:00"}
    assert (day.status, day.dates) == ("Available", (TimeSlot(start=at(MONDAY, 9), end=at(MONDAY, 12)),))

    week = await adapter.availability_for_week(local_date=MONDAY)
    assert week.dates == (
        TimeSlot(start=at(MONDAY, 9), end=at(MONDAY, 12)),
        TimeSlot(start=at(MONDAY, 24 * 2 + 13), end=at(MONDAY, 24 * 2 + 17)),
    )
    month = await adapter.availability_for_month(local_date=MONDAY)
    assert len(month.dates) == 4 + 5  # January 2030: four Mondays and five Wednesdays

    sunday = await adapter.availability_for_day(local_date=MONDAY - timedelta(days=1))
    assert (sunday.status, sunday.dates) == ("NotAvailable", ())


async def test_not_available_marks_a_gap_in_the_day(fake, make):
    adapter = make()
    await adapter.set_availability(
        status=AvailabilityStatus.NOT_AVAILABLE, local_date=MONDAY,
        dates=[TimeSlot(start=at(MONDAY, 12), end=at(MONDAY, 13))],
    )
    day = await adapter.availability_for_day(local_date=MONDAY)
    assert day.dates == (
        TimeSlot(start=MONDAY, end=at(MONDAY, 12)), TimeSlot(start=at(MONDAY, 13), end=at(MONDAY, 24)),
    )


async def test_time_slots_are_free_for_everyone_and_skip_meetings(fake, make):
    guest_id = fake.add_user("guest@acme.test", password="pw")
    organizer, guest = make(), make(email="guest@acme.test", password="pw")
    for adapter, (start, end) in [(organizer, (9, 12)), (guest, (10, 13))]:
        dates = [TimeSlot(start=at(MONDAY, start), end=at(MONDAY, end))]
        await adapter.set_availability(status="Available", dates=dates, local_date=MONDAY)
    await create(organizer, start=at(MONDAY, 10.5), invited_user_ids=[guest_id])

    users = [
        SlotUser(user_id=fake.owner_id), SlotUser(email="guest@acme.test"), SlotUser(email="stranger@else.where"),
    ]
    slots = await organizer.time_slots_for_meeting(users=users, local_date=MONDAY)

    assert envelope(fake, "meeting:getTimeSlotsForMeeting") == {
        "users": [{"roomful": fake.owner_id}, {"email": "guest@acme.test"}, {"email": "stranger@else.where"}],
        "localDate": "2030-01-07T00:00:00.000+01:00",
    }
    assert slots == [
        TimeSlot(start=at(MONDAY, 10), end=at(MONDAY, 10.5)), TimeSlot(start=at(MONDAY, 11), end=at(MONDAY, 12)),
    ]


async def test_time_slots_for_a_month_follow_the_weekly_pattern(fake, make):
    adapter = make()
    await adapter.set_availability(
        status="Available", dates=[TimeSlot(start=at(MONDAY, 9), end=at(MONDAY, 10))], local_date=MONDAY,
        repeat_on=Weekday.MONDAY,
    )
    await create(adapter, start=at(MONDAY + timedelta(days=7), 9), minutes=60)  # the 14th is taken

    slots = await adapter.time_slots_for_month(users=[SlotUser(user_id=fake.owner_id)], local_date=MONDAY)

    assert envelope(fake, "meeting:getMeetingTimeSlotsForMonth")["users"] == [{"roomful": fake.owner_id}]
    assert [s.start.astimezone(ZURICH).day for s in slots] == [7, 21, 28]


async def test_time_slots_need_someone(fake, make):
    with pytest.raises(Rejected) as caught:
        await make().time_slots_for_meeting(users=[], local_date=MONDAY)
    assert caught.value.field == "users"
    assert fake.rpcs == []


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
