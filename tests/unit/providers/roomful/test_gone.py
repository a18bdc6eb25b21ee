"""``RoomfulProvider.meeting_gone``: what the reminder check asks Roomful, against the fake."""

from __future__ import annotations

from datetime import timedelta

import pytest

from providers.errors import AuthFailed, Unavailable
from tests.unit.providers.roomful.support import MONDAY, ROOM_ID, at, create, envelope

START, END = at(MONDAY, 10), at(MONDAY, 10.5)  # what ``create`` makes by default


async def test_a_meeting_that_exists_is_not_gone_after_one_get(fake, make):
    adapter = make()
    meeting = await create(adapter)
    assert await adapter.meeting_gone(meeting.meeting_id, start=START, end=END) is False
    assert envelope(fake, "meeting:getMeeting") == {"meetingId": meeting.meeting_id}
    assert fake.rpcs_to("meeting:listUserMeetings") == []


async def test_a_meeting_deleted_in_roomful_is_gone_confirmed_by_the_list(fake, make):
    adapter = make()
    meeting = await create(adapter)
    kept = await create(adapter, subject="Other", start=at(MONDAY, 10.25))  # same time, still there
    await make().delete_meeting(meeting.meeting_id)  # someone else's session deletes it

    assert await adapter.meeting_gone(meeting.meeting_id, start=START, end=END) is True
    # The document has no code for an unknown meeting, so the list over its own time decides.
    assert envelope(fake, "meeting:listUserMeetings") == {
        "startDate": "2030-01-07T09:00:00.000Z", "endDate": "2030-01-07T09:30:00.000Z",
    }
    assert await adapter.meeting_gone(kept.meeting_id, start=at(MONDAY, 10.25), end=at(MONDAY, 10.75)) is False


async def test_whatever_code_roomful_refuses_with_the_list_decides(fake, make):
    adapter = make()
    meeting = await create(adapter)
    fake.fail_next("meeting:getMeeting", code=1099, message="Some refusal the document does not list")
    assert await adapter.meeting_gone(meeting.meeting_id, start=START, end=END) is False  # still listed

    await adapter.delete_meeting(meeting.meeting_id)
    fake.fail_next("meeting:getMeeting", code=1099, message="Meeting does not exist")
    assert await adapter.meeting_gone(meeting.meeting_id, start=START, end=END) is True


async def test_a_meeting_whose_room_was_deleted_is_gone(fake, make):
    adapter = make()
    in_room = await create(adapter)
    in_prop = await create(adapter, source_type="prop", source_ids=[ROOM_ID, "prop1"], start=at(MONDAY, 12))
    elsewhere = await create(adapter, source_ids=["otherroom00000"])
    assert fake.delete_source(ROOM_ID) == 2

    assert await adapter.meeting_gone(in_room.meeting_id, start=START, end=END) is True
    assert await adapter.meeting_gone(in_prop.meeting_id, start=at(MONDAY, 12), end=at(MONDAY, 12.5)) is True
    assert await adapter.meeting_gone(elsewhere.meeting_id, start=START, end=END) is False
    assert fake.rpcs_to("meeting:listUserMeetings") == []  # getMeeting answered: isValid is enough


@pytest.mark.parametrize("failing", ["meeting:getMeeting", "meeting:listUserMeetings"])
async def test_an_outage_is_dont_know_not_gone(fake, make, failing):
    adapter = make()
    meeting = await create(adapter)
    if failing == "meeting:listUserMeetings":
        await adapter.delete_meeting(meeting.meeting_id)  # so that the list is asked
    fake.fail_next(failing, code=500, message="Internal server error")
    with pytest.raises(Unavailable):
        await adapter.meeting_gone(meeting.meeting_id, start=START, end=END)


async def test_a_list_that_answers_not_found_is_dont_know(fake, make):
    adapter = make()
    meeting = await create(adapter)
    await adapter.delete_meeting(meeting.meeting_id)
    fake.fail_next("meeting:listUserMeetings", code=404)
    with pytest.raises(Unavailable):  # not NotFound, which the reminder check would read as gone
        await adapter.meeting_gone(meeting.meeting_id, start=START, end=END + timedelta(days=1))


async def test_a_refused_sign_in_is_dont_know(fake, make):
    meeting = await create(make())
    with pytest.raises(AuthFailed):
        await make(password="wrong").meeting_gone(meeting.meeting_id, start=START, end=END)
    assert fake.rpcs_to("meeting:getMeeting") == []
