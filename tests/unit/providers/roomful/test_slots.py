"""Roomful free time slots shared by several users."""

from __future__ import annotations

from datetime import timedelta

import pytest

from providers.errors import Rejected
from providers.roomful import SlotUser, TimeSlot, Weekday
from tests.unit.providers.roomful.support import MONDAY, ZURICH, at, create, envelope


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
