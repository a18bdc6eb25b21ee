"""Availability (per day, as a weekly pattern) and the free time slots it leaves."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from tests.fakes.roomful.wire import (
    AvailabilityBook,
    DaySetting,
    Interval,
    PatternSetting,
    RpcError,
    day_bounds,
    intersect,
    parse_stamp,
    subtract,
    sunday_index,
    wire_dates,
)
from tests.fakes.roomful.app import RoomfulApp


class AvailabilityFake(RoomfulApp):
    """Availability (per day, as a weekly pattern) and the free time slots it leaves."""

    def _set_availability(self, user_id: str, data: dict[str, Any], sid: str) -> None:
        local = parse_stamp(data.get("localDate"), "localDate")
        availability = data.get("availability")
        if not isinstance(availability, dict):
            raise RpcError(400, "Bad request: availability is required")
        status = availability.get("status")
        if status not in ("Available", "NotAvailable"):
            raise RpcError(400, "Bad request: status must be Available or NotAvailable")
        dates = availability.get("dates", [])
        if not isinstance(dates, list) or not all(isinstance(d, dict) for d in dates):
            raise RpcError(400, "Bad request: dates must be a list of {startDate, endDate}")
        intervals = [self._dates(d) for d in dates]
        repetition = availability.get("repetition")
        if repetition is not None and (not isinstance(repetition, int) or not 0 <= repetition <= 127):
            raise RpcError(400, "Bad request: repetition is a byte of week days (bit 0 = Sunday)")
        book = self.availability.setdefault(user_id, AvailabilityBook())
        day_start, _ = day_bounds(local.date(), local.tzinfo)
        if repetition:
            offsets = [(s - day_start, e - day_start) for s, e in intervals]
            for bit in range(7):
                if repetition & (1 << bit):
                    book.pattern[bit] = PatternSetting(status=status, offsets=offsets)
        else:
            book.days[local.date()] = DaySetting(status=status, intervals=intervals)

    def _setting(self, user_id: str, day: date, tz: tzinfo | None) -> DaySetting | None:
        book = self.availability.get(user_id)
        if book is None:
            return None
        if day in book.days:
            return book.days[day]
        pattern = book.pattern.get(sunday_index(day))
        if pattern is None:
            return None
        start, _ = day_bounds(day, tz)
        return DaySetting(status=pattern.status, intervals=[(start + a, start + b) for a, b in pattern.offsets])

    def _free(self, user_id: str, day: date, tz: tzinfo | None) -> list[Interval]:
        """When the user said they are available on ``day``."""
        setting = self._setting(user_id, day, tz)
        if setting is None:
            return []
        bounds = [day_bounds(day, tz)]
        clipped = intersect(setting.intervals, bounds)
        return clipped if setting.status == "Available" else subtract(bounds, clipped)

    def _busy(self, user_id: str) -> list[Interval]:
        return [
            (parse_stamp(m["startDate"], ""), parse_stamp(m["endDate"], ""))
            for m in self.meetings.values() if user_id in m["participantIds"]
        ]

    @staticmethod
    def _span(local: datetime, kind: str) -> list[date]:
        day = local.date()
        if kind == "day":
            return [day]
        if kind == "week":
            sunday = day - timedelta(days=sunday_index(day))
            return [sunday + timedelta(days=i) for i in range(7)]
        first = day.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return [first + timedelta(days=i) for i in range((next_month - first).days)]

    def _availability_span(self, user_id: str, data: dict[str, Any], kind: str) -> dict[str, Any]:
        local = parse_stamp(data.get("localDate"), "localDate")
        free = [i for day in self._span(local, kind) for i in self._free(user_id, day, local.tzinfo)]
        status = "Available" if free else "NotAvailable"
        return {"availability": {"status": status, "dates": wire_dates(free)}}

    def _availability_pattern(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        local = parse_stamp(data.get("localDate"), "localDate")
        book = self.availability.get(user_id, AvailabilityBook())
        days = []
        for day in self._span(local, "week"):
            pattern = book.pattern.get(sunday_index(day))
            if pattern is None:
                days.append({"status": "NotAvailable", "dates": []})
                continue
            start, _ = day_bounds(day, local.tzinfo)
            dates = wire_dates([(start + a, start + b) for a, b in pattern.offsets])
            days.append({"status": pattern.status, "dates": dates})
        return {"pattern": {"availabilities": days}}

    def _time_slots(self, data: dict[str, Any], *, month: bool) -> dict[str, Any]:
        local = parse_stamp(data.get("localDate"), "localDate")
        users = data.get("users")
        if not isinstance(users, list) or not users or not all(isinstance(u, dict) for u in users):
            raise RpcError(400, "Bad request: users is required")
        ids: list[str] = []
        for entry in users:
            by_id, email = entry.get("roomful"), entry.get("email")
            if not (isinstance(by_id, str) and by_id) and not (isinstance(email, str) and email):
                raise RpcError(400, "Bad request: each user needs roomful or email")
            match = self.users.get(by_id) if by_id else next(
                (u for u in self.users.values() if u.email.lower() == str(email).lower()), None
            )
            if match is not None and match.id not in ids:  # unknown users are ignored, as documented
                ids.append(match.id)
        slots: list[Interval] = []
        for day in self._span(local, "month" if month else "day"):
            common: list[Interval] | None = None
            for user_id in ids:
                free = subtract(self._free(user_id, day, local.tzinfo), self._busy(user_id))
                common = free if common is None else intersect(common, free)
            slots.extend(common or [])
        return {"availableTimeSlots": wire_dates(slots)}

