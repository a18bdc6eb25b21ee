"""The Airmeet fake's state, test controls, routes, key and token checks, and ``POST /auth``."""

from __future__ import annotations

import itertools
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import FakeService
from tests.fakes.airmeet.wire import TOKEN_TTL, FakeEvent, Refusal, _check_content_type, _guarded


class AirmeetApp(FakeService):
    """State, test controls, routes and the /auth endpoint; the resource modules add the handlers."""

    def __init__(
        self,
        *,
        access_key: str = "ak",
        secret_key: str = "sk",
        team: tuple[str, ...] = ("host@example.com",),
        auth_shape: str = "envelope",
        base_path: str = "",
    ) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.initial_team = frozenset(team)
        self.initial_auth_shape = auth_shape
        self.base_path = base_path
        super().__init__()
        self.reset()

    def reset(self) -> None:
        """Forget everything (state, recorded requests, pending faults): one server can serve many tests."""
        self.requests.clear()
        self.faults.clear()
        self.keys_revoked = False
        self.community_missing = False  # create/duplicate answer 404 "community_id is invalid"
        self.team = set(self.initial_team)  # community team members: the only valid session hosts
        self.auth_shape = self.initial_auth_shape  # "envelope" (seed) or "flat" (top-level token)
        self.auth_calls = 0
        self.tokens: dict[str, float] = {}  # token -> expiry (time.monotonic())
        self.events: dict[str, FakeEvent] = {}
        self.session_attendance: dict[str, list[dict[str, Any]]] = {}
        self.pending: set[str] = set()  # ids whose exports answer "Preparing your results"
        self.invalid_exports: dict[str, str] = {}  # id -> in-body 400 statusMessage
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ test controls

    def expire_tokens(self) -> None:
        """Every token issued so far is expired: its next use gets 412."""
        for token in self.tokens:
            self.tokens[token] = 0.0

    def revoke_keys(self) -> None:
        """The key pair is revoked: ``/auth`` answers 403."""
        self.keys_revoked = True

    def lose_community(self) -> None:
        """The key's community is gone: create and duplicate answer 404 (seed §4.1, §4.8)."""
        self.community_missing = True

    def preparing(self, resource_id: str) -> None:
        """Exports of this event/session/booth answer the in-body 202 until ``ready``."""
        self.pending.add(resource_id)

    def ready(self, resource_id: str) -> None:
        self.pending.discard(resource_id)

    def add_event(self, name: str = "Seeded event", **fields: Any) -> FakeEvent:
        event = FakeEvent(uuid=str(uuid.uuid4()), fields={"eventName": name, **fields})
        self.events[event.uuid] = event
        return event

    def add_participants(self, event_id: str, people: list[dict[str, Any]]) -> None:
        self.events[event_id].participants.extend(people)

    def add_attendees(self, event_id: str, rows: list[dict[str, Any]]) -> None:
        self.events[event_id].attendees.extend(rows)

    def add_session_attendees(self, session_id: str, rows: list[dict[str, Any]]) -> None:
        self.session_attendance.setdefault(session_id, []).extend(rows)

    # ------------------------------------------------------------ app

    def build_app(self) -> Any:
        table = [
            ("POST", "/auth", self.auth),
            ("GET", "/airmeets", self.list_events),
            ("POST", "/airmeet", self.create_event),
            ("GET", "/airmeet/{eid}/info", self.info),
            ("POST", "/airmeet/{eid}/speaker", self.add_speaker),
            ("POST", "/airmeet/{eid}/session", self.create_session),
            ("DELETE", "/airmeet/{eid}/session/{sid}", self.delete_session),
            ("POST", "/airmeet/{eid}/status", self.update_status),
            ("POST", "/airmeet/{eid}/booths", self.create_booth),
            ("GET", "/airmeet/{eid}/booths", self.list_booths),
            ("GET", "/airmeet/{eid}/booth/{bid}/booth-attendance", self.booth_attendance),
            ("PUT", "/airmeet/{eid}/landing-page", self.landing_page),
            ("POST", "/airmeet/{eid}/duplication", self.duplicate),
            ("POST", "/airmeet/{eid}/attendee", self.add_attendee),
            ("GET", "/airmeet/{eid}/participants", self.participants),
            ("GET", "/airmeet/{eid}/attendees", self.attendees),
            ("GET", "/airmeet/{eid}/polls", self.polls),
            ("GET", "/airmeet/{eid}/questions", self.questions),
            ("GET", "/session/{sid}/attendees", self.session_attendees),
        ]
        return Starlette(
            routes=[Route(self.base_path + path, _guarded(handler), methods=[method]) for method, path, handler in table]
        )

    # ------------------------------------------------------------ checks

    def _authorise(self, request: Request) -> None:
        _check_content_type(request)
        token = request.headers.get("x-airmeet-access-token")
        if not token or token not in self.tokens:
            # create/duplication: "400 Bad Request - in case the passed token is bad"
            raise Refusal(400, "Invalid access token")
        if self.tokens[token] <= time.monotonic():
            raise Refusal(412, "Access token has expired")

    def _community(self) -> None:
        if self.community_missing:
            # "404 Not Found - in case the supplied community_id param is invalid"
            raise Refusal(404, "Community not found")

    def _event(self, request: Request) -> FakeEvent:
        self._authorise(request)
        event = self.events.get(request.path_params["eid"])
        if event is None:
            raise Refusal(404, "Airmeet not found")
        return event

    # ------------------------------------------------------------ auth

    async def auth(self, request: Request) -> JSONResponse:
        _check_content_type(request)
        key = request.headers.get("x-airmeet-access-key")
        secret = request.headers.get("x-airmeet-secret-key")
        if not key or not secret:
            raise Refusal(400, "Missing X-Airmeet-Access-Key or X-Airmeet-Secret-Key header")
        if key != self.access_key or secret != self.secret_key:
            raise Refusal(400, "Invalid access key or secret key")
        if self.keys_revoked:
            raise Refusal(403, "Access key has been revoked")
        self.auth_calls += 1
        token = f"tok-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        self.tokens[token] = time.monotonic() + TOKEN_TTL
        if self.auth_shape == "flat":
            return JSONResponse({"token": token, "label": "meetbot"})
        return JSONResponse({"success": True, "data": {"label": "meetbot", "token": token}})

