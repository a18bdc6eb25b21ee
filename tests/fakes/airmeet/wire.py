"""What the Airmeet fake keeps and checks: events, the refusal, field checks, cursors."""

from __future__ import annotations

import base64
import math
import re
import uuid
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse


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


def _require_ms(value: int, name: str) -> None:
    # Any instant after 2001-09-09 is at least 10**12 ms; a seconds value is far below it.
    if value < 10**12:
        raise Refusal(400, f"{name} must be a unix timestamp in milliseconds")


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

