"""What the ClickMeeting fake speaks: constants, the error body, PHP form parsing, the request it hands handlers."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse


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
# Read from seed 002 on its own, not imported from providers/clickmeeting/options.py: the fake must
# refuse what the seed refuses even when the adapter's reading of it is wrong.
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

