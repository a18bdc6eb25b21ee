"""A loopback ClickMeeting REST API (``/v1``) that checks what seed 002 and the official clients say.

    fake = FakeClickMeeting(api_key="k")
    with serve(fake.app) as url:                       # adapter endpoint: url + "/v1"
        session_id = fake.add_session(room_id, attendees=[{"email": "ann@example.com", "role": "host"}])
        fake.faults.add(Fault(status=500), path="/v1/conferences")
        ...
        assert fake.conferences[room_id]["access_type"] == 2

What it enforces:
- ``X-Api-Key`` on every call, else 401 with the error body the Go client decodes
  (``{"code": 401, "name": "Unauthorized", "errors": [{"name": ..., "message": ...}]}``; the messages
  are ours, the shape is ClickMeeting's). Paths may end in ``.json`` (the official clients always
  add it) or nothing (JSON is the default); another format suffix answers 501, as we speak JSON only.
- POST/PUT bodies must be ``application/x-www-form-urlencoded`` (the file upload: ``multipart/form-data``
  with the field ``uploaded``) and are read with PHP's nesting rules (``a[b]``, ``a[]``, ``a[][c]``, ``a[0][c]``).
- Required fields per the seed: name, room_type, permanent_room, access_type (and password for
  access_type 2) to create; permanent_room with starts_at/duration on edit; how_many 1..1000 (and at
  most 4x the attendee limit per room, token rooms only); email, nickname, role (plus the right
  password or an issued token) for auto-login; attendees[][email] for invitations; email, firstname,
  lastname for contacts; registration[1..3] for a registration (registration must be enabled).
  Validation failures answer 422 with the documented body naming the field.
- State: conferences (paginated 250 per page), tokens, auto-login hashes, invitations, sessions
  with attendees (seeded by tests), PDF reports that go NEW -> IN PROGRESS -> FINISHED over successive
  polls (``fail_pdf_reports`` makes them FAILED), registrations, contacts, files, recordings, chats.
- Answers have the shapes of the real bodies in specs/clickmeeting/teachbase_fixtures.
"""

from __future__ import annotations

import copy
import email
import email.policy
import io
import itertools
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeService

API_PREFIX = "/v1/"
PAGE_SIZE = 250
MAX_TOKENS_PER_CALL = 1000
OTHER_FORMATS = (".xml", ".js", ".printr", ".php")
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
    501: "Not Implemented",
}
ROLES = ("listener", "presenter", "host")
SETTINGS = (
    "show_on_personal_page",
    "thank_you_emails_enabled",
    "connection_tester_enabled",
    "phonegateway_enabled",
    "recorder_autostart_enabled",
    "room_invite_button_enabled",
    "social_media_sharing_enabled",
    "connection_status_enabled",
    "thank_you_page_url",
)
DEFAULT_SETTINGS: dict[str, Any] = {
    "show_on_personal_page": True,
    "thank_you_emails_enabled": True,
    "connection_tester_enabled": False,
    "recorder_autostart_enabled": False,
    "room_invite_button_enabled": True,
    "social_media_sharing_enabled": False,
    "connection_status_enabled": True,
}
REPORT_LANGS = ("en", "pl", "ru", "de", "es")
SKIN_NAMES = ("Business 1", "Business 2", "Business 3", "Education 1", "Elegance 1", "Christmas 1")
TOKEN_ALPHABET = "0123456789ACDEFGHKPQRWY"  # the characters real tokens use ("D9P7YW", "K473CC")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DURATION = re.compile(r"(\d{1,3}):([0-5]\d)|(\d{1,3})")
LOCAL_TIME = "%Y-%m-%d %H:%M:%S"
TIMEZONE_AREAS = (
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"
)
DOCUMENT_TYPES = {
    "png": "image",
    "jpg": "image",
    "jpeg": "image",
    "gif": "image",
    "pdf": "presentation_pdf",
    "ppt": "presentation",
    "pptx": "presentation",
    "mp3": "audio",
    "mp4": "video",
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


class Invalid(Exception):
    """An error answer: ``raise Invalid(422, ("how_many", "must be 1..1000"))``."""

    def __init__(self, status: int, *errors: tuple[str | None, str]) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors

    def response(self) -> JSONResponse:
        return JSONResponse(error_body(self.status, self.errors), status_code=self.status)


def error_body(status: int, errors: Iterable[tuple[str | None, str]]) -> dict[str, Any]:
    """``{"code": 422, "name": "Unprocessable Entity", "errors": [{"name": field, "message": text}]}``."""
    return {
        "code": status,
        "name": REASONS.get(status, "Error"),
        "errors": [{"name": name, "message": message} for name, message in errors],
    }


def parse_php_form(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Read ``a[b][]=x`` keys the way PHP fills ``$_POST``: ``parse_php_form([("a[]", "x")]) == {"a": ["x"]}``.

    ``[]`` appends a new element every time it appears; ``[0]`` addresses one. Arrays whose keys are
    exactly 0..n-1 come back as lists, others (``registration[1..3]``) as dicts with string keys.
    """
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]*\])*)", key)
        if match is None:
            root[key] = value
            continue
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for index, part in enumerate(parts):
            if part == "":
                numbers = [int(k) for k in node if k.isdigit()]
                part = str(max(numbers) + 1 if numbers else 0)
            if index == len(parts) - 1:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and set(converted) == {str(i) for i in range(len(converted))}:
        return [converted[str(i)] for i in range(len(converted))]
    return converted


def country_time_zones() -> dict[str, list[str]]:
    """Country code -> zone names from the system's zone.tab (a small map if it is missing)."""
    table = Path("/usr/share/zoneinfo/zone.tab")
    if not table.exists():
        return {
            "PL": ["Europe/Warsaw"],
            "RU": ["Europe/Kaliningrad", "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok"],
            "US": ["America/Chicago", "America/Denver", "America/Los_Angeles", "America/New_York"],
        }
    zones: dict[str, list[str]] = {}
    for line in table.read_text().splitlines():
        if line and not line.startswith("#"):
            columns = line.split("\t")
            zones.setdefault(columns[0], []).append(columns[2])
    return {code: sorted(names) for code, names in zones.items()}


def multipart_files(content_type: str, body: bytes) -> dict[str, tuple[str, bytes]]:
    """Field name -> (filename, bytes) for the file parts of a multipart/form-data body."""
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body, policy=email.policy.HTTP
    )
    if not message.is_multipart():
        return {}
    files = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        if isinstance(name, str) and filename:
            files[name] = (filename, part.get_payload(decode=True) or b"")
    return files


@dataclass
class Req:
    """What a handler needs from one request."""

    method: str
    form: dict[str, Any]
    query: dict[str, str]
    base_url: str
    request: Request
    params: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Req], Any]


def _flag(value: Any, name: str) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "true"):
        return True
    if text in ("0", "false", ""):
        return False
    raise Invalid(422, (name, "This value should be a boolean (0 or 1)."))


def _required(form: dict[str, Any], *names: str) -> None:
    missing = [(name, "This value should not be blank.") for name in names if not str(form.get(name, "")).strip()]
    if missing:
        raise Invalid(422, *missing)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


class FakeClickMeeting(FakeService):
    """State lives in plain dicts a test can read: ``conferences``, ``tokens``, ``sessions``, ``files``, ..."""

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
            ("GET", re.compile(r"ping"), self.ping),
            ("GET", re.compile(r"conferences/(?P<status>active|inactive)"), self.list_conferences),
            ("GET", re.compile(r"conferences/skins"), self.list_skins),
            ("POST", re.compile(r"conferences"), self.create_conference),
            ("GET", re.compile(r"conferences/(?P<room>\d+)"), self.get_conference),
            ("PUT", re.compile(r"conferences/(?P<room>\d+)"), self.edit_conference),
            ("DELETE", re.compile(r"conferences/(?P<room>\d+)"), self.delete_conference),
            ("POST", re.compile(r"conferences/(?P<room>\d+)/tokens"), self.generate_tokens),
            ("GET", re.compile(r"conferences/(?P<room>\d+)/tokens"), self.list_tokens),
            ("POST", re.compile(r"conferences/(?P<room>\d+)/room/autologin_hash"), self.autologin_hash),
            ("POST", re.compile(r"conferences/(?P<room>\d+)/invitation/email/(?P<lang>[a-z]{2})"), self.invite),
            ("GET", re.compile(r"conferences/(?P<room>\d+)/sessions"), self.list_sessions),
            ("GET", re.compile(r"conferences/(?P<room>\d+)/sessions/(?P<session>\d+)"), self.get_session),
            ("GET", re.compile(r"conferences/(?P<room>\d+)/sessions/(?P<session>\d+)/attendees"), self.list_attendees),
            (
                "GET",
                re.compile(r"conferences/(?P<room>\d+)/sessions/(?P<session>\d+)/generate-pdf/(?P<lang>[a-z]{2})"),
                self.generate_pdf,
            ),
            (
                "GET",
                re.compile(
                    r"conferences/(?P<room>\d+)/sessions/(?P<session>\d+)/registrations(?:/(?P<status>all|active))?"
                ),
                self.session_registrations,
            ),
            ("POST", re.compile(r"contacts"), self.add_contact),
            ("GET", re.compile(r"time_zone_list(?:/(?P<country>[A-Za-z]{2}))?"), self.time_zones),
            ("GET", re.compile(r"phone_gateways"), self.list_phone_gateways),
            (
                "GET",
                re.compile(r"conferences/(?P<room>\d+)/registrations/(?P<status>all|active)"),
                self.list_registrations,
            ),
            ("POST", re.compile(r"conferences/(?P<room>\d+)/registration"), self.register),
            ("GET", re.compile(r"file-library"), self.list_files),
            ("POST", re.compile(r"file-library"), self.upload_file),
            ("GET", re.compile(r"file-library/conferences/(?P<room>\d+)"), self.list_room_files),
            ("POST", re.compile(r"file-library/conferences/(?P<room>\d+)"), self.upload_file),
            ("GET", re.compile(r"file-library/(?P<file>\d+)"), self.get_file),
            ("DELETE", re.compile(r"file-library/(?P<file>\d+)"), self.delete_file),
            ("GET", re.compile(r"file-library/(?P<file>\d+)/download"), self.download_file),
            ("GET", re.compile(r"conferences/(?P<room>\d+)/recordings"), self.list_recordings),
            ("DELETE", re.compile(r"conferences/(?P<room>\d+)/recordings"), self.delete_recordings),
            ("DELETE", re.compile(r"conferences/(?P<room>\d+)/recordings/(?P<recording>\d+)"), self.delete_recording),
            ("GET", re.compile(r"chats"), self.list_chats),
            ("GET", re.compile(r"chats/(?P<session>\d+)"), self.get_chat),
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

    # --- conferences ---

    async def ping(self, req: Req) -> Any:
        return {"ping": "pong"}

    async def list_conferences(self, req: Req) -> Any:
        page_text = req.query.get("page", "1")
        if not page_text.isdigit() or int(page_text) < 1:
            raise Invalid(422, ("page", "Page must be a positive number."))
        page = int(page_text)
        rooms = [room for _, room in sorted(self.conferences.items()) if room["status"] == req.params["status"]]
        return rooms[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]

    async def list_skins(self, req: Req) -> Any:
        return self.skins

    async def create_conference(self, req: Req) -> Any:
        return {"room": self.add_conference(req.form)}

    def add_conference(self, form: dict[str, Any]) -> dict[str, Any]:
        """Create a room from (parsed) form fields with the API's checks; tests use it to seed many."""
        _required(form, "name", "room_type", "permanent_room", "access_type")
        if form["room_type"] not in ("meeting", "webinar"):
            raise Invalid(422, ("room_type", "Room type must be meeting or webinar."))
        if str(form["access_type"]) not in ("1", "2", "3"):
            raise Invalid(422, ("access_type", "Access type must be 1, 2 or 3."))
        access_type = int(form["access_type"])
        if access_type == 2 and not str(form.get("password", "")).strip():
            raise Invalid(422, ("password", "Password is required for a password-protected room."))
        permanent = _flag(form["permanent_room"], "permanent_room")
        zone_name = str(form.get("timezone") or "UTC")
        zone = self._zone(zone_name)
        now = self.clock().astimezone(zone)
        room_id = next(self.ids)
        name_url = self._unique_name_url(str(form.get("custom_room_url_name") or form["name"]))
        room: dict[str, Any] = {
            "id": room_id,
            "room_type": form["room_type"],
            "room_pin": secrets.randbelow(900_000_000) + 100_000_000,
            "name": form["name"],
            "name_url": name_url,
            "access_type": access_type,
            "lobby_enabled": False,
            "lobby_description": "",
            "registration_enabled": 0,
            "status": "active",
            "timezone": zone_name,
            "timezone_offset": int(now.utcoffset().total_seconds()),  # type: ignore[union-attr]
            "created_at": _iso(now),
            "updated_at": _iso(now),
            "permanent_room": permanent,
            "access_role_hashes": {role: secrets.token_hex(15) for role in ROLES},
            "room_url": f"https://{self.login}.clickmeeting.test/{name_url}",
            "phone_presenter_pin": secrets.randbelow(900_000) + 100_000,
            "phone_listener_pin": secrets.randbelow(900_000) + 100_000,
            "embed_room_url": f"https://embed.clickmeeting.test/embed_conference.html?r={room_id}",
            "widgets_hash": secrets.token_hex(3),
            "recorder_list": [],
            "settings": dict(DEFAULT_SETTINGS),
        }
        self._apply(room, form, creating=True)
        if not permanent:
            # "Should you fail to provide start date, the system will default to the date when the room was created."
            self._schedule(room, form.get("starts_at") or now.strftime(LOCAL_TIME), form.get("duration") or "1:00")
        if access_type == 2:
            self.passwords[room_id] = str(form["password"])
        host_hash = self._remember_login(
            room_id, email=f"{self.login}@clickmeeting.test", nickname=self.login, role="host"
        )
        room["autologin_hashes"] = {"host": host_hash}  # real answers carry the account owner's host login
        room["autologin_hash"] = host_hash
        self.conferences[room_id] = room
        return room

    async def get_conference(self, req: Req) -> Any:
        return {"conference": self._room(req)}

    async def edit_conference(self, req: Req) -> Any:
        room = self._room(req)
        form = req.form
        if ("starts_at" in form or "duration" in form) and "permanent_room" not in form:
            raise Invalid(422, ("permanent_room", "permanent_room is required when changing starts_at or duration."))
        if "room_type" in form and form["room_type"] not in ("meeting", "webinar"):
            raise Invalid(422, ("room_type", "Room type must be meeting or webinar."))
        if "access_type" in form:
            if str(form["access_type"]) not in ("1", "2", "3"):
                raise Invalid(422, ("access_type", "Access type must be 1, 2 or 3."))
            if int(form["access_type"]) == 2 and not (form.get("password") or self.passwords.get(room["id"])):
                raise Invalid(422, ("password", "Password is required for a password-protected room."))
        if "status" in form and form["status"] not in ("active", "inactive"):
            raise Invalid(422, ("status", "Status must be active or inactive."))
        if "timezone" in form:
            self._zone(str(form["timezone"]))
        changed = copy.deepcopy(room)  # validate everything before the stored room changes
        for key in ("name", "room_type", "status", "timezone"):
            if key in form:
                changed[key] = form[key]
        if "access_type" in form:
            changed["access_type"] = int(form["access_type"])
        self._apply(changed, form, creating=False)
        if "permanent_room" in form:
            changed["permanent_room"] = _flag(form["permanent_room"], "permanent_room")
            if changed["permanent_room"]:
                for key in ("starts_at", "ends_at", "ccc"):
                    changed.pop(key, None)
            else:
                now = self.clock().astimezone(self._zone(changed["timezone"])).strftime(LOCAL_TIME)
                starts = form.get("starts_at") or room.get("starts_at") or now
                self._schedule(changed, starts, form.get("duration") or self._duration(room))
        if form.get("password"):
            self.passwords[room["id"]] = str(form["password"])
        changed["updated_at"] = _iso(self.clock().astimezone(self._zone(changed["timezone"])))
        room.clear()
        room.update(changed)
        return {"conference": room}

    async def delete_conference(self, req: Req) -> Any:
        room = self._room(req)
        del self.conferences[room["id"]]
        self.tokens.pop(room["id"], None)
        self.recordings.pop(room["id"], None)
        return {"result": "OK"}

    def _zone(self, name: str) -> ZoneInfo:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise Invalid(422, ("timezone", f"Unknown time zone {name}.")) from None

    def _unique_name_url(self, name: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "room"
        taken = {room["name_url"] for room in self.conferences.values()}
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}_{number}"
        return candidate

    def _apply(self, room: dict[str, Any], form: dict[str, Any], *, creating: bool) -> None:
        """The optional fields shared by create and edit."""
        if "lobby_enabled" in form:
            lobby = _flag(form["lobby_enabled"], "lobby_enabled")
            if lobby and not self.paid_account:
                # The seed: the lobby is "available only in paid accounts".
                raise Invalid(403, ("lobby_enabled", "The lobby is available only in paid accounts."))
            room["lobby_enabled"] = lobby
        if "lobby_description" in form:
            room["lobby_description"] = str(form["lobby_description"])
        if "skin_id" in form and str(form["skin_id"]) not in {skin["id"] for skin in self.skins}:
            raise Invalid(422, ("skin_id", "Unknown skin."))
        registration = form.get("registration")
        if registration is not None:
            if not isinstance(registration, dict):
                raise Invalid(422, ("registration", "registration must be an array."))
            if "template" in registration and str(registration["template"]) not in ("1", "2", "3"):
                raise Invalid(422, ("registration[template]", "The template is 1, 2 or 3."))
            if "enabled" in registration:
                room["registration_enabled"] = int(_flag(registration["enabled"], "registration[enabled]"))
        settings = form.get("settings")
        if settings is not None:
            if not isinstance(settings, dict) or set(settings) - set(SETTINGS):
                raise Invalid(422, ("settings", f"Known settings: {', '.join(SETTINGS)}."))
            for key, value in settings.items():
                room["settings"][key] = value if key == "thank_you_page_url" else _flag(value, f"settings[{key}]")

    def _schedule(self, room: dict[str, Any], starts_at: Any, duration: Any) -> None:
        zone = self._zone(room["timezone"])
        text = str(starts_at)
        try:
            start = datetime.strptime(text, LOCAL_TIME).replace(tzinfo=zone)
        except ValueError:
            try:
                start = datetime.fromisoformat(text)
            except ValueError:
                raise Invalid(422, ("starts_at", "Use YYYY-mm-dd H:i:s or ISO 8601.")) from None
            start = start.replace(tzinfo=zone) if start.tzinfo is None else start.astimezone(zone)
        match = DURATION.fullmatch(str(duration))
        if match is None:
            raise Invalid(422, ("duration", "Duration is hours, e.g. 1:20."))
        hours, minutes, whole = match.groups()
        length = timedelta(hours=int(whole)) if whole else timedelta(hours=int(hours), minutes=int(minutes))
        if length <= timedelta(0):
            raise Invalid(422, ("duration", "Duration must be longer than zero."))
        room["starts_at"] = _iso(start)
        room["ends_at"] = _iso(start + length)
        room["ccc"] = start.astimezone(UTC).strftime(LOCAL_TIME)
        room["timezone_offset"] = int(start.utcoffset().total_seconds())  # type: ignore[union-attr]

    @staticmethod
    def _duration(room: dict[str, Any]) -> str:
        if "starts_at" not in room:
            return "1:00"
        length = datetime.fromisoformat(room["ends_at"]) - datetime.fromisoformat(room["starts_at"])
        minutes = int(length.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"

    # --- tokens, auto-login, invitations ---

    async def generate_tokens(self, req: Req) -> Any:
        room = self._room(req)
        _required(req.form, "how_many")
        how_many_text = str(req.form["how_many"])
        if not how_many_text.isdigit() or not 1 <= int(how_many_text) <= MAX_TOKENS_PER_CALL:
            raise Invalid(422, ("how_many", f"how_many must be between 1 and {MAX_TOKENS_PER_CALL}."))
        if room["access_type"] != 3:
            raise Invalid(422, ("access_type", "Tokens exist only for token-protected rooms (access_type 3)."))
        tokens = self.tokens.setdefault(room["id"], [])
        if len(tokens) + int(how_many_text) > self.max_tokens_per_room:
            raise Invalid(422, ("how_many", f"A room holds at most {self.max_tokens_per_room} tokens."))
        taken = {token["token"] for token in tokens}
        fresh = []
        while len(fresh) < int(how_many_text):
            value = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(6))
            if value not in taken:
                taken.add(value)
                fresh.append({"token": value, "sent_to_email": None, "first_use_date": None})
        tokens.extend(fresh)
        return {"access_tokens": fresh}

    async def list_tokens(self, req: Req) -> Any:
        return {"access_tokens": self.tokens.get(self._room(req)["id"], [])}

    async def autologin_hash(self, req: Req) -> Any:
        room = self._room(req)
        form = req.form
        _required(form, "email", "nickname", "role")
        if not EMAIL.fullmatch(str(form["email"])):
            raise Invalid(422, ("email", "This value is not a valid email address."))
        if form["role"] not in ROLES:
            raise Invalid(422, ("role", "Role must be listener, presenter or host."))
        if room["access_type"] == 2 and form.get("password") != self.passwords.get(room["id"]):
            raise Invalid(422, ("password", "Wrong room password."))
        if room["access_type"] == 3 and form.get("token") not in {t["token"] for t in self.tokens.get(room["id"], [])}:
            raise Invalid(422, ("token", "Unknown access token."))
        value = self._remember_login(
            room["id"], email=form["email"], nickname=form["nickname"], role=form["role"], token=form.get("token")
        )
        return {"autologin_hash": value}

    def _remember_login(self, room_id: int, *, email: str, nickname: str, role: str, token: str | None = None) -> str:
        value = secrets.token_urlsafe(48).replace("-", "A") + "__"
        self.autologins[value] = {
            "room_id": room_id, "email": email, "nickname": nickname, "role": role, "token": token
        }
        return value

    async def invite(self, req: Req) -> Any:
        room = self._room(req)
        attendees = req.form.get("attendees")
        if not isinstance(attendees, list) or not attendees:
            raise Invalid(422, ("attendees", "Give at least one attendee as attendees[][email]."))
        emails = []
        for attendee in attendees:
            email = attendee.get("email") if isinstance(attendee, dict) else None
            if not email or not EMAIL.fullmatch(str(email)):
                raise Invalid(422, ("attendees", f"Not a valid email address: {email!r}."))
            emails.append(str(email))
        template = req.form.get("template", "basic")
        if template not in ("basic", "advanced"):
            raise Invalid(422, ("template", "Template must be basic or advanced."))
        role = req.form.get("role", "listener")
        if role not in ("listener", "presenter"):
            raise Invalid(422, ("role", "Role must be listener or presenter."))
        if room["access_type"] == 3:
            # Invitations to a token room carry an unused token each; sent_to_email records to whom.
            unused = [t for t in self.tokens.get(room["id"], []) if t["sent_to_email"] is None]
            if len(unused) < len(emails):
                raise Invalid(422, ("attendees", "Not enough unused access tokens for these invitations."))
            for token, email in zip(unused, emails, strict=False):
                token["sent_to_email"] = email
        self.invitations.append(
            {"room_id": room["id"], "lang": req.params["lang"], "emails": emails, "template": template, "role": role}
        )
        return {"status": "OK"}

    # --- sessions and PDF reports ---

    def add_session(
        self,
        room_id: int,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        attendees: Iterable[dict[str, Any]] = (),
    ) -> int:
        """Seed a past session: ``fake.add_session(room_id, attendees=[{"email": "a@b.c", "role": "host"}])``."""
        room = self.conferences[room_id]
        zone = ZoneInfo(room["timezone"])
        end = (end or self.clock() - timedelta(hours=1)).astimezone(zone)
        start = (start or end - timedelta(hours=1)).astimezone(zone)
        session_id = next(self.ids)
        people = []
        for index, attendee in enumerate(attendees):
            email = attendee["email"]
            people.append(
                {
                    "uid": str(next(self.ids)),
                    "role": attendee.get("role", "listener"),
                    "nickname": attendee.get("nickname", email.split("@")[0]),
                    "email": email,
                    "device": attendee.get("device", BROWSER),
                    "rating": attendee.get("rating"),
                    "rating_comment": attendee.get("rating_comment"),
                    "start_date": _iso(attendee.get("start", start + timedelta(minutes=index)).astimezone(zone)),
                    "end_date": _iso(attendee.get("end", end).astimezone(zone)),
                    "user_ip": attendee.get("user_ip", "127.0.0.1"),
                }
            )
        self.sessions[session_id] = {
            "id": session_id,
            "room_id": room_id,
            "start_date": _iso(start),
            "end_date": _iso(end),
            "attendees": people,
        }
        return session_id

    def _summary(self, session: dict[str, Any]) -> dict[str, Any]:
        people = session["attendees"]
        return {
            "id": session["id"],
            "total_visitors": len(people),
            "max_visitors": max(  # the most people in the room at one time
                (sum(1 for o in people if o["start_date"] <= p["start_date"] < o["end_date"]) for p in people),
                default=0,
            ),
            "start_date": session["start_date"],
            "end_date": session["end_date"],
        }

    async def list_sessions(self, req: Req) -> Any:
        room = self._room(req)
        return [self._summary(s) for s in self.sessions.values() if s["room_id"] == room["id"]]

    async def get_session(self, req: Req) -> Any:
        session = self._session(req)
        detail = self._summary(session)
        del detail["id"]
        detail["attendees"] = [
            {
                "id": int(p["uid"]),
                "start_date": p["start_date"],
                "end_date": p["end_date"],
                "login": p["nickname"],
                "email": p["email"],
            }
            for p in session["attendees"]
        ]
        detail["pdf"] = {lang: self._pdf_state(req, session, lang) for lang in REPORT_LANGS}
        return detail

    async def list_attendees(self, req: Req) -> Any:
        return self._session(req)["attendees"]

    async def generate_pdf(self, req: Req) -> Any:
        session = self._session(req)
        key = (session["id"], req.params["lang"])
        self.pdf_polls[key] = self.pdf_polls.get(key, 0) + 1
        return self._pdf_state(req, session, req.params["lang"])

    def _pdf_state(self, req: Req, session: dict[str, Any], lang: str) -> dict[str, Any]:
        polls = self.pdf_polls.get((session["id"], lang), 0)
        if polls == 0:
            url = f"{req.base_url}/v1/conferences/{session['room_id']}/sessions/{session['id']}/generate-pdf/{lang}"
            return {"generate_pdf_url": url, "progress": 0}
        if polls == 1:
            return {"status": "NEW", "progress": 0}
        if polls < self.pdf_polls_to_finish:
            return {"status": "IN PROGRESS", "progress": 50}
        if self.fail_pdf_reports:
            return {"status": "FAILED", "progress": 0}
        return {
            "status": "FINISHED",
            "url": f"{req.base_url}/panel/pdf/{lang}/{session['id']}/{secrets.token_hex(3)}",
            "progress": 100,
        }

    # --- contacts, time zones, phone gateways ---

    async def add_contact(self, req: Req) -> Any:
        form = req.form
        _required(form, "email", "firstname", "lastname")
        if not EMAIL.fullmatch(str(form["email"])):
            raise Invalid(422, ("email", "This value is not a valid email address."))
        if "country" in form and not re.fullmatch(r"[A-Za-z]{2}", str(form["country"])):
            raise Invalid(422, ("country", "Use an ISO 2 country code."))
        contact = self.contacts.setdefault(str(form["email"]).lower(), {})
        fields = ("email", "firstname", "lastname", "phone", "company", "country")
        contact.update({key: form[key] for key in fields if key in form})
        return {"status": "OK"}

    async def time_zones(self, req: Req) -> Any:
        country = req.params.get("country")
        if country is None:
            names = {name for name in available_timezones() if name.split("/")[0] in TIMEZONE_AREAS}
            return sorted(names | {"UTC"})
        return country_time_zones().get(country.upper(), [])

    async def list_phone_gateways(self, req: Req) -> Any:
        return self.phone_gateways

    # --- registrations ---

    async def register(self, req: Req) -> Any:
        room = self._room(req)
        registration = req.form.get("registration")
        if not isinstance(registration, dict):
            raise Invalid(422, ("registration", "registration[1], registration[2] and registration[3] are required."))
        missing = [(f"registration[{n}]", "This value should not be blank.") for n in "123" if not registration.get(n)]
        if missing:
            raise Invalid(422, *missing)
        first, last, email = registration["1"], registration["2"], registration["3"]
        if not EMAIL.fullmatch(email):
            raise Invalid(422, ("registration[3]", "This value is not a valid email address."))
        if not room["registration_enabled"]:
            raise Invalid(422, ("registration", "Registration is not enabled for this event."))
        confirmation = req.form.get("confirmation_email") or {}
        existing = [r for r in self.registrations.get(room["id"], []) if r["email"].lower() == email.lower()]
        if existing:
            return {"status": "OK", "exist": 1, "url": existing[0]["url"], "r": existing[0]["r"]}
        record = self.add_registration(room["id"], first_name=first, last_name=last, email=email)
        if isinstance(confirmation, dict) and _flag(confirmation.get("enabled", "0"), "confirmation_email[enabled]"):
            self.sent_emails.append({"kind": "confirmation", "to": email, "lang": confirmation.get("lang", "en")})
        return {"status": "OK", "url": record["url"], "r": record["r"]}

    def add_registration(
        self, room_id: int, *, first_name: str, last_name: str, email: str, session_id: int | None = None
    ) -> dict[str, Any]:
        """Seed (or record) one registration; ``session_id`` ties it to a session."""
        room = self.conferences[room_id]
        r = secrets.token_urlsafe(30)
        record = {
            "id": next(self.ids),
            "visitor_nickname": f"{first_name} {last_name}",
            "email": email,
            "registration_date": _iso(self.clock().astimezone(ZoneInfo(room["timezone"]))),
            "registration_confirmed": "null",  # sic: the real answer quotes it
            "session_id": session_id,
            "fields": {"First Name": first_name, "Last Name": last_name, "Email Address": email},
            "url": f"{room['room_url']}?r={r}",
            "r": r,
            "http_referer": None,
            "geo": {"country": None, "city": None},
        }
        self.registrations.setdefault(room_id, []).append(record)
        return record

    def _active(self, registration: dict[str, Any]) -> bool:
        """Active: not tied to a session that has already ended."""
        session = self.sessions.get(registration["session_id"]) if registration["session_id"] else None
        return session is None or datetime.fromisoformat(session["end_date"]) > self.clock()

    async def list_registrations(self, req: Req) -> Any:
        records = self.registrations.get(self._room(req)["id"], [])
        return [r for r in records if req.params["status"] == "all" or self._active(r)]

    async def session_registrations(self, req: Req) -> Any:
        session = self._session(req)
        records = [r for r in self.registrations.get(session["room_id"], []) if r["session_id"] == session["id"]]
        return [r for r in records if req.params.get("status", "all") == "all" or self._active(r)]

    # --- file library ---

    async def upload_file(self, req: Req) -> Any:
        room_id = None
        if "room" in req.params:
            room_id = self._room(req)["id"]
        parts = multipart_files(req.request.headers.get("content-type", ""), await req.request.body())
        if "uploaded" not in parts:
            raise Invalid(422, ("uploaded", "Send the file in the multipart field 'uploaded'."))
        filename, content = parts["uploaded"]
        if not content:
            raise Invalid(422, ("uploaded", "The file is empty."))
        file_id = next(self.ids)
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        now = self.clock()
        self.files[file_id] = {
            "id": file_id,
            "name": filename,
            "document_type": DOCUMENT_TYPES.get(extension, "document"),
            "conversion_progress": 0,
            "upload_date": now.strftime(LOCAL_TIME),
            "status": "waiting_for_conversion",
            "status_message": "waiting for multiconverter to download file.",
            "url": f"{req.base_url}/v1/file-library/{file_id}/download",
            "created_at": _iso(now),
        }
        self.file_content[file_id] = content
        self.file_rooms[file_id] = room_id
        answer = dict(self.files[file_id])
        del answer["created_at"]  # the upload answer has no created_at; listings do
        return answer

    def _converted(self, file_id: int) -> dict[str, Any]:
        """A file is converted by the time anyone reads it back."""
        record = self.files[file_id]
        record.update(status="converted", status_message="", conversion_progress=100)
        return record

    async def list_files(self, req: Req) -> Any:
        return [self._converted(file_id) for file_id in self.files]

    async def list_room_files(self, req: Req) -> Any:
        room = self._room(req)
        return [self._converted(f) for f in self.files if self.file_rooms[f] == room["id"]]

    def _file_id(self, req: Req) -> int:
        file_id = int(req.params["file"])
        if file_id not in self.files:
            raise Invalid(404, ("file_id", "File not found."))
        return file_id

    async def get_file(self, req: Req) -> Any:
        return self._converted(self._file_id(req))

    async def delete_file(self, req: Req) -> Any:
        file_id = self._file_id(req)
        del self.files[file_id], self.file_content[file_id], self.file_rooms[file_id]
        return {"response": "OK"}

    async def download_file(self, req: Req) -> Any:
        file_id = self._file_id(req)
        return Response(self.file_content[file_id], media_type="application/octet-stream")

    # --- recordings ---

    def add_recording(self, room_id: int, *, duration: int = 300, size: int = 30_000) -> int:
        """Seed a recording of a room; returns its id."""
        recording_id = next(self.ids)
        started = self.clock().replace(microsecond=0)
        url = f"https://recorder.clickmeeting.test/download/{recording_id}/recording.mp4?st={secrets.token_urlsafe(16)}"
        self.recordings.setdefault(room_id, []).append(
            {
                "id": recording_id,
                "recording_url": url,
                "recording_duration": duration,
                "recorder_started": started.strftime(LOCAL_TIME),
                "recorder_start_date": _iso(started),
                "recording_file_size": size,
            }
        )
        self.conferences[room_id]["recorder_list"].append(url)
        return recording_id

    async def list_recordings(self, req: Req) -> Any:
        return self.recordings.get(self._room(req)["id"], [])

    async def delete_recordings(self, req: Req) -> Any:
        room = self._room(req)
        self.recordings[room["id"]] = []
        room["recorder_list"] = []
        return {"STATUS": "OK"}

    async def delete_recording(self, req: Req) -> Any:
        room = self._room(req)
        recordings = self.recordings.get(room["id"], [])
        wanted = [r for r in recordings if r["id"] == int(req.params["recording"])]
        if not wanted:
            raise Invalid(404, ("recording_id", "Recording not found."))
        recordings.remove(wanted[0])
        room["recorder_list"].remove(wanted[0]["recording_url"])
        return {"STATUS": "OK"}

    # --- chats ---

    def add_chat(self, session_id: int, messages: Iterable[str]) -> None:
        """Seed the chat of a session (its room's name and time zone are used)."""
        session = self.sessions[session_id]
        room = self.conferences[session["room_id"]]
        start = datetime.fromisoformat(session["start_date"])
        offset = int(start.utcoffset().total_seconds() // 3600)  # type: ignore[union-attr]
        self.chats[session_id] = {
            "time": f"{start:%H:%M} GMT{offset:+d}",
            "id": session_id,
            "timezone": room["timezone"],
            "date": f"{start:%Y-%m-%d}",
            "name": room["name"],
            "messages": list(messages),
        }

    async def list_chats(self, req: Req) -> Any:
        return [
            {
                "time": chat["time"],
                "id": chat["id"],
                "download_link": f"{req.base_url}/v1/chats/{chat['id']}",
                "timezone": chat["timezone"],
                "date": chat["date"],
                "name": chat["name"],
            }
            for chat in self.chats.values()
        ]

    async def get_chat(self, req: Req) -> Any:
        chat = self.chats.get(int(req.params["session"]))
        if chat is None:
            raise Invalid(404, ("session_id", "Chat not found."))
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr(f"chat_{chat['id']}.txt", "\n".join(chat["messages"]))
        return Response(archive.getvalue(), media_type="application/zip")
