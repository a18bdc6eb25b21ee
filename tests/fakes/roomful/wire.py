"""What the Roomful fake keeps and speaks: users, sessions, recorded RPCs, availability, time arithmetic."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import socketio


RPC = "RPC"  # the ``method`` under which socket events are matched in ``faults``
OK = {"status": False, "code": 0, "message": ""}
MESSAGES = {
    400: "Bad request",  # ASSUMPTION: Roomful documents no code for a malformed request; HTTP-like, as its 401
    401: "Unauthorized",
    404: "Not found",  # ASSUMPTION: Roomful documents no code for an unknown meeting; HTTP-like, as its 401
    500: "Internal server error",
    705: "Too frequent request",
    1021: "User not found",
}
SOURCE_TYPES = ("room", "prop", "group", "direct")
Interval = tuple[datetime, datetime]


class RpcError(Exception):
    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")


class _GatherManager(socketio.AsyncManager):
    """python-socketio 4.6.1's AsyncManager.emit passes bare coroutines to asyncio.wait(), which
    Python 3.11 refuses ("Passing coroutines is forbidden, use tasks explicitly"); this gathers them."""

    async def emit(  # type: ignore[no-untyped-def]
        self, event, data, namespace, room=None, skip_sid=None, callback=None, **kwargs
    ):
        if namespace not in self.rooms or room not in self.rooms[namespace]:
            return
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        sends = []
        for sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            ack_id = self._generate_ack_id(sid, namespace, callback) if callback is not None else None
            sends.append(self.server._emit_internal(sid, event, data, namespace, ack_id))
        await asyncio.gather(*sends)


@dataclass
class FakeUser:
    id: str
    email: str
    password: str | None
    first_name: str = ""
    verified: bool = True


@dataclass
class Session:
    token: str
    user_id: str
    alive: bool = True


@dataclass
class SocketState:
    sid: str
    query: dict[str, str]
    token: str | None
    user_id: str | None = None
    authorized: bool = False


@dataclass
class RecordedRpc:
    """One socket event as the fake received it."""

    event: str
    payload: Any
    sid: str
    user_id: str | None


@dataclass
class DaySetting:
    status: str
    intervals: list[Interval]


@dataclass
class PatternSetting:
    status: str
    offsets: list[tuple[timedelta, timedelta]]  # from the start of the day


@dataclass
class AvailabilityBook:
    days: dict[date, DaySetting] = field(default_factory=dict)
    pattern: dict[int, PatternSetting] = field(default_factory=dict)  # 0 = Sunday


# --- time helpers ------------------------------------------------------------------------------


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_stamp(value: Any, name: str) -> datetime:
    """A required ISO 8601 timestamp with an offset, or a 400 naming the field."""
    if not isinstance(value, str) or not value:
        raise RpcError(400, f"Bad request: {name} is required (ISO 8601 timestamp)")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RpcError(400, f"Bad request: {name} is not a timestamp") from None
    if parsed.tzinfo is None:
        raise RpcError(400, f"Bad request: {name} has no timezone")
    return parsed


def day_bounds(day: date, tz: tzinfo | None) -> Interval:
    start = datetime.combine(day, time(), tz)
    return start, start + timedelta(days=1)


def sunday_index(day: date) -> int:
    return (day.weekday() + 1) % 7


def subtract(base: list[Interval], cuts: list[Interval]) -> list[Interval]:
    pieces = sorted(base)
    for cut_start, cut_end in cuts:
        kept: list[Interval] = []
        for start, end in pieces:
            if cut_end <= start or cut_start >= end:
                kept.append((start, end))
                continue
            if cut_start > start:
                kept.append((start, cut_start))
            if cut_end < end:
                kept.append((cut_end, end))
        pieces = kept
    return sorted(pieces)


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out = [(max(s1, s2), min(e1, e2)) for s1, e1 in a for s2, e2 in b if max(s1, s2) < min(e1, e2)]
    return sorted(out)


def wire_dates(intervals: list[Interval]) -> list[dict[str, str]]:
    return [{"startDate": iso(s), "endDate": iso(e)} for s, e in intervals]


