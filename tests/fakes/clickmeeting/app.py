"""The ClickMeeting fake's state and request dispatch: API key, ``.json`` suffix, form bodies, routes."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeService

from tests.fakes.clickmeeting.wire import (
    API_PREFIX,
    FORM,
    MULTIPART,
    OTHER_FORMATS,
    SKIN_NAMES,
    Handler,
    Invalid,
    Req,
    parse_php_form,
)


class ClickMeetingApp(FakeService):
    """The state (plain dicts a test can read) and the dispatch; each resource module adds its ``ROUTES``."""

    def __init__(
        self,
        *,
        api_key: str = "cm-test-key",
        login: str = "meetbot",
        max_attendees: int = 1000,
        paid_account: bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.api_key = api_key
        self.login = login
        self.max_tokens_per_room = 4 * max_attendees  # "fourfold of maximum meeting/webinar attendees"
        self.paid_account = paid_account
        self.clock = clock
        self.ids = itertools.count(880001)
        self.conferences: dict[int, dict[str, Any]] = {}
        self.passwords: dict[int, str] = {}
        self.tokens: dict[int, list[dict[str, Any]]] = {}
        self.autologins: dict[str, dict[str, Any]] = {}
        self.invitations: list[dict[str, Any]] = []
        self.sessions: dict[int, dict[str, Any]] = {}
        self.pdf_polls: dict[tuple[int, str], int] = {}
        self.pdf_polls_to_finish = 3  # NEW, IN PROGRESS, then FINISHED
        self.fail_pdf_reports = False
        self.registrations: dict[int, list[dict[str, Any]]] = {}
        self.sent_emails: list[dict[str, Any]] = []
        self.contacts: dict[str, dict[str, Any]] = {}
        self.files: dict[int, dict[str, Any]] = {}
        self.file_content: dict[int, bytes] = {}
        self.file_rooms: dict[int, int | None] = {}
        self.recordings: dict[int, list[dict[str, Any]]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.skins = [
            {"id": str(index), "name": name, "thumbnail_url": f"https://panel.example.test/skins/{index}/preview.png"}
            for index, name in enumerate(SKIN_NAMES, start=1)
        ]
        self.phone_gateways = [
            {"code": "US", "location": "New York", "value": "+1 212 555 0100", "geo": {"lat": "40.7", "long": "-74"}},
            {"code": "PL", "location": "Warsaw", "value": "+48 22 555 01 00", "geo": {"lat": "52.2", "long": "21.0"}},
        ]
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = [
            (method, re.compile(pattern), getattr(self, name))
            for cls in type(self).__mro__
            for method, pattern, name in cls.__dict__.get("ROUTES", ())
        ]
        super().__init__()

    def build_app(self) -> Any:
        return Starlette(routes=[Route("/{path:path}", self.dispatch, methods=["GET", "POST", "PUT", "DELETE"])])

    # --- request handling ---

    async def dispatch(self, request: Request) -> Response:
        try:
            return await self._dispatch(request)
        except Invalid as error:
            return error.response()

    async def _dispatch(self, request: Request) -> Response:
        path = request.url.path
        if not path.startswith(API_PREFIX):
            raise Invalid(404, (None, "Unknown API version."))
        path = path[len(API_PREFIX):]
        if path.endswith(OTHER_FORMATS):
            raise Invalid(501, ("format", "This fake answers JSON only."))
        path = path.removesuffix(".json")
        if request.headers.get("x-api-key") != self.api_key:
            raise Invalid(401, ("X-Api-Key", "Invalid or missing API key."))
        for method, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if method == request.method and match is not None:
                form = await self._read_form(request, upload=handler == self.upload_file)
                req = Req(
                    method=request.method,
                    form=form,
                    query=dict(request.query_params),
                    base_url=str(request.base_url).rstrip("/"),
                    request=request,
                    params={k: v for k, v in match.groupdict().items() if v is not None},
                )
                answer = await handler(req)
                return answer if isinstance(answer, Response) else JSONResponse(answer)
        raise Invalid(404, (None, f"No such method: {request.method} {path}"))

    async def _read_form(self, request: Request, *, upload: bool) -> dict[str, Any]:
        if request.method not in ("POST", "PUT"):
            return {}
        body = await request.body()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if upload:
            if content_type != MULTIPART:
                raise Invalid(400, ("uploaded", "Send the file as multipart/form-data."))
            return {}
        if not body:
            return {}
        if content_type != FORM:
            raise Invalid(400, (None, f"Expected {FORM}, got {content_type or 'no content type'}."))
        return parse_php_form(parse_qsl(body.decode(), keep_blank_values=True))

    def _room(self, req: Req) -> dict[str, Any]:
        room = self.conferences.get(int(req.params["room"]))
        if room is None:
            raise Invalid(404, ("room_id", "Conference not found."))
        return room

    def _session(self, req: Req) -> dict[str, Any]:
        room = self._room(req)
        session = self.sessions.get(int(req.params["session"]))
        if session is None or session["room_id"] != room["id"]:
            raise Invalid(404, ("session_id", "Session not found."))
        return session

