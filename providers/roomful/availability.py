"""A Roomful user's availability: set it for a day or as a weekly pattern, read it per day/week/month.

    await adapter.set_availability(status="Available", dates=[TimeSlot(start=s, end=e)], local_date=day)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from providers.errors import Rejected
from providers.roomful.models import (
    SLUG,
    Availability,
    AvailabilityStatus,
    TimeSlot,
    Weekday,
    _availability,
    iso_instant,
    iso_local,
)
from providers.roomful.socket import RoomfulSocket


class AvailabilityAPI(RoomfulSocket):
    """``meeting:setUserAvailability`` and the ``meeting:getUserAvailability*`` reads."""

    async def set_availability(
        self,
        *,
        status: AvailabilityStatus | str,
        dates: Sequence[TimeSlot],
        local_date: datetime,
        repeat_on: Weekday | None = None,
    ) -> None:
        """``meeting:setUserAvailability``: for ``local_date``'s day, or as the weekly pattern on ``repeat_on``."""
        try:
            wire_status = AvailabilityStatus(status)
        except ValueError:
            raise Rejected(provider=SLUG, field="status", reason="use Available or NotAvailable") from None
        availability: dict[str, Any] = {
            "status": wire_status.value,
            "dates": [{"startDate": iso_instant(d.start), "endDate": iso_instant(d.end)} for d in dates],
        }
        if repeat_on:
            availability["repetition"] = int(repeat_on)
        data = {"availability": availability, "localDate": iso_local(local_date)}
        await self._call("meeting:setUserAvailability", data)

    async def availability_pattern(self, *, local_date: datetime) -> list[Availability]:
        """``meeting:getUserAvailabilityPattern``: one Availability per weekday, Sunday first."""
        answer = await self._call("meeting:getUserAvailabilityPattern", {"localDate": iso_local(local_date)})
        pattern = answer.get("pattern") if isinstance(answer, dict) else None
        days = pattern.get("availabilities") if isinstance(pattern, dict) else None
        return [_availability(day) for day in days or []]

    async def availability_for_day(self, *, local_date: datetime) -> Availability:
        """``meeting:getUserAvailabilityForDay``."""
        return await self._availability("meeting:getUserAvailabilityForDay", local_date)

    async def availability_for_week(self, *, local_date: datetime) -> Availability:
        """``meeting:getUserAvailabilityForWeek``."""
        return await self._availability("meeting:getUserAvailabilityForWeek", local_date)

    async def availability_for_month(self, *, local_date: datetime) -> Availability:
        """``meeting:getUserAvailabilityForMonth``."""
        return await self._availability("meeting:getUserAvailabilityForMonth", local_date)

    async def _availability(self, event: str, local_date: datetime) -> Availability:
        answer = await self._call(event, {"localDate": iso_local(local_date)})
        return _availability(answer.get("availability") if isinstance(answer, dict) else None)

