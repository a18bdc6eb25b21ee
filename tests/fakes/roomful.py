"""A loopback Roomful: REST sign-in plus a socket.io server (python-socketio 4.x, Engine.IO 3).

    fake = FakeRoomful(email="bot@acme.test", password="pw", network="acme")
    with serve(fake.app) as base_url:                     # socket.io at {base_url}/socket/
                                                          # (or serve(switch) and switch.fake = fake)
        ...adapter calls...
        assert fake.rpcs_to("meeting:createMeeting")[-1].payload["event"]["id"]
        fake.fail_next("meeting:getMeeting", code=705)    # the next getMeeting answers 705
        fake.delay_next("meeting:getMeeting", 2.0)        # ... or acks two seconds late
        await fake.drop_connections()                     # every socket loses its transport

It behaves the way specs/roomful/NOTES.md and the meeting API document describe:
- ``POST /api/v1/auth/signin`` checks email, password and ``X-Network`` (or ``?networkId=``); a failure
  is HTTP 400 (what Roomful documents for a failed login) with the ``error`` object.
- A socket without ``sessionId`` is refused. One with an unknown or expired session connects but never
  gets ``user_info`` and is answered 401 on every RPC, as the real server does. A second socket with
  the same session gets ``user_info`` and the older one is sent ``invalidConnection``.
- Every current meeting RPC keeps state: meetings with per-user request status, availability per user
  (explicit days and the weekly pattern), and free time slots computed from both.
- Requests must carry ``{"data": {...}, "event": {"id", "date"}}``; missing or badly encoded fields are
  answered with the ``error`` object. Codes the document lists are used where they fit (705, 401, 1021);
  for a malformed request (400) and an unknown meeting (404) Roomful documents no code, so the fake uses
  the HTTP-like ones, as Roomful's 401 does.
- ``meeting:onMeeting*`` pushes go to the network's other sockets (the document does not say the
  caller gets its own, so it does not).
- RPC faults use the shared switchboard with ``method=RPC`` and the event name as ``path``:
  ``status`` is the error code (``body`` its message), ``delay`` holds the ack back, ``malformed`` acks
  a bare string, ``after_handling`` changes state before failing.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import parse_qsl

import socketio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import Fault, FakeService

RPC = "RPC"  # the ``method`` under which socket events are matched in ``faults``
OK = {"status": False, "code": 0, "message": ""}
MESSAGES = {
    400: "Bad request",
    401: "Unauthorized",
    404: "Not found",
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


# --- the fake -----------------------------------------------------------------------------------


class FakeRoomful(FakeService):
    """Roomful's sign-in and meeting socket API, with state, validation and switchable faults."""

    def __init__(self, *, email: str = "bot@acme.test", password: str = "s3cret", network: str = "acme") -> None:
        self.network = network
        self.users: dict[str, FakeUser] = {}
        self.sessions: dict[str, Session] = {}
        self.sockets: dict[str, SocketState] = {}
        self.connections: list[SocketState] = []
        self.rpcs: list[RecordedRpc] = []
        self.meetings: dict[str, dict[str, Any]] = {}
        self.statuses: dict[str, dict[str, str]] = {}  # meetingId -> userId -> received/accepted/declined
        self.source_ids: dict[str, list[str]] = {}
        self.availability: dict[str, AvailabilityBook] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.accept_sessions = True  # False: sign-in works but sockets never get user_info
        self.owner_id = self.add_user(email, password=password, first_name="Meet")
        super().__init__()

    # -- test controls ---------------------------------------------------------------------------

    def add_user(
        self, email: str, *, password: str | None = None, first_name: str = "", verified: bool = True
    ) -> str:
        """Add a network member; returns its 14-character Roomful-style id."""
        user = FakeUser(
            id=secrets.token_hex(7), email=email, password=password, first_name=first_name, verified=verified
        )
        self.users[user.id] = user
        return user.id

    def fail_next(self, event: str, *, code: int, message: str | None = None, after_handling: bool = False) -> None:
        self.faults.add(Fault(status=code, body=message, after_handling=after_handling), path=event, method=RPC)

    def delay_next(self, event: str, seconds: float) -> None:
        self.faults.add(Fault(delay=seconds), path=event, method=RPC)

    def expire_sessions(self) -> None:
        """Every session dies; open sockets stay connected but are no longer served (401)."""
        for session in self.sessions.values():
            session.alive = False
        for state in self.sockets.values():
            state.authorized = False

    async def drop_connections(self) -> int:
        """Close every socket's transport from the server side (a restart or proxy drop)."""
        if self._loop is None:
            return 0
        sids = list(self.sockets)

        async def drop() -> None:
            for sid in sids:
                await self.sio.eio.disconnect(sid)

        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(drop(), self._loop))
        return len(sids)

    def rpcs_to(self, event: str) -> list[RecordedRpc]:
        return [r for r in self.rpcs if r.event == event]

    def signins(self) -> list[Any]:
        return self.requests_to("/api/v1/auth/signin", "POST")

    def live_sockets(self) -> list[SocketState]:
        return [s for s in self.sockets.values() if s.authorized]

    # -- app -------------------------------------------------------------------------------------

    def build_app(self) -> Any:
        self.sio = socketio.AsyncServer(
            async_mode="asgi", client_manager=_GatherManager(), logger=False, engineio_logger=False
        )
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        for event, handler in self._handlers().items():
            self.sio.on(event, self._rpc(event, handler))
        rest = Starlette(routes=[Route("/api/v1/auth/signin", self._signin, methods=["POST"])])
        return socketio.ASGIApp(self.sio, other_asgi_app=rest, socketio_path="socket")

    def _handlers(self) -> dict[str, Callable[[str, dict[str, Any], str], Any]]:
        return {
            "meeting:createMeeting": self._create_meeting,
            "meeting:updateMeeting": self._update_meeting,
            "meeting:deleteMeeting": self._delete_meeting,
            "meeting:getMeeting": self._get_meeting,
            "meeting:listUserMeetings": self._list_meetings,
            "meeting:listUserMeetingCounts": self._meeting_counts,
            "meeting:acceptMeetingRequest": lambda user, data, sid: self._answer_request(user, data, "accepted"),
            "meeting:declineMeetingRequest": lambda user, data, sid: self._answer_request(user, data, "declined"),
            "meeting:checkPropHasMeetingsOrSocialSessions": self._prop_has_meetings,
            "meeting:getTimeSlotsForMeeting": lambda user, data, sid: self._time_slots(data, month=False),
            "meeting:getMeetingTimeSlotsForMonth": lambda user, data, sid: self._time_slots(data, month=True),
            "meeting:setUserAvailability": self._set_availability,
            "meeting:getUserAvailabilityPattern": self._availability_pattern,
            "meeting:getUserAvailabilityForDay": lambda user, data, sid: self._availability_span(user, data, "day"),
            "meeting:getUserAvailabilityForWeek": lambda user, data, sid: self._availability_span(user, data, "week"),
            "meeting:getUserAvailabilityForMonth": (
                lambda user, data, sid: self._availability_span(user, data, "month")
            ),
        }

    # -- REST sign-in ----------------------------------------------------------------------------

    async def _signin(self, request: Request) -> JSONResponse:
        def refuse(code: int, message: str | None = None) -> JSONResponse:
            body = {"data": None, "error": {"status": True, "code": code, "message": message or MESSAGES[code]}}
            return JSONResponse(body, status_code=400)

        try:
            body = await request.json()
        except ValueError:
            return refuse(400, "Bad request: body must be JSON")
        fields = ("email", "password")
        if not isinstance(body, dict) or not all(isinstance(body.get(k), str) and body[k] for k in fields):
            return refuse(400, "Bad request: email and password are required")
        network = request.headers.get("X-Network") or request.query_params.get("networkId")
        if network != self.network:
            return refuse(401)
        user = next((u for u in self.users.values() if u.email.lower() == body["email"].lower()), None)
        if user is None:
            return refuse(1021)
        if user.password is None or not secrets.compare_digest(user.password, body["password"]):
            return refuse(401)
        token = secrets.token_urlsafe(24)
        self.sessions[token] = Session(token=token, user_id=user.id, alive=self.accept_sessions)
        data = {"session_token": token, "is_new": False, "need_verification": not user.verified}
        return JSONResponse({"data": data, "error": OK})

    # -- socket lifecycle ------------------------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, Any]) -> bool:
        self._loop = asyncio.get_running_loop()
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        token = query.get("sessionId") or None
        state = SocketState(sid=sid, query=query, token=token)
        self.connections.append(state)
        if token is None:
            return False
        self.sockets[sid] = state
        session = self.sessions.get(token)
        if session is None or not session.alive:
            return True  # connected, but user_info never comes: what a dead session looks like
        for other in list(self.sockets.values()):
            if other.sid != sid and other.token == token and other.authorized:
                other.authorized = False
                self.sio.leave_room(other.sid, self._room)
                notice = {"data": {}, "error": OK}
                self.sio.start_background_task(self.sio.emit, "invalidConnection", notice, room=other.sid)
        state.user_id = session.user_id
        state.authorized = True
        self.sio.enter_room(sid, self._room)
        self.sio.start_background_task(self._welcome, sid, session.user_id)
        return True

    async def _welcome(self, sid: str, user_id: str) -> None:
        user = self.users[user_id]
        data = {
            "user": {"id": user.id, "firstName": user.first_name, "lastName": "", "privacyMode": 0, "avatar": ""},
            "network": {"id": self.network},
        }
        await self.sio.emit("user_info", {"data": data, "error": OK}, room=sid)

    async def _on_disconnect(self, sid: str) -> None:
        self.sockets.pop(sid, None)

    @property
    def _room(self) -> str:
        return f"network:{self.network}"

    # -- RPC dispatch ------------------------------------------------------------------------------

    def _rpc(self, event: str, handler: Callable[[str, dict[str, Any], str], Any]) -> Callable[..., Any]:
        async def dispatch(sid: str, payload: Any = None) -> Any:
            state = self.sockets.get(sid)
            user_id = state.user_id if state and state.authorized else None
            self.rpcs.append(RecordedRpc(event=event, payload=payload, sid=sid, user_id=user_id))
            fault = self.faults.take(RPC, event)
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.malformed:
                return "internal error"
            if fault is not None and fault.status is not None and not fault.after_handling:
                return self._error(fault.status, fault.body)
            answer = await self._handle(handler, user_id, payload, sid)
            if fault is not None and fault.status is not None:
                return self._error(fault.status, fault.body)
            return answer

        return dispatch

    async def _handle(self, handler: Callable[..., Any], user_id: str | None, payload: Any, sid: str) -> Any:
        try:
            if user_id is None:
                raise RpcError(401)
            data = self._check_envelope(payload)
            result = handler(user_id, data, sid)
            if asyncio.iscoroutine(result):
                result = await result
        except RpcError as error:
            return self._error(error.code, error.message)
        answer: dict[str, Any] = {"error": OK}
        if result is not None:
            answer["data"] = result
        return answer

    @staticmethod
    def _error(code: int, message: str | None) -> dict[str, Any]:
        return {"error": {"status": True, "code": code, "message": message or MESSAGES.get(code, "Error")}}

    @staticmethod
    def _check_envelope(payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
            raise RpcError(400, "Bad request: expected {data, event}")
        event = payload.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event["id"]:
            raise RpcError(400, "Bad request: event.id is required")
        parse_stamp(event.get("date"), "event.date")
        return payload["data"]

    async def _push(self, event: str, data: dict[str, Any], *, skip_sid: str) -> None:
        await self.sio.emit(event, {"data": data, "error": OK}, room=self._room, skip_sid=skip_sid)

    # -- meetings ----------------------------------------------------------------------------------

    def _meeting(self, data: dict[str, Any]) -> dict[str, Any]:
        meeting_id = data.get("meetingId")
        if not isinstance(meeting_id, str) or not meeting_id:
            raise RpcError(400, "Bad request: meetingId is required")
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            raise RpcError(404, "Meeting not found")
        return meeting

    def _known_users(self, ids: Any, name: str) -> list[str]:
        if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
            raise RpcError(400, f"Bad request: {name} must be a list of user ids")
        if any(i not in self.users for i in ids):
            raise RpcError(1021)
        return ids

    @staticmethod
    def _color(value: Any) -> dict[str, float] | None:
        if value is None:
            return None
        ok = isinstance(value, dict) and set(value) == {"r", "g", "b", "a"} and all(
            isinstance(v, (int, float)) and 0 <= v <= 1 for v in value.values()
        )
        if not ok:
            raise RpcError(400, "Bad request: color must be {r, g, b, a} floats in 0..1")
        return {k: float(v) for k, v in value.items()}

    @staticmethod
    def _dates(data: dict[str, Any]) -> Interval:
        start, end = parse_stamp(data.get("startDate"), "startDate"), parse_stamp(data.get("endDate"), "endDate")
        if end <= start:
            raise RpcError(400, "Bad request: endDate must be after startDate")
        return start, end

    async def _create_meeting(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        source_type = data.get("sourceType")
        if source_type not in SOURCE_TYPES:
            raise RpcError(400, "Bad request: sourceType must be room, prop, group or direct")
        source_ids = data.get("sourceIds")
        expected = 2 if source_type == "prop" else 1
        if not isinstance(source_ids, list) or len(source_ids) != expected or not all(
            isinstance(i, str) and i for i in source_ids
        ):
            raise RpcError(400, f"Bad request: sourceIds must hold {expected} id(s) for {source_type}")
        if source_type == "direct":
            self._known_users(source_ids, "sourceIds")
        subject = data.get("subject")
        if not isinstance(subject, str) or not subject.strip():
            raise RpcError(400, "Bad request: subject is required")
        description = data.get("description", "")
        if not isinstance(description, str):
            raise RpcError(400, "Bad request: description must be a string")
        start, end = self._dates(data)
        invited = self._known_users(data.get("invitedUserIds", []), "invitedUserIds")
        participants = [user_id] + [i for i in dict.fromkeys(invited) if i != user_id]
        meeting_id = secrets.token_hex(7)
        meeting = {
            "meetingId": meeting_id,
            "created": iso(datetime.now(UTC)),
            "subject": subject,
            "description": description,
            "color": self._color(data.get("color")),
            "isValid": True,
            "organizerId": user_id,
            "participantIds": participants,
            "sourceString": f"{source_type}:{':'.join(source_ids)}",
            "sourceType": source_type,
            "sourcePk": source_ids[0] if source_type != "prop" else ":".join(source_ids),
            "networkId": self.network,
            "startDate": iso(start),
            "endDate": iso(end),
        }
        self.meetings[meeting_id] = meeting
        self.source_ids[meeting_id] = list(source_ids)
        self.statuses[meeting_id] = {p: ("accepted" if p == user_id else "received") for p in participants}
        await self._push("meeting:onMeetingCreated", {"meeting": meeting}, skip_sid=sid)
        return {"meeting": meeting}

    async def _update_meeting(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        meeting = self._meeting(data)
        subject = data.get("subject")
        if not isinstance(subject, str) or not subject.strip():
            raise RpcError(400, "Bad request: subject is required")
        description = data.get("description", "")
        if not isinstance(description, str):
            raise RpcError(400, "Bad request: description must be a string")
        start, end = self._dates(data)
        meeting.update(
            subject=subject, description=description, startDate=iso(start), endDate=iso(end),
            color=self._color(data.get("color")),
        )
        await self._push("meeting:onMeetingUpdated", {"meeting": meeting}, skip_sid=sid)
        return {"meeting": meeting}

    async def _delete_meeting(self, user_id: str, data: dict[str, Any], sid: str) -> None:
        meeting = self._meeting(data)
        meeting_id = meeting["meetingId"]
        del self.meetings[meeting_id]
        self.statuses.pop(meeting_id, None)
        self.source_ids.pop(meeting_id, None)
        await self._push("meeting:onMeetingDeleted", {"meetingId": meeting_id}, skip_sid=sid)

    def _get_meeting(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        return {"meeting": self._meeting(data)}

    def _answer_request(self, user_id: str, data: dict[str, Any], status: str) -> None:
        meeting = self._meeting(data)
        statuses = self.statuses[meeting["meetingId"]]
        if user_id not in statuses or meeting["organizerId"] == user_id:
            raise RpcError(404, "Meeting request not found")
        statuses[user_id] = status

    def _list_meetings(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        start, end = self._dates(data)
        source_type = data.get("sourceType")
        source_ids = data.get("sourceIds") or []
        if source_type is not None and source_type not in (*SOURCE_TYPES, "network"):
            raise RpcError(400, "Bad request: sourceType must be network, room, prop, group or direct")
        if source_type is not None and (not isinstance(source_ids, list) or not source_ids):
            raise RpcError(400, "Bad request: sourceIds are required with sourceType")
        found = []
        for meeting_id, meeting in self.meetings.items():
            if user_id not in meeting["participantIds"]:
                continue
            if not (parse_stamp(meeting["startDate"], "") < end and parse_stamp(meeting["endDate"], "") > start):
                continue
            if source_type == "network" and self.network not in source_ids:
                continue
            own_ids = self.source_ids[meeting_id]
            if source_type in SOURCE_TYPES and (
                meeting["sourceType"] != source_type or own_ids != source_ids[: len(own_ids)]
            ):
                continue
            found.append({**meeting, "userId": user_id, "status": self.statuses[meeting_id][user_id]})
        found.sort(key=lambda m: m["startDate"])
        return {"meetings": found}

    def _meeting_counts(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        now = parse_stamp(data.get("localDateNow"), "localDateNow")
        offset, size = data.get("offset"), data.get("size")
        if not isinstance(offset, int) or offset < 0 or not isinstance(size, int) or not 1 <= size <= 100:
            raise RpcError(400, "Bad request: offset >= 0 and size 1..100 are required")
        per_day: dict[date, int] = {}
        for meeting in self.meetings.values():
            if user_id in meeting["participantIds"]:
                day = parse_stamp(meeting["startDate"], "").astimezone(now.tzinfo).date()
                if day >= now.date():
                    per_day[day] = per_day.get(day, 0) + 1
        days = sorted(per_day)[offset : offset + size]
        counts = []
        for day in days:
            day_start, day_end = day_bounds(day, now.tzinfo)
            counts.append({"count": per_day[day], "startDate": iso(day_start), "endDate": iso(day_end)})
        return {"meetingCounts": counts}

    def _prop_has_meetings(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        room_id, prop_id = data.get("roomId"), data.get("propId")
        if not (isinstance(room_id, str) and room_id and isinstance(prop_id, str) and prop_id):
            raise RpcError(400, "Bad request: roomId and propId are required")
        now = datetime.now(UTC)
        has = any(
            m["sourceType"] == "prop" and self.source_ids[mid] == [room_id, prop_id]
            and parse_stamp(m["endDate"], "") > now
            for mid, m in self.meetings.items()
        )
        return {"hasMeetingsOrSocialSessions": has}

    # -- availability and time slots -------------------------------------------------------------

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
