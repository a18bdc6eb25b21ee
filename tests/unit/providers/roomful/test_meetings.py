"""Roomful meetings: every meeting RPC, asserted on the envelope the fake received and its state."""

from __future__ import annotations

from datetime import timedelta

import pytest

from providers.base import MoveBy, RoomRequest
from providers.roomful import RoomfulProvider
from providers.errors import NotFound
from tests.unit.providers.roomful.support import MONDAY, ROOM_ID, at, create, envelope


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


async def test_update_meeting_reads_then_sends_what_roomfuls_client_sends(fake, make):
    guest = fake.add_user("guest@acme.test")
    adapter = make()
    created = await create(adapter, description="Daily", color="#ff0000", invited_user_ids=[guest])
    updated = await adapter.update_meeting(created.meeting_id, subject="Retro", end=at(MONDAY, 11))

    assert [r.event for r in fake.rpcs[-2:]] == ["meeting:getMeeting", "meeting:updateMeeting"]
    assert envelope(fake, "meeting:updateMeeting") == {
        "meetingId": created.meeting_id,
        "sourceType": "room",
        "subject": "Retro",
        "description": "Daily",  # kept: updateMeeting replaces the meeting
        "invitedUserIds": [fake.owner_id, guest],  # kept, as Roomful's client keeps participantIds
        "startDate": "2030-01-07T09:00:00.000Z",
        "endDate": "2030-01-07T10:00:00.000Z",
        "color": {"r": 1.0, "g": 0.0, "b": 0.0, "a": 1.0},
    }
    assert fake.meetings[created.meeting_id]["subject"] == "Retro"
    assert fake.meetings[created.meeting_id]["participantIds"] == [fake.owner_id, guest]
    assert fake.statuses[created.meeting_id] == {fake.owner_id: "accepted", guest: "received"}
    assert updated.end == at(MONDAY, 11) and updated.participant_ids == (fake.owner_id, guest)


async def test_update_meeting_can_change_the_invitees(fake, make):
    ana, bo = fake.add_user("ana@acme.test"), fake.add_user("bo@acme.test")
    adapter = make()
    created = await create(adapter, invited_user_ids=[ana])
    await adapter.update_meeting(created.meeting_id, invited_user_ids=[bo])
    assert fake.meetings[created.meeting_id]["participantIds"] == [fake.owner_id, bo]


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


async def test_reschedule_room_updates_the_dates_and_keeps_the_invitees_and_the_link(fake, make):
    guest = fake.add_user("guest@acme.test")
    adapter = make()
    room = await adapter.create_room(RoomRequest(
        title="Standup", description="Daily", start=at(MONDAY, 10), end=at(MONDAY, 10.5), timezone="Europe/Zurich",
        options={"source_type": "room", "source_ids": [ROOM_ID], "invited_user_ids": [guest]},
    ))
    assert RoomfulProvider.move_by(room) is MoveBy.RESCHEDULE
    moved = await adapter.reschedule_room(room, RoomRequest(
        title="Standup", start=at(MONDAY, 14), end=at(MONDAY, 14.5), timezone="Europe/Zurich"))

    sent = envelope(fake, "meeting:updateMeeting")
    assert (sent["startDate"], sent["endDate"]) == ("2030-01-07T13:00:00.000Z", "2030-01-07T13:30:00.000Z")
    assert sent["invitedUserIds"] == [fake.owner_id, guest] and sent["description"] == "Daily"
    assert fake.meetings[room.room_id]["participantIds"] == [fake.owner_id, guest]
    assert (moved.room_id, moved.join_url, moved.starts_at) == (room.room_id, room.join_url, at(MONDAY, 14))
