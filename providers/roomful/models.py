"""Roomful's data as plain values, and the wire formats (ISO dates, rgba colours) they travel in.

    meeting = parse_meeting(answer["meeting"])      # RoomfulMeeting
    iso_instant(start)                               # "2025-03-03T09:00:00.000Z"

Timestamps travel as ISO 8601 strings (Roomful's own web client sends ``Date.toISOString()``).
Instants go as UTC; ``localDate`` values keep the caller's UTC offset, because they name the user's
calendar day and the offset is how that day's boundaries reach the server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntFlag, StrEnum
from typing import Any, Literal

from providers.errors import Rejected, Unavailable
from providers.roomful.options import HEX_COLOUR

SLUG = "roomful"


class AvailabilityStatus(StrEnum):
    AVAILABLE = "Available"
    NOT_AVAILABLE = "NotAvailable"


class Weekday(IntFlag):
    """Roomful's ``repetition`` byte: bit 0 is Sunday. ``Weekday.SUNDAY | Weekday.TUESDAY == 0b101``."""

    SUNDAY = 1
    MONDAY = 2
    TUESDAY = 4
    WEDNESDAY = 8
    THURSDAY = 16
    FRIDAY = 32
    SATURDAY = 64


@dataclass(frozen=True, kw_only=True)
class TimeSlot:
    """An interval with aware datetimes: ``TimeSlot(start=..., end=...)``."""

    start: datetime
    end: datetime


@dataclass(frozen=True, kw_only=True)
class RoomfulMeeting:
    """A meeting as Roomful returns it; ``status`` is the caller's own (received/accepted/declined) in lists."""

    meeting_id: str
    subject: str
    description: str
    start: datetime | None
    end: datetime | None
    source_type: str
    source_pk: str
    source_string: str
    organizer_id: str
    participant_ids: tuple[str, ...]
    network_id: str
    is_valid: bool
    color: Mapping[str, float] | None = None
    status: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, kw_only=True)
class Availability:
    """A user's availability for a day, week or month: a status and the intervals it covers."""

    status: str
    dates: tuple[TimeSlot, ...]


@dataclass(frozen=True, kw_only=True)
class MeetingCount:
    """How many meetings fall in one day (``listUserMeetingCounts``)."""

    count: int
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, kw_only=True)
class SlotUser:
    """Someone whose free time counts: a Roomful user id or an email (Roomful ignores unknown ones)."""

    user_id: str | None = None
    email: str | None = None


@dataclass(frozen=True, kw_only=True)
class MeetingEvent:
    """A ``meeting:onMeeting*`` push: ``kind`` is created/updated/deleted; ``meeting`` is None on delete."""

    kind: Literal["created", "updated", "deleted"]
    meeting_id: str
    meeting: RoomfulMeeting | None


MeetingCallback = Callable[[MeetingEvent], Awaitable[None] | None]

PUSH_EVENTS: dict[str, Literal["created", "updated", "deleted"]] = {
    "meeting:onMeetingCreated": "created",
    "meeting:onMeetingUpdated": "updated",
    "meeting:onMeetingDeleted": "deleted",
}



# --- wire helpers -----------------------------------------------------------------------------


def iso_instant(value: datetime) -> str:
    """``2025-03-03T09:00:00.000Z``, as JavaScript's toISOString writes it; naive datetimes are refused."""
    if value.tzinfo is None:
        raise ValueError("Roomful timestamps need a timezone-aware datetime")
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_local(value: datetime) -> str:
    """A ``localDate``: ISO 8601 keeping the caller's offset, ``2025-03-03T00:00:00.000+01:00``."""
    if value.tzinfo is None:
        raise ValueError("Roomful local dates need a timezone-aware datetime")
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 string (or epoch milliseconds) from Roomful, or None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)



def hex_to_rgba(color: str) -> dict[str, float]:
    """``#4299f5`` -> Roomful's rgba floats (0..1)."""
    if not HEX_COLOUR.fullmatch(color):
        raise Rejected(provider=SLUG, field="color", reason="use a #RRGGBB colour such as #4299f5")
    n = int(color[1:], 16)
    return {"r": ((n >> 16) & 255) / 255, "g": ((n >> 8) & 255) / 255, "b": (n & 255) / 255, "a": 1.0}


def _slot(raw: Mapping[str, Any]) -> TimeSlot | None:
    start, end = parse_time(raw.get("startDate")), parse_time(raw.get("endDate"))
    return TimeSlot(start=start, end=end) if start and end else None


def _slots(raw: Any) -> tuple[TimeSlot, ...]:
    items = raw if isinstance(raw, list) else []
    return tuple(slot for item in items if isinstance(item, dict) and (slot := _slot(item)))


def _availability(raw: Any) -> Availability:
    raw = raw if isinstance(raw, dict) else {}
    return Availability(status=str(raw.get("status") or ""), dates=_slots(raw.get("dates")))


def parse_meeting(raw: Mapping[str, Any]) -> RoomfulMeeting:
    return RoomfulMeeting(
        meeting_id=str(raw.get("meetingId") or ""),
        subject=str(raw.get("subject") or ""),
        description=str(raw.get("description") or ""),
        start=parse_time(raw.get("startDate")),
        end=parse_time(raw.get("endDate")),
        source_type=str(raw.get("sourceType") or ""),
        source_pk=str(raw.get("sourcePk") or ""),
        source_string=str(raw.get("sourceString") or ""),
        organizer_id=str(raw.get("organizerId") or ""),
        participant_ids=tuple(str(p) for p in raw.get("participantIds") or ()),
        network_id=str(raw.get("networkId") or ""),
        is_valid=bool(raw.get("isValid", True)),
        color=raw.get("color") if isinstance(raw.get("color"), dict) else None,
        status=raw.get("status"),
        raw=dict(raw),
    )


def meeting_from(data: Any, *, event: str) -> RoomfulMeeting:
    meeting = data.get("meeting") if isinstance(data, dict) else None
    if not isinstance(meeting, dict) or not meeting.get("meetingId"):
        raise Unavailable(provider=SLUG, raw=f"{event}: answer without data.meeting.meetingId: {str(data)[:200]}")
    return parse_meeting(meeting)

