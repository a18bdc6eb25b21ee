"""A loopback Whereby REST API (``/v1/meetings``) that checks what the real one documents.

    fake = FakeWhereby(api_key="k", subdomain="acme")
    with serve(fake.app) as url:                     # adapter endpoint: url + "/v1"
        fake.faults.add(Fault(status=429, body=throttle_body(1500)), path="/v1/meetings")
        ...
        assert fake.meetings["1"].room_mode == "group"

What it enforces (seed 001 and whereby_openapi.json):
- ``Authorization: Bearer <api_key>`` on every call, else 401 (the spec defines no body; we send
  ``{"error": "Access token is missing or invalid"}``, the spec's description).
- POST needs ``Content-Type: application/json`` and a JSON object; ``endDate`` is required, an RFC 3339
  date-time (no offset = UTC) not in the past; ``roomMode``, ``roomNamePattern``, ``templateType`` and
  ``fields`` take their enum values; ``roomNamePrefix`` is a string of 39 characters at most (the
  file's ``maxLength``; its pattern ``[a-z0-9]{0,39}`` is unanchored, as JSON Schema patterns are, so
  it holds for any string) whose spaces are removed ("spaces will be automatically removed").
  ASSUMPTION: an uppercase prefix is refused with 400 (seed: it "should be lowercase"; whether Whereby
  refuses or lowercases it is not documented).
  The body schema has no ``additionalProperties: false``, so unknown keys are ignored, as the spec allows.
- ``hostRoomUrl``/``viewerRoomUrl`` appear only when requested in ``fields`` (or by the viewerMode
  template); the viewerMode template locks the room and makes it a group room.
- GET /meetings pages with an opaque cursor and ``limit`` 1..100 (default 50); the cursor is null at
  the end. GET of an unknown meeting is 404; DELETE answers 204 even when the meeting is gone.
- A meeting disappears an hour after its ``endDate`` (``clock`` is injectable for that).
Validation failures answer 400 ``{"error": "..."}`` (the real body is undocumented).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeService

ROOM_MODES = ("group", "normal")
ROOM_NAME_PATTERNS = ("uuid", "human-short")
TEMPLATE_TYPES = ("viewerMode",)
FIELDS = ("hostRoomUrl", "viewerRoomUrl")
PREFIX = re.compile(r"[a-z0-9]{0,39}")  # matched with search(), as JSON Schema does
PREFIX_MAX_LENGTH = 39
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", re.IGNORECASE)
HUMAN_SHORT_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # "six distinguishable characters"
ROOM_LIFETIME_AFTER_END = timedelta(hours=1)


def throttle_body(ms_left: int) -> dict[str, Any]:
    """The documented 429 body: ``Fault(status=429, body=throttle_body(38689))``."""
    return {"error": "Rate limit active for throttle key: organization:1", "data": {"msLeft": ms_left}}


class Invalid(Exception):
    """A request the real API would refuse with 400."""


@dataclass
class StoredMeeting:
    """A meeting as the fake keeps it, with the settings the response does not show."""

    meeting_id: str
    room_name: str
    room_url: str
    host_room_url: str
    viewer_room_url: str
    start_date: datetime
    end_date: datetime
    is_locked: bool
    room_mode: str
    room_name_pattern: str
    template_type: str | None
    body: dict[str, Any] = field(default_factory=dict)

    def to_json(self, fields: set[str]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "meetingId": self.meeting_id,
            "roomName": self.room_name,
            "roomUrl": self.room_url,
            "startDate": iso(self.start_date),
            "endDate": iso(self.end_date),
        }
        if self.template_type == "viewerMode":
            fields = fields | set(FIELDS)  # "fields like hostRoomUrl and viewerRoomUrl will be added"
        if "hostRoomUrl" in fields:
            data["hostRoomUrl"] = self.host_room_url
        if "viewerRoomUrl" in fields:
            data["viewerRoomUrl"] = self.viewer_room_url
        return data


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_date_time(value: Any, name: str) -> datetime:
    if not isinstance(value, str) or not DATE_TIME.fullmatch(value):
        raise Invalid(f'"{name}" must be a valid ISO 8601 date-time')
    moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # "By default in UTC"


def one_of(body: dict[str, Any], name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = body.get(name, default)
    if value is not None and value not in allowed:
        raise Invalid(f'"{name}" must be one of [{", ".join(allowed)}]')
    return value


def requested_fields(value: Any, name: str = "fields") -> set[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item in FIELDS for item in value):
        raise Invalid(f'"{name}" items must be one of [{", ".join(FIELDS)}]')
    return set(value)


class FakeWhereby(FakeService):
    """Whereby's /v1/meetings in memory: ``FakeWhereby(api_key="k")``; see the module docstring."""

    def __init__(
        self,
        *,
        api_key: str = "whereby-test-key",
        subdomain: str = "acme",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.api_key = api_key
        self.subdomain = subdomain
        self.clock = clock or (lambda: datetime.now(UTC))
        self.meetings: dict[str, StoredMeeting] = {}
        self._ids = itertools.count(1)
        super().__init__()

    def build_app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/meetings", self.create_meeting, methods=["POST"]),
                Route("/v1/meetings", self.list_meetings, methods=["GET"]),
                Route("/v1/meetings/{meetingId}", self.get_meeting, methods=["GET"]),
                Route("/v1/meetings/{meetingId}", self.delete_meeting, methods=["DELETE"]),
            ]
        )

    # -- endpoints ------------------------------------------------------------------------

    async def create_meeting(self, request: Request) -> Response:
        if denied := self.check_auth(request):
            return denied
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return error(400, "Content-Type must be multipart/form-data or application/json")
        try:
            body = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return error(400, "Invalid JSON body")
        try:
            meeting = self.validate_and_store(body)
        except Invalid as problem:
            return error(400, str(problem))
        return JSONResponse(meeting.to_json(requested_fields(body.get("fields", []))), status_code=201)

    async def list_meetings(self, request: Request) -> Response:
        if denied := self.check_auth(request):
            return denied
        try:
            limit = self.limit(request.query_params.get("limit"))
            fields = self.query_fields(request)
            start = self.decode_cursor(request.query_params.get("cursor"))
        except Invalid as problem:
            return error(400, str(problem))
        self.expire()
        ordered = sorted(self.meetings.values(), key=lambda m: int(m.meeting_id))
        remaining = [m for m in ordered if int(m.meeting_id) > start]
        page, rest = remaining[:limit], remaining[limit:]
        cursor = self.encode_cursor(int(page[-1].meeting_id)) if rest else None
        return JSONResponse({"results": [m.to_json(fields) for m in page], "cursor": cursor})

    async def get_meeting(self, request: Request) -> Response:
        if denied := self.check_auth(request):
            return denied
        try:
            fields = self.query_fields(request)
        except Invalid as problem:
            return error(400, str(problem))
        self.expire()
        meeting = self.meetings.get(request.path_params["meetingId"])
        if meeting is None:
            return error(404, "The requested resource doesn't exist")
        return JSONResponse(meeting.to_json(fields))

    async def delete_meeting(self, request: Request) -> Response:
        if denied := self.check_auth(request):
            return denied
        self.meetings.pop(request.path_params["meetingId"], None)  # idempotent: 204 either way
        return Response(status_code=204)

    # -- rules ----------------------------------------------------------------------------

    def check_auth(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return error(401, "Access token is missing or invalid")
        return None

    def validate_and_store(self, body: Any) -> StoredMeeting:
        if not isinstance(body, dict):
            raise Invalid('"value" must be of type object')
        if "endDate" not in body:
            raise Invalid('"endDate" is required')
        now = self.clock()
        end = parse_date_time(body["endDate"], "endDate")
        if end < now.replace(microsecond=0):  # "the same or after the current date"
            raise Invalid('"endDate" must be greater than or equal to "now"')
        if "startDate" in body:
            parse_date_time(body["startDate"], "startDate")  # deprecated: checked, then ignored
        locked = body.get("isLocked", False)
        if not isinstance(locked, bool):
            raise Invalid('"isLocked" must be a boolean')
        room_mode = one_of(body, "roomMode", ROOM_MODES, "normal")
        pattern = one_of(body, "roomNamePattern", ROOM_NAME_PATTERNS, "uuid")
        template = one_of(body, "templateType", TEMPLATE_TYPES, None)
        prefix = body.get("roomNamePrefix", "")
        if not isinstance(prefix, str):
            raise Invalid('"roomNamePrefix" must be a string')
        if len(prefix) > PREFIX_MAX_LENGTH or not PREFIX.search(prefix):
            raise Invalid('"roomNamePrefix" length must be less than or equal to 39 characters long')
        if prefix != prefix.lower():  # the assumption in the module docstring
            raise Invalid('"roomNamePrefix" should be lowercase')
        prefix = prefix.replace(" ", "")  # "spaces will be automatically removed"
        if "fields" in body:
            requested_fields(body["fields"])
        for name in ("recording", "liveTranscription", "streaming"):
            if name in body and not isinstance(body[name], dict):
                raise Invalid(f'"{name}" must be of type object')
        if template == "viewerMode":
            locked, room_mode = True, "group"

        meeting_id = str(next(self._ids))
        if pattern == "uuid":
            name = str(uuid.uuid4())
        else:
            name = "".join(secrets.choice(HUMAN_SHORT_ALPHABET) for _ in range(6))
        room_name = f"/{prefix}{name}"
        room_url = f"https://{self.subdomain}.whereby.com{room_name}"
        meeting = StoredMeeting(
            meeting_id=meeting_id,
            room_name=room_name,
            room_url=room_url,
            host_room_url=f"{room_url}?roomKey={secrets.token_urlsafe(16)}",
            viewer_room_url=f"{room_url}?viewerKey={secrets.token_urlsafe(16)}",
            start_date=now,
            end_date=end.astimezone(UTC),
            is_locked=locked,
            room_mode=room_mode or "normal",
            room_name_pattern=pattern or "uuid",
            template_type=template,
            body=body,
        )
        self.meetings[meeting_id] = meeting
        return meeting

    def expire(self) -> None:
        """Rooms are "automatically deleted" an hour after their end date."""
        now = self.clock()
        for meeting_id, meeting in list(self.meetings.items()):
            if meeting.end_date + ROOM_LIFETIME_AFTER_END < now:
                del self.meetings[meeting_id]

    @staticmethod
    def limit(value: str | None) -> int:
        if value is None:
            return 50
        if not re.fullmatch(r"\d+", value) or not 1 <= int(value) <= 100:
            raise Invalid('"limit" must be an integer between 1 and 100')
        return int(value)

    @staticmethod
    def query_fields(request: Request) -> set[str]:
        value = request.query_params.get("fields")
        if value is None:
            return set()
        return requested_fields(value.split(","))  # style form, explode false: "a,b"

    @staticmethod
    def encode_cursor(after_id: int) -> str:
        return base64.urlsafe_b64encode(json.dumps({"after": after_id}).encode()).decode().rstrip("=")

    @staticmethod
    def decode_cursor(cursor: str | None) -> int:
        if cursor is None:
            return 0
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            return int(data["after"])
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise Invalid('"cursor" is not valid') from None


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
