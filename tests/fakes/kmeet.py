"""A loopback Infomaniak API for kMeet: ``POST /1/kmeet/rooms``, room settings, the calendar list.

Checks what the kMeet document states: bearer token, JSON body, required fields, ``Y-m-d H:i:s``
times, a real time zone, title 1..150, attendee states, ``options`` as an array of objects (seed 004:
"options required array of object", its example sends ``[ {...} ]``), option flags (password and kDrive
id when they are enabled). Validation errors answer 422 in Infomaniak's error envelope.

``answer`` picks the success body: "full" is the OpenAPI ``PlannedConferenceReturn`` (id, name, ...),
"seed" is seed 004's own example (no ``name``, no ``id``), "no-name" has the id but not the name.

ASSUMPTIONS (not in the documents): ``GET /api/pim/calendar`` (named by seed 004 for calendar ids)
answers ``{"result": "success", "data": {"calendars": [{"id": ...}]}}`` as public client code reads it,
listing the calendars the token may plan in; a calendar the token may not write answers 403
``not_authorized`` on ``POST /1/kmeet/rooms`` (the settings call's documented 403 envelope).
"""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import FakeService

REQUIRED = ("calendar_id", "starting_at", "ending_at", "timezone", "hostname", "title", "options")
REQUIRED_OPTIONS = ("subject", "start_audio_muted", "enable_recording", "enable_moderator_video",
                    "start_audio_only", "lobby_enabled", "password_enabled", "e2ee_enabled")
STATES = {"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"}


def error(status: int, code: str, description: str, errors: list[dict] | None = None) -> JSONResponse:
    return JSONResponse({"result": "error", "error": {"code": code, "description": description,
                                                      "errors": errors or []}}, status_code=status)


def invalid(attribute: str, description: str) -> JSONResponse:
    return error(422, "validation_failed", "Validation failed",
                 [{"code": "validation_rule", "description": description, "context": {"attribute": attribute}}])


class FakeInfomaniak(FakeService):
    """State: ``rooms`` (settings id -> stored room), ``calendars`` the token may write to."""

    def __init__(self, *, token: str = "ik-token", calendars: tuple[int, ...] = (72618,), user_id: int = 42,
                 answer: str = "full") -> None:
        self.token = token
        self.answer = answer
        self.calendars = set(calendars)
        self.user_id = user_id
        self.rooms: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1001)
        super().__init__()

    def build_app(self) -> Starlette:
        return Starlette(routes=[
            Route("/1/kmeet/rooms", self.plan, methods=["POST"]),
            Route("/1/kmeet/rooms/{room_id}/settings", self.settings, methods=["GET"]),
            Route("/api/pim/calendar", self.calendar_list, methods=["GET"]),
        ])

    def authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    async def calendar_list(self, request: Request) -> JSONResponse:
        if not self.authorised(request):
            return error(401, "not_authorized", "Unauthorized")
        calendars = [{"id": calendar, "name": f"Calendar {calendar}"} for calendar in sorted(self.calendars)]
        return JSONResponse({"result": "success", "data": {"calendars": calendars}})

    async def settings(self, request: Request) -> JSONResponse:
        if not self.authorised(request):
            return error(401, "not_authorized", "Unauthorized")
        room = self.rooms.get(int(request.path_params["room_id"])) if request.path_params["room_id"].isdigit() else None
        if room is None:
            return error(404, "not_found", "Not Found")
        return JSONResponse({"result": "success", "data": room})

    async def plan(self, request: Request) -> JSONResponse:
        if not self.authorised(request):
            return error(401, "not_authorized", "Unauthorized")
        if not request.headers.get("content-type", "").startswith("application/json"):
            return error(415, "unsupported_media_type", "Send application/json")
        try:
            body = await request.json()
        except ValueError:
            return error(400, "invalid_json", "Body is not JSON")
        problem = self.validate(body)
        if problem is not None:
            return problem
        if body["calendar_id"] not in self.calendars:
            return error(403, "not_authorized", "Forbidden")
        options = body["options"][0]
        room_id = next(self._ids)
        room = {
            "id": room_id, "name": secrets.token_hex(8), "code": f"{secrets.randbelow(10**9):09d}",
            "user_id": self.user_id, "event_id": room_id * 10, "calendar_id": body["calendar_id"],
            "created_at": "2026-11-21 08:00:00", "updated_at": "2026-11-21 08:00:00",
            "starting_at": body["starting_at"], "ending_at": body["ending_at"], "timezone": body["timezone"],
            "hostname": body["hostname"], "title": body["title"],
            "attendees": body.get("attendees", []),
            # Real answers never echo the password ("never displayed").
            "options": [{k: v for k, v in options.items() if k != "password"}],
        }
        self.rooms[room_id] = room
        return JSONResponse({"result": "success", "data": self.answered(room)})

    def answered(self, room: dict[str, Any]) -> dict[str, Any]:
        if self.answer == "seed":  # seed 004's example response: these three keys only
            return {key: room[key] for key in ("ending_at", "hostname", "options")}
        if self.answer == "no-name":
            return {key: value for key, value in room.items() if key != "name"}
        return room

    def validate(self, body: Any) -> JSONResponse | None:
        if not isinstance(body, dict):
            return invalid("body", "The body must be an object")
        for field in REQUIRED:
            if field not in body:
                return invalid(field, f"The {field} field is required.")
        if not isinstance(body["calendar_id"], int):
            return invalid("calendar_id", "The calendar id must be an integer.")
        for field in ("starting_at", "ending_at"):
            try:
                datetime.strptime(body[field], "%Y-%m-%d %H:%M:%S")
            except (TypeError, ValueError):
                return invalid(field, f"The {field} does not match the format Y-m-d H:i:s.")
        try:
            ZoneInfo(body["timezone"])
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            return invalid("timezone", "The timezone must be a valid zone.")
        if body["ending_at"] < body["starting_at"]:
            return invalid("ending_at", "The ending at must be a date after or equal to starting at.")
        if not isinstance(body["title"], str) or not 1 <= len(body["title"]) <= 150:
            return invalid("title", "The title must be between 1 and 150 characters.")
        if len(str(body["hostname"])) > 255:
            return invalid("hostname", "The hostname may not be greater than 255 characters.")
        if len(str(body.get("description", ""))) > 2000:
            return invalid("description", "The description may not be greater than 2000 characters.")
        attendees = body.get("attendees", [])
        if not isinstance(attendees, list) or len(attendees) > 100:
            return invalid("attendees", "At most 100 attendees.")
        for attendee in attendees:
            if not isinstance(attendee, dict) or "address" not in attendee or attendee.get("state") not in STATES:
                return invalid("attendees", "Each attendee needs an address and a valid state.")
        if not isinstance(body["options"], list) or not body["options"]:
            return invalid("options", "The options must be an array of objects.")
        for options in body["options"]:
            problem = self.invalid_options(options)
            if problem is not None:
                return problem
        return None

    @staticmethod
    def invalid_options(options: Any) -> JSONResponse | None:
        if not isinstance(options, dict):
            return invalid("options", "The options must be an array of objects.")
        for field in REQUIRED_OPTIONS:
            if field not in options:
                return invalid(f"options.{field}", f"The options.{field} field is required.")
            if field != "subject" and not isinstance(options[field], bool):
                return invalid(f"options.{field}", f"The options.{field} field must be true or false.")
        if options["password_enabled"] and not options.get("password"):
            return invalid("options.password", "The password is required when password is enabled.")
        if options["enable_recording"] and not isinstance(options.get("drive_id"), int):
            return invalid("options.drive_id", "The drive id is required when recording is enabled.")
        return None
