"""A loopback Airmeet that checks keys, tokens, headers, mandatory fields and enums as the seed does.

    fake = FakeAirmeet(access_key="ak", secret_key="sk", team=("host@example.com",))
    with serve(fake.app) as url:
        adapter = AirmeetProvider(creds, endpoints=Endpoints(airmeet=url))
        ...
        fake.expire_tokens()            # the next call with an old token gets 412
        assert fake.auth_calls == 2

State lives on the instance (``events``, ``tokens``, ``team``); tests seed registrations and
exports with ``add_participants``/``add_attendees``/... and make an export answer the in-body 202
"Preparing your results" with ``preparing``. ``base_path="/prod"`` serves under the real prefix.
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import time
import uuid
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import FakeService

ACCESS_TYPES = {"INVITED_ONLY", "WITH_VERIFIED_EMAIL", "WITHOUT_VERIFIED_EMAIL", "EMAIL_UNIQUE_LINK"}
STATUSES = {"ONGOING", "PAUSED", "FINISHED", "ARCHIVE"}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ZONES = frozenset(zoneinfo.available_timezones()) - {"localtime", "posixrules", "Factory"}
PREPARING = "Preparing your results. Try after 5 minutes to get the updated results"
TOKEN_TTL = 30 * 24 * 3600.0


class Refusal(Exception):
    """Raised by a handler to answer an error status with Airmeet's ``{success: false, message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class FakeEvent:
    uuid: str
    fields: dict[str, Any]
    status: str = "CREATED"
    speakers: dict[str, dict[str, Any]] = field(default_factory=dict)  # by e-mail
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    booths: dict[str, dict[str, Any]] = field(default_factory=dict)
    landing_page: dict[str, Any] = field(default_factory=dict)
    participants: list[dict[str, Any]] = field(default_factory=list)
    attendees: list[dict[str, Any]] = field(default_factory=list)
    polls: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    booth_attendance: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class FakeAirmeet(FakeService):
    """Airmeet's public API on loopback: ``FakeAirmeet(access_key="ak", secret_key="sk")``."""

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

    # ------------------------------------------------------------ manage event

    async def create_event(self, request: Request) -> JSONResponse:
        self._authorise(request)
        body = await _json(request)
        for name in ("hostEmail", "eventName", "shortDesc"):
            _require_str(body, name)
        _require_email(body["hostEmail"], "hostEmail")
        timing = body.get("timing")
        if not isinstance(timing, dict):
            raise Refusal(400, "timing is mandatory")
        start, end = _require_int(timing, "startTime"), _require_int(timing, "endTime")
        _require_zone(timing.get("timezone"))
        if end <= start:
            raise Refusal(400, "endTime must be after startTime")
        access = body.get("accessType", "INVITED_ONLY")
        if access not in ACCESS_TYPES:
            raise Refusal(400, f"Invalid accessType {access}")
        event = FakeEvent(uuid=str(uuid.uuid4()), fields={**body, "accessType": access})
        self.events[event.uuid] = event
        return JSONResponse({"uuid": event.uuid, "airmeet status": event.status})

    async def add_speaker(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        _require_str(body, "name")
        _require_str(body, "email")
        _require_email(body["email"], "email")
        for key, value in body.items():
            if not isinstance(value, str):
                raise Refusal(400, f"{key} must be a string")
        if body["email"] in event.speakers or any(s["name"] == body["name"] for s in event.speakers.values()):
            raise Refusal(400, "Speaker with the same name or email already exists")
        speaker = dict(body)
        if not str(speaker.get("imageUrl", "")).lower().endswith(IMAGE_SUFFIXES):
            speaker["imageUrl"] = None  # Airmeet falls back to its default profile image
        event.speakers[body["email"]] = speaker
        return JSONResponse({"email": body["email"], "status": "ADDED_TO_EVENT"})

    async def create_session(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        _require_str(body, "sessionTitle")
        _require_str(body, "hostEmail")
        start = _require_int(body, "sessionStartTime")
        duration = _require_int(body, "sessionDuration")
        if duration <= 0:
            raise Refusal(400, "sessionDuration must be positive")
        if body.get("type", "HOSTING") != "HOSTING":
            raise Refusal(400, "Only HOSTING sessions can be created")
        if body["hostEmail"] not in self.team:
            raise Refusal(400, f"Host {body['hostEmail']} is not a team member of the community")
        speakers = _string_list(body, "speakerEmails")
        for email in speakers:
            if email not in event.speakers:
                raise Refusal(400, f"Speaker {email} is not added to the Airmeet")
        for email in _string_list(body, "cohostEmails"):
            if email not in self.team and email not in event.speakers:
                raise Refusal(400, f"Cohost {email} is not a team member or speaker")
        end = start + duration * 60_000
        for other in event.sessions.values():
            other_end = other["sessionStartTime"] + other["sessionDuration"] * 60_000
            if start < other_end and other["sessionStartTime"] < end:
                raise Refusal(400, "There is already an overlapping session at the same time")
        sid = str(uuid.uuid4())
        event.sessions[sid] = {**body, "sessionid": sid}
        return JSONResponse({"uid": sid})

    async def delete_session(self, request: Request) -> JSONResponse:
        event = self._event(request)
        if event.sessions.pop(request.path_params["sid"], None) is None:
            raise Refusal(404, "Session not found")
        return JSONResponse({"success": True})

    async def update_status(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        if body.get("status") not in STATUSES:
            raise Refusal(400, f"Status {body.get('status')} does not exist")
        event.status = body["status"]
        return JSONResponse({"statusUpdated": True})

    async def create_booth(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        _require_str(body, "name")
        booth_id = str(uuid.uuid4())
        event.booths[booth_id] = {**body, "uid": booth_id}
        return JSONResponse({"uuid": booth_id})

    async def list_booths(self, request: Request) -> JSONResponse:
        event = self._event(request)
        return JSONResponse({"booths": list(event.booths.values())})

    async def landing_page(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        allowed = {"ambience", "layout", "highlightColor", "buttonTextColor", "imageUrl"}
        if not body or set(body) - allowed:
            raise Refusal(400, "Payload is incorrect")
        if "ambience" in body and body["ambience"] not in ("LIGHT", "DARK"):
            raise Refusal(400, "ambience must be LIGHT or DARK")
        if "layout" in body and body["layout"] not in ("CLASSIC", "MODERN"):
            raise Refusal(400, "layout must be CLASSIC or MODERN")
        for key in ("highlightColor", "buttonTextColor"):
            if key in body and not (isinstance(body[key], str) and HEX_COLOUR.fullmatch(body[key])):
                raise Refusal(400, f"{key} must be a hex colour code")
        if "imageUrl" in body and not str(body["imageUrl"]).lower().endswith(IMAGE_SUFFIXES):
            raise Refusal(400, "imageUrl must end with .jpg, .jpeg or .png")
        event.landing_page.update(body)
        return JSONResponse({"success": True})

    async def duplicate(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        start = _require_int(body, "startTime")
        if start < 10**12:  # seconds, not the milliseconds the seed asks for
            raise Refusal(400, "startTime must be a unix timestamp in milliseconds")
        _require_zone(body.get("timezone"))
        timing = event.fields.get("timing") or {}
        length = int(timing.get("endTime", 0)) - int(timing.get("startTime", 0))
        fields = {**event.fields, "timing": {"startTime": start, "endTime": start + max(length, 0),
                                             "timezone": body["timezone"]}}
        if body.get("eventName"):
            fields["eventName"] = body["eventName"]
        copy = FakeEvent(uuid=str(uuid.uuid4()), fields=fields, speakers=dict(event.speakers))
        self.events[copy.uuid] = copy
        return JSONResponse({"uuid": copy.uuid})

    async def add_attendee(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        for name in ("email", "firstName", "lastName"):
            _require_str(body, name)
        _require_email(body["email"], "email")
        if any(p["email"] == body["email"] for p in event.participants):
            raise Refusal(400, "Attendee already registered")
        event.participants.append({"email": body["email"], "name": f"{body['firstName']} {body['lastName']}",
                                   "registrationDate": len(event.participants)})
        return JSONResponse({"success": True, "data": {"email": body["email"]}})

    # ------------------------------------------------------------ event details

    async def list_events(self, request: Request) -> JSONResponse:
        self._authorise(request)
        rows = [{"uid": e.uuid, "name": e.fields.get("eventName"), "status": e.status}
                for e in self.events.values() if e.status != "ARCHIVE"]  # archived ones are not listed
        return JSONResponse(_cursor_page(request, rows, limit=500))

    async def info(self, request: Request) -> JSONResponse:
        event = self._event(request)
        sessions = [{"sessionid": sid, "name": s["sessionTitle"], "start_time": s["sessionStartTime"],
                     "duration": s["sessionDuration"]} for sid, s in event.sessions.items()]
        hosts = sorted({s["hostEmail"] for s in event.sessions.values()})
        return JSONResponse({"name": event.fields.get("eventName"), "status": event.status,
                             "sessions": sessions, "session_hosts": [{"email": h} for h in hosts]})

    async def participants(self, request: Request) -> JSONResponse:
        event = self._event(request)
        q = request.query_params
        page, size = _int_param(q.get("pageNumber"), "pageNumber"), _int_param(q.get("resultSize"), "resultSize")
        if page < 1 or not 1 <= size <= 1000:
            raise Refusal(400, "pageNumber must be >= 1 and resultSize between 1 and 1000")
        key, direction = q.get("sortingKey", "registrationDate"), q.get("sortingDirection", "DESC")
        if key not in ("name", "email", "registrationDate") or direction not in ("ASC", "DESC"):
            raise Refusal(400, "Invalid sortingKey or sortingDirection")
        rows = sorted(event.participants, key=lambda p: p.get(key) or 0, reverse=direction == "DESC")
        chunk = rows[(page - 1) * size: page * size]
        return JSONResponse({"participants": chunk, "userCount": len(chunk), "totalUserCount": len(rows)})

    async def attendees(self, request: Request) -> JSONResponse:
        event = self._event(request)
        return self._export(request, event.uuid, event.attendees)

    async def session_attendees(self, request: Request) -> JSONResponse:
        self._authorise(request)
        sid = request.path_params["sid"]
        if not any(sid in e.sessions for e in self.events.values()) and sid not in self.session_attendance:
            raise Refusal(404, "Session not found")
        return self._export(request, sid, self.session_attendance.get(sid, []))

    async def booth_attendance(self, request: Request) -> JSONResponse:
        event = self._event(request)
        bid = request.path_params["bid"]
        if bid not in event.booths:
            raise Refusal(404, "Booth not found")
        return self._export(request, bid, event.booth_attendance.get(bid, []))

    async def polls(self, request: Request) -> JSONResponse:
        event = self._event(request)
        return JSONResponse(_cursor_page(request, event.polls, limit=50))

    async def questions(self, request: Request) -> JSONResponse:
        event = self._event(request)
        return JSONResponse({"data": event.questions})

    def _export(self, request: Request, resource_id: str, rows: list[dict[str, Any]]) -> JSONResponse:
        # The export APIs answer HTTP 200 with the real status inside the body.
        if resource_id in self.pending:
            return JSONResponse({"statusCode": 202, "statusMessage": PREPARING})
        if resource_id in self.invalid_exports:
            return JSONResponse({"data": {}, "statusCode": 400, "statusMessage": self.invalid_exports[resource_id]})
        return JSONResponse(_cursor_page(request, rows, limit=50))


# ---------------------------------------------------------------- helpers


def _guarded(handler: Any) -> Any:
    async def endpoint(request: Request) -> JSONResponse:
        try:
            return await handler(request)  # type: ignore[no-any-return]
        except Refusal as refusal:
            return JSONResponse({"success": False, "message": refusal.message}, status_code=refusal.status)

    return endpoint


def _check_content_type(request: Request) -> None:
    # "All APIs expect a Content-Type: application/JSON header."
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise Refusal(400, "Content-Type must be application/json")


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise Refusal(400, "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Refusal(400, "Request body must be a JSON object")
    return body


def _require_str(body: dict[str, Any], name: str) -> None:
    if not isinstance(body.get(name), str) or not body[name].strip():
        raise Refusal(400, f"{name} is mandatory")


def _require_int(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refusal(400, f"{name} is mandatory and must be a unix timestamp number")
    return value


def _require_email(value: str, name: str) -> None:
    if not EMAIL.fullmatch(value):
        raise Refusal(400, f"{name} is not a valid email")


def _require_zone(value: Any) -> None:
    if not isinstance(value, str) or value not in ZONES:
        raise Refusal(400, f"timezone {value!r} is not available")


def _string_list(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Refusal(400, f"{name} must be a list of emails")
    return value


def _int_param(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Refusal(400, f"{name} must be a number") from None


def encode_cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"row:{index}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith("row:"):
            raise ValueError(cursor)
        return int(text[4:])
    except ValueError:
        raise Refusal(400, "Invalid cursor") from None


def _cursor_page(request: Request, rows: list[dict[str, Any]], *, limit: int) -> dict[str, Any]:
    """``size`` + ``after``/``before`` paging; ``before`` is ignored when both are sent (as Airmeet does)."""
    q = request.query_params
    size = _int_param(q.get("size", "50"), "size")
    if not 1 <= size <= limit:
        raise Refusal(400, f"size must be between 1 and {limit}")
    if q.get("after"):
        start = decode_cursor(q["after"]) + 1
        stop = start + size
    elif q.get("before"):
        stop = decode_cursor(q["before"])
        start = max(0, stop - size)
    else:
        start, stop = 0, size
    chunk = rows[start:stop]
    last = start + len(chunk) - 1
    return {
        "data": chunk,
        "cursors": {
            "before": encode_cursor(start) if chunk and start > 0 else None,
            "after": encode_cursor(last) if chunk and last < len(rows) - 1 else None,
            "pageCount": max(1, math.ceil(len(rows) / size)),
        },
    }
