"""Roomful availability: for a day, as a weekly pattern, and gaps."""

from __future__ import annotations

from datetime import timedelta

from providers.roomful import AvailabilityStatus, TimeSlot, Weekday
from tests.unit.providers.roomful.support import MONDAY, at, envelope


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
