"""The Roomful fake's REST sign-in, socket lifecycle, test controls and RPC dispatch."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import socketio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import Fault, FakeService
from tests.fakes.roomful.wire import (
    MESSAGES,
    OK,
    RPC,
    AvailabilityBook,
    FakeUser,
    RecordedRpc,
    RpcError,
    Session,
    SocketState,
    _GatherManager,
    parse_stamp,
)


class RoomfulApp(FakeService):
    """Sign-in, sockets, test controls and RPC dispatch; the resource modules add the RPC handlers."""

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

