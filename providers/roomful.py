"""Roomful: a REST sign-in, then socket.io RPC for meetings, free time slots and availability.

    adapter = RoomfulProvider(RoomfulCredentials(email=e, password=p, network="acme"), endpoints=Endpoints())
    adapter.on_meeting_event(print)                      # meeting:onMeetingCreated/Updated/Deleted pushes
    room = await adapter.create_room(RoomRequest(..., options={"source_type": "room", "source_ids": [room_id]}))
    await adapter.aclose()

How Roomful is reached (see specs/roomful/NOTES.md):
1. ``POST {base}/api/v1/auth/signin`` with ``{email, password}`` and ``X-Network`` -> ``data.session_token``.
2. socket.io (Engine.IO protocol 3, what Roomful's socket.io-client 2.x speaks; python-socketio 4.x is the
   Python line for it) at ``ws(s)://{host}/socket/?sessionId=<token>``, websocket transport only.
3. The session is accepted when the server pushes ``user_info``. A dead session connects but never gets
   one, so every connection waits for it (``policy.timeout``) and signs in afresh once when it does not come.
4. RPC: ``emit("meeting:<action>", {"data": {...}, "event": {"id", "date"}})``; the ack is
   ``{"data": {...}, "error": {"status", "code", "message"}}``, waited for at most ``policy.timeout``.

``Room.join_url`` is the meeting's room in Roomful's web app (see ``meeting_link``); there is no host
link, since Roomful rights come from the signed-in account, not from a URL.

Timestamps travel as ISO 8601 strings (Roomful's own web client sends ``Date.toISOString()``).
Instants go as UTC; ``localDate`` values keep the caller's UTC offset, because they name the user's
calendar day and the offset is how that day's boundaries reach the server.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntFlag, StrEnum
from typing import Any, ClassVar, Literal
from urllib.parse import urlencode, urlsplit

import engineio.asyncio_client
import httpx
import socketio
import socketio.exceptions
from pydantic import Field, SecretStr

from providers.base import (
    CachedToken,
    Capability,
    Credentials,
    Endpoints,
    Role,
    Room,
    RoomRequest,
    TokenCache,
)
from providers.errors import (
    AuthFailed,
    NotFound,
    ProviderError,
    RateLimited,
    Rejected,
    TokenExpired,
    Unavailable,
)
from providers.http import DEFAULT_POLICY, RetryPolicy, backoff_delay, error_for_status, make_client, read_json, send

logger = logging.getLogger(__name__)

SLUG = "roomful"
SIGNIN_PATH = "/api/v1/auth/signin"
SOCKET_PATH = "socket"  # Roomful mounts socket.io at /socket, not the default /socket.io
# Roomful does not say how long a session lives; the cached token is only a hint, because the
# server's user_info push (or its absence) decides on every connection.
SESSION_TTL = timedelta(hours=12)
RECONNECT_ATTEMPTS = 5
PRODUCTION_API_HOST = "api.roomful.net"
# Roomful's own WordPress plugin links rooms as https://my.roomful.net/#/room/<roomId>.
PRODUCTION_WEB_BASE = "https://my.roomful.net"

# engineio 3.x's AsyncClient.connect() installs a loop SIGINT handler that *stops the event loop*
# (engineio/asyncio_client.py, async_signal_handler), replacing the host server's own graceful
# Ctrl-C handling. Marking it as already installed keeps it out of meetbot's process.
engineio.asyncio_client.async_signal_handler_set = True


class RoomfulCredentials(Credentials):
    """A Roomful account: ``RoomfulCredentials(email="bot@acme.com", password="…", network="acme")``."""

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    password: SecretStr = Field(min_length=1)
    network: str = Field(min_length=1, description="Roomful network id, sent as X-Network at sign-in")


class SourceType(StrEnum):
    """Where a meeting happens: ``source_ids`` are [roomId] / [roomId, propId] / [groupId] / [userId]."""

    ROOM = "room"
    PROP = "prop"
    GROUP = "group"
    DIRECT = "direct"


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
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
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


def _meeting(raw: Mapping[str, Any]) -> RoomfulMeeting:
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


def _meeting_from(data: Any, *, event: str) -> RoomfulMeeting:
    meeting = data.get("meeting") if isinstance(data, dict) else None
    if not isinstance(meeting, dict) or not meeting.get("meetingId"):
        raise Unavailable(provider=SLUG, raw=f"{event}: answer without data.meeting.meetingId: {str(data)[:200]}")
    return _meeting(meeting)


# --- error mapping ----------------------------------------------------------------------------

SIGN_IN_SENTENCE = (
    "Roomful refused this workspace's email, password or network id. "
    "An admin can connect it again with `/meeting connect roomful`."
)


def error_for_code(code: int, message: str, *, sign_in: bool = False, status: int | None = None) -> ProviderError:
    """Roomful's ``error`` object as a typed error; ``sign_in`` reads user/password codes as AuthFailed."""
    raw = f"{code}: {message}"
    if code == 705:
        # {"status": true, "code": 705, "message": "Too frequent request"}; no retry hint is given.
        return RateLimited(provider=SLUG, status=status, raw=raw)
    if code == 401:
        # {"status": true, "code": 401, "message": "Unauthorized"}: the session is not (any more) valid.
        if sign_in:
            return AuthFailed(SIGN_IN_SENTENCE, provider=SLUG, status=status, raw=raw)
        return TokenExpired(provider=SLUG, status=status, raw=raw)
    if sign_in and code in (1021, 1006, 1051, 1054):
        # 1021 "User not found", 1006 "Invalid password", 1051 "Verification token not found",
        # 1054 "Verification token is already used": at sign-in, all mean the account does not work.
        return AuthFailed(SIGN_IN_SENTENCE, provider=SLUG, status=status, raw=raw)
    if code == 1021:
        # {"status": true, "code": 1021, "message": "User not found"}: an invited or source user id.
        return Rejected(
            "Roomful does not know one of those users. Please check the Roomful user ids and try again.",
            provider=SLUG, status=status, field="user", reason=message, raw=raw,
        )
    if code == 404:
        # Not in Roomful's list of codes; its codes follow HTTP where they can (401), so a missing
        # meeting is read as 404 "… not found".
        return NotFound(provider=SLUG, status=status, raw=raw)
    if 500 <= code < 600:
        return Unavailable(provider=SLUG, status=status, raw=raw)
    return Rejected(provider=SLUG, status=status, reason=message or None, raw=raw)


def _ack_error(ack: Mapping[str, Any]) -> tuple[int, str] | None:
    """(code, message) when the ack's ``error`` says something went wrong, else None."""
    error = ack.get("error")
    if not isinstance(error, dict):
        return None
    code = error.get("code")
    failed = bool(error.get("status")) or (isinstance(code, int) and code != 0)
    if not failed:
        return None
    return (int(code) if isinstance(code, (int, float)) else 0), str(error.get("message") or "")


# --- the adapter ------------------------------------------------------------------------------


@dataclass(eq=False)
class _Link:
    """One socket.io connection and whether Roomful accepted its session (``user_info`` arrived)."""

    client: Any
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    user: Mapping[str, Any] = field(default_factory=dict)

    @property
    def dropped(self) -> bool:
        return self.lost.is_set()


class RoomfulProvider:
    """Roomful adapter: ``RoomfulProvider(creds, endpoints=Endpoints(roomful=url), policy=RetryPolicy())``.

    One socket per adapter, opened on first use and re-opened with backoff when it drops. Public
    methods cover every current RPC of the meeting API; ``on_meeting_event`` receives its pushes.
    """

    slug: ClassVar[str] = SLUG
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.SCHEDULED_ROOM, Capability.CANCEL, Capability.LIST, Capability.PUSH_EVENTS}
    )
    credentials_model: ClassVar[type[Credentials]] = RoomfulCredentials

    def __init__(
        self,
        credentials: RoomfulCredentials,
        *,
        endpoints: Endpoints,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        token_cache: TokenCache | None = None,
    ) -> None:
        self._credentials = credentials
        self._policy = policy
        self._token_cache = token_cache
        self._base = endpoints.roomful.rstrip("/")
        parts = urlsplit(self._base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"Roomful base URL must be http(s)://host, not {endpoints.roomful!r}")
        self._socket_base = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
        self._web_base = PRODUCTION_WEB_BASE if parts.hostname == PRODUCTION_API_HOST else self._base
        self._http = make_client(base_url=self._base, transport=transport, timeout=policy.timeout)
        self._link: _Link | None = None
        self._connect_lock = asyncio.Lock()
        self._session: str | None = None
        self._dead_sessions: set[str] = set()  # never pick these up from the cache again
        self._private = False  # after invalidConnection: own session, kept out of the shared cache
        self._reconnect_task: asyncio.Task[None] | None = None
        self._callbacks: list[MeetingCallback] = []
        self._closed = False

    # -- the common interface ------------------------------------------------------------------

    async def verify(self) -> None:
        """Sign in afresh and wait until Roomful accepts the session (``user_info``)."""
        async with self._connect_lock:
            await self._open(fresh_sign_in=True)

    async def create_room(self, request: RoomRequest) -> Room:
        """``meeting:createMeeting``. Options: source_type, source_ids, invited_user_ids, color (#RRGGBB).

        ``invitee_emails`` are not sent: Roomful invites by user id and its meeting API has no
        email lookup; pass ``invited_user_ids`` instead.
        """
        options = request.options
        source_type = options.get("source_type", SourceType.ROOM)
        source_ids = options.get("source_ids", ())
        if isinstance(source_ids, str):
            source_ids = [source_ids]
        meeting = await self.create_meeting(
            source_type=source_type,
            source_ids=source_ids,
            subject=request.title,
            description=request.description or "",
            start=request.start,
            end=request.end,
            invited_user_ids=options.get("invited_user_ids", ()),
            color=options.get("color"),
        )
        return Room(
            provider=SLUG,
            room_id=meeting.meeting_id,
            join_url=self.meeting_link(meeting, source_ids=source_ids),
            host_url=None,
            starts_at=meeting.start,
            ends_at=meeting.end,
            details={
                "source_type": meeting.source_type,
                "source_pk": meeting.source_pk,
                "organizer_id": meeting.organizer_id,
                "participant_ids": list(meeting.participant_ids),
                "network_id": meeting.network_id,
            },
        )

    async def delete_room(self, room_id: str) -> None:
        """``meeting:deleteMeeting``; a meeting Roomful no longer knows counts as deleted."""
        try:
            await self.delete_meeting(room_id)
        except NotFound:
            pass

    async def personal_link(self, room: Room, *, email: str, name: str, role: Role) -> str:
        """Roomful has no per-person links; everyone signs in to Roomful and uses the room link."""
        return room.join_url

    async def aclose(self) -> None:
        """Stop reconnecting, disconnect the socket and close the HTTP client."""
        self._closed = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            await asyncio.gather(self._reconnect_task, return_exceptions=True)
            self._reconnect_task = None
        await self._drop_link()
        await self._http.aclose()

    # -- links and pushes ----------------------------------------------------------------------

    def meeting_link(self, meeting: RoomfulMeeting, *, source_ids: Sequence[str] = ()) -> str:
        """Where participants go: the meeting's room in Roomful's web app, else the web app itself.

        Roomful meetings have no URL of their own; they happen in a room (or in a prop inside it).
        For a room meeting the API's ``sourcePk`` is the room id; for a prop meeting the room id is
        the first of the ``source_ids`` we sent (the API's combined prop key has no documented
        form). Group and direct meetings live in no room, so they get the web app's start page,
        where the meeting shows in the participant's calendar.

        The web app is https://my.roomful.net for the production API (the room link form comes from
        Roomful's own WordPress plugin); any other API host (staging, a fake) is its own web base.
        """
        room_id = ""
        if meeting.source_type == SourceType.ROOM:
            room_id = meeting.source_pk or (source_ids[0] if source_ids else "")
        elif meeting.source_type == SourceType.PROP and source_ids:
            room_id = source_ids[0]
        return f"{self._web_base}/#/room/{room_id}" if room_id else f"{self._web_base}/"

    def on_meeting_event(self, callback: MeetingCallback) -> Callable[[], None]:
        """Call ``callback(MeetingEvent)`` for every meeting push; returns a function that unsubscribes.

        Pushes arrive only while the socket is open; ``verify()`` or any call opens it.
        """
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    @property
    def user(self) -> Mapping[str, Any]:
        """The signed-in user as ``user_info`` described it (empty before the first connection)."""
        return self._link.user.get("user", {}) if self._link else {}

    # -- meetings --------------------------------------------------------------------------------

    async def create_meeting(
        self,
        *,
        source_type: SourceType | str,
        source_ids: Sequence[str],
        subject: str,
        start: datetime,
        end: datetime,
        description: str = "",
        invited_user_ids: Iterable[str] = (),
        color: str | Mapping[str, float] | None = None,
    ) -> RoomfulMeeting:
        """``meeting:createMeeting``: invited users get a request with status "received"."""
        try:
            kind = SourceType(source_type)
        except ValueError:
            raise Rejected(provider=SLUG, field="source_type", reason="use room, prop, group or direct") from None
        ids = [str(i) for i in source_ids if str(i)]
        expected = 2 if kind is SourceType.PROP else 1
        if len(ids) != expected:
            what = "a room id and a prop id" if kind is SourceType.PROP else f"one {kind.value} id"
            raise Rejected(
                f"Roomful meetings happen in a room, prop, group or direct chat: give {what} "
                f"(option `source_ids`).",
                provider=SLUG, field="source_ids",
            )
        data: dict[str, Any] = {
            "sourceType": kind.value,
            "sourceIds": ids,
            "subject": subject,
            "description": description,
            "invitedUserIds": list(invited_user_ids),
            "startDate": iso_instant(start),
            "endDate": iso_instant(end),
        }
        if color is not None:
            data["color"] = hex_to_rgba(color) if isinstance(color, str) else dict(color)
        answer = await self._call("meeting:createMeeting", data, idempotent=False)
        return _meeting_from(answer, event="meeting:createMeeting")

    async def update_meeting(
        self,
        meeting_id: str,
        *,
        subject: str | None = None,
        description: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        color: str | Mapping[str, float] | None = None,
    ) -> RoomfulMeeting:
        """``meeting:updateMeeting``. It replaces the meeting, so fields not given are read and sent back."""
        current = await self.get_meeting(meeting_id)
        new_color = current.color if color is None else hex_to_rgba(color) if isinstance(color, str) else dict(color)
        new_start = start or current.start
        new_end = end or current.end
        if new_start is None or new_end is None:
            raise Unavailable(provider=SLUG, raw=f"meeting {meeting_id} came back without dates")
        data: dict[str, Any] = {
            "meetingId": meeting_id,
            "subject": current.subject if subject is None else subject,
            "description": current.description if description is None else description,
            "startDate": iso_instant(new_start),
            "endDate": iso_instant(new_end),
        }
        if new_color is not None:
            data["color"] = new_color
        return _meeting_from(await self._call("meeting:updateMeeting", data), event="meeting:updateMeeting")

    async def delete_meeting(self, meeting_id: str) -> None:
        """``meeting:deleteMeeting``; raises NotFound when Roomful does not know the meeting."""
        # Not resent after a drop: a delete that did happen would come back as NotFound.
        await self._call("meeting:deleteMeeting", {"meetingId": meeting_id}, idempotent=False)

    async def get_meeting(self, meeting_id: str) -> RoomfulMeeting:
        """``meeting:getMeeting``."""
        answer = await self._call("meeting:getMeeting", {"meetingId": meeting_id})
        return _meeting_from(answer, event="meeting:getMeeting")

    async def list_meetings(
        self,
        *,
        start: datetime,
        end: datetime,
        source_type: str | None = None,
        source_ids: Sequence[str] = (),
    ) -> list[RoomfulMeeting]:
        """``meeting:listUserMeetings`` in [start, end], optionally for one network/room/prop/group/user."""
        data: dict[str, Any] = {"startDate": iso_instant(start), "endDate": iso_instant(end)}
        if source_type:
            data["sourceType"] = source_type
            data["sourceIds"] = list(source_ids)
        answer = await self._call("meeting:listUserMeetings", data)
        meetings = answer.get("meetings") if isinstance(answer, dict) else None
        return [_meeting(m) for m in meetings or [] if isinstance(m, dict)]

    async def iter_meeting_counts(
        self, *, local_date_now: datetime, page_size: int = 31
    ) -> AsyncIterator[MeetingCount]:
        """``meeting:listUserMeetingCounts``, page by page (offset/size): meetings per day."""
        offset = 0
        while True:
            answer = await self._call(
                "meeting:listUserMeetingCounts",
                {"localDateNow": iso_local(local_date_now), "offset": offset, "size": page_size},
            )
            items = answer.get("meetingCounts") if isinstance(answer, dict) else None
            page = [i for i in items or [] if isinstance(i, dict)]
            for item in page:
                yield MeetingCount(
                    count=int(item.get("count") or 0),
                    start=parse_time(item.get("startDate")),
                    end=parse_time(item.get("endDate")),
                )
            if len(page) < page_size:
                return
            offset += len(page)

    async def accept_meeting(self, meeting_id: str) -> None:
        """``meeting:acceptMeetingRequest``: the signed-in user's status becomes "accepted"."""
        await self._call("meeting:acceptMeetingRequest", {"meetingId": meeting_id})

    async def decline_meeting(self, meeting_id: str) -> None:
        """``meeting:declineMeetingRequest``: the signed-in user's status becomes "declined"."""
        await self._call("meeting:declineMeetingRequest", {"meetingId": meeting_id})

    async def prop_has_meetings(self, *, room_id: str, prop_id: str) -> bool:
        """``meeting:checkPropHasMeetingsOrSocialSessions`` (deprecated by Roomful, with no successor)."""
        answer = await self._call(
            "meeting:checkPropHasMeetingsOrSocialSessions", {"roomId": room_id, "propId": prop_id}
        )
        return bool(answer.get("hasMeetingsOrSocialSessions")) if isinstance(answer, dict) else False

    # -- free time ---------------------------------------------------------------------------------

    async def time_slots_for_meeting(self, *, users: Sequence[SlotUser], local_date: datetime) -> list[TimeSlot]:
        """``meeting:getTimeSlotsForMeeting``: intervals on ``local_date``'s day free for all ``users``."""
        return await self._time_slots("meeting:getTimeSlotsForMeeting", users, local_date)

    async def time_slots_for_month(self, *, users: Sequence[SlotUser], local_date: datetime) -> list[TimeSlot]:
        """``meeting:getMeetingTimeSlotsForMonth``: the same for ``local_date``'s whole month."""
        return await self._time_slots("meeting:getMeetingTimeSlotsForMonth", users, local_date)

    async def _time_slots(self, event: str, users: Sequence[SlotUser], local_date: datetime) -> list[TimeSlot]:
        wire_users = []
        for user in users:
            # The docs ask for one element per user id or email, never both in one element.
            if user.user_id:
                wire_users.append({"roomful": user.user_id})
            if user.email:
                wire_users.append({"email": user.email})
        if not wire_users:
            raise Rejected(provider=SLUG, field="users", reason="name at least one Roomful user id or email")
        answer = await self._call(event, {"users": wire_users, "localDate": iso_local(local_date)})
        return list(_slots(answer.get("availableTimeSlots") if isinstance(answer, dict) else None))

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

    # -- RPC -------------------------------------------------------------------------------------------

    async def _call(self, event: str, data: Mapping[str, Any], *, idempotent: bool = True) -> Any:
        """One RPC with Roomful's envelope; returns the ack's ``data`` or raises the typed error.

        A 705 answer is retried with backoff (Roomful throttled before acting, so even a create is
        safe), a 401 once after a fresh sign-in, and a call whose socket dropped before the answer
        once on a new socket, unless it is not ``idempotent``: the server may have acted on it.
        A missing ack (timeout) is never retried.
        """
        envelope = {"data": dict(data), "event": {"id": uuid.uuid4().hex, "date": iso_instant(datetime.now(UTC))}}
        attempt = 0
        renewed = resent = False
        while True:
            attempt += 1
            link = await self._connection()
            ack = await self._send(link, event, envelope)
            if ack is None:
                if idempotent and not resent:
                    resent = True
                    continue
                raise Unavailable(provider=SLUG, raw=f"{event}: the connection dropped before Roomful answered")
            if not isinstance(ack, dict):
                raise Unavailable(provider=SLUG, raw=f"{event}: unreadable answer {str(ack)[:200]!r}")
            failure = _ack_error(ack)
            if failure is None:
                return ack.get("data") or {}
            error = error_for_code(*failure)
            if isinstance(error, RateLimited) and attempt <= self._policy.max_retries:
                await self._policy.sleep(backoff_delay(attempt, None, self._policy))
                continue
            if isinstance(error, TokenExpired) and not renewed:
                renewed = True
                await self._renew_session(link)
                continue
            raise error

    async def _send(self, link: _Link, event: str, envelope: Mapping[str, Any]) -> Any:
        """The ack, or None when the socket dropped first (socket.io then never delivers the ack)."""
        call = asyncio.ensure_future(link.client.call(event, envelope, timeout=self._policy.timeout))
        lost = asyncio.ensure_future(link.lost.wait())
        try:
            done, _ = await asyncio.wait({call, lost}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            call.cancel()
            raise
        finally:
            lost.cancel()
        if call not in done:
            call.cancel()
            return None
        try:
            return call.result()
        except socketio.exceptions.TimeoutError:
            raise Unavailable(provider=SLUG, raw=f"{event}: no answer within {self._policy.timeout:g}s") from None
        except socketio.exceptions.SocketIOError as error:
            raise Unavailable(provider=SLUG, raw=f"{event}: {type(error).__name__}: {error}") from None

    # -- connection ----------------------------------------------------------------------------------

    async def _connection(self) -> _Link:
        link = self._link
        if link is not None and not link.dropped and link.ready.is_set():
            return link
        if self._closed:
            raise Unavailable(provider=SLUG, raw="adapter closed")
        async with self._connect_lock:
            link = self._link
            if link is not None and not link.dropped and link.ready.is_set():
                return link
            return await self._open()

    async def _open(self, *, fresh_sign_in: bool = False) -> _Link:
        """Sign in when needed, connect, and wait for ``user_info``; one fresh sign-in if it never comes."""
        await self._drop_link()
        token, fresh = (await self._sign_in(), True) if fresh_sign_in else await self._session_token()
        link = await self._connect(token)
        if link is None and not fresh:
            token, fresh = await self._sign_in(), True
            link = await self._connect(token)
        if link is None:
            raise AuthFailed(
                "Roomful accepted the sign-in but not the session. "
                "An admin can check the account and connect it again with `/meeting connect roomful`.",
                provider=SLUG,
                raw=f"session not accepted: no user_info within {self._policy.timeout:g}s",
            )
        self._link = link
        return link

    async def _session_token(self) -> tuple[str, bool]:
        """(token, fresh): the current session, a cached one, or a new sign-in."""
        if self._session:
            return self._session, False
        if self._token_cache is not None and not self._private:
            cached = await self._token_cache.load()
            if (cached is not None and cached.value not in self._dead_sessions
                    and cached.expires_at > datetime.now(UTC)):
                self._session = cached.value
                return cached.value, False
        return await self._sign_in(), True

    async def _sign_in(self) -> str:
        response = await send(
            self._http,
            "POST",
            SIGNIN_PATH,
            provider=SLUG,
            idempotent=True,  # a repeated sign-in only opens another session
            policy=self._policy,
            headers={"X-Network": self._credentials.network},
            json={"email": self._credentials.email, "password": self._credentials.password.get_secret_value()},
        )
        body = read_json(response, provider=SLUG)
        failure = _ack_error(body) if isinstance(body, dict) else None
        if failure is not None:
            raise error_for_code(*failure, sign_in=True, status=response.status_code)
        if response.is_error:
            if response.status_code in (400, 401, 403):
                raw = response.text[:300]
                raise AuthFailed(SIGN_IN_SENTENCE, provider=SLUG, status=response.status_code, raw=raw)
            raise error_for_status(response, provider=SLUG)
        data = body.get("data") if isinstance(body, dict) else None
        token = data.get("session_token") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(token, str) or not token:
            raw = "sign-in answer without data.session_token"
            raise Unavailable(provider=SLUG, status=response.status_code, raw=raw)
        if data.get("need_verification"):
            raise AuthFailed(
                "Roomful says this account's email address is not verified yet. "
                "Verify it in Roomful, then connect it again with `/meeting connect roomful`.",
                provider=SLUG, status=response.status_code, raw="need_verification: true",
            )
        self._session = token
        if self._token_cache is not None and not self._private:
            await self._token_cache.store(CachedToken(value=token, expires_at=datetime.now(UTC) + SESSION_TTL))
        return token

    async def _connect(self, token: str) -> _Link | None:
        """Open a socket with ``token``; None when Roomful never accepts the session."""
        client = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)
        link = _Link(client=client)
        self._bind(link)
        url = f"{self._socket_base}?{urlencode({'sessionId': token})}"
        try:
            await asyncio.wait_for(
                client.connect(url, transports=["websocket"], socketio_path=SOCKET_PATH),
                timeout=self._policy.timeout,
            )
        except (asyncio.TimeoutError, socketio.exceptions.ConnectionError, OSError) as error:
            # The URL carries the session id, so the raw message names only the host.
            link.lost.set()
            await self._disconnect(link)
            raise Unavailable(
                provider=SLUG, raw=f"socket connect to {self._socket_base} failed: {type(error).__name__}"
            ) from None
        try:
            await asyncio.wait_for(link.ready.wait(), timeout=self._policy.timeout)
        except asyncio.TimeoutError:
            link.lost.set()
            await self._disconnect(link)
            self._forget_session(token)
            return None
        return link

    def _bind(self, link: _Link) -> None:
        client = link.client

        async def on_user_info(payload: Any = None) -> None:
            if isinstance(payload, dict) and _ack_error(payload):
                return  # a user_info carrying an error accepts nothing; the wait runs out
            data = payload.get("data") if isinstance(payload, dict) else None
            link.user = data if isinstance(data, dict) else {}
            link.ready.set()

        async def on_invalid_connection(*_: Any) -> None:
            # Another socket opened with our session (or the network reset). Reusing the session
            # would kick that socket in turn, so this adapter signs in to a private session.
            logger.info("roomful: invalidConnection received; signing in to a new session")
            if link is self._link and self._session:
                self._forget_session(self._session)
                self._private = True
            await self._lose(link, close=True)

        async def on_disconnect() -> None:
            await self._lose(link, close=False)

        client.on("user_info", on_user_info)
        client.on("invalidConnection", on_invalid_connection)
        client.on("disconnect", on_disconnect)
        for event, kind in PUSH_EVENTS.items():
            client.on(event, self._push_handler(link, kind))

    def _push_handler(
        self, link: _Link, kind: Literal["created", "updated", "deleted"]
    ) -> Callable[..., Awaitable[None]]:
        async def handle(payload: Any = None) -> None:
            # A link still being opened delivers too: a push may beat the user_info wait's return.
            if link.dropped or not isinstance(payload, dict) or _ack_error(payload):
                return
            data = payload.get("data")
            if not isinstance(data, dict):
                return
            if kind == "deleted":
                meeting_id = str(data.get("meetingId") or "")
                event = MeetingEvent(kind=kind, meeting_id=meeting_id, meeting=None)
            else:
                raw = data.get("meeting")
                if not isinstance(raw, dict):
                    return
                meeting = _meeting(raw)
                event = MeetingEvent(kind=kind, meeting_id=meeting.meeting_id, meeting=meeting)
            if not event.meeting_id:
                return
            for callback in list(self._callbacks):
                try:
                    result = callback(event)
                    if inspect.isawaitable(result):
                        await result
                except Exception:  # one broken listener must not silence the others
                    logger.exception("roomful: meeting event callback failed")

        return handle

    async def _lose(self, link: _Link, *, close: bool) -> None:
        """The current socket is gone: forget it and reconnect in the background (bounded, with backoff)."""
        first = not link.dropped
        link.lost.set()
        if link is not self._link or not first:
            return
        self._link = None
        if close:
            await self._disconnect(link)
        if not self._closed and (self._reconnect_task is None or self._reconnect_task.done()):
            self._reconnect_task = asyncio.create_task(self._reconnect())

    async def _reconnect(self) -> None:
        for attempt in range(1, RECONNECT_ATTEMPTS + 1):
            await self._policy.sleep(backoff_delay(attempt, None, self._policy))
            if self._closed:
                return
            try:
                await self._connection()
                logger.info("roomful: reconnected after %d attempt(s)", attempt)
                return
            except AuthFailed:
                logger.warning("roomful: credentials no longer accepted; not reconnecting")
                return
            except ProviderError as error:
                logger.info("roomful: reconnect attempt %d failed: %s", attempt, error.raw)
        logger.warning("roomful: gave up reconnecting after %d attempts", RECONNECT_ATTEMPTS)

    async def _renew_session(self, link: _Link) -> None:
        """Roomful answered 401 on the socket: drop the session so the next connection signs in afresh."""
        async with self._connect_lock:
            if self._link is link:
                self._link = None
                link.lost.set()
                await self._disconnect(link)
            if self._session:
                self._forget_session(self._session)

    def _forget_session(self, token: str) -> None:
        self._dead_sessions.add(token)
        if self._session == token:
            self._session = None

    async def _drop_link(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.lost.set()
            await self._disconnect(link)

    @staticmethod
    async def _disconnect(link: _Link) -> None:
        try:
            await link.client.disconnect()
        except Exception:  # a socket that is already gone is disconnected enough
            logger.debug("roomful: disconnect failed", exc_info=True)
        # engineio closes its aiohttp session in a fire-and-forget task; let it run now.
        await asyncio.sleep(0)
