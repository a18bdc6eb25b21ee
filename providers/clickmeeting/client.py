"""ClickMeeting's HTTP plumbing: the API key, ``<path>.json``, PHP-style form bodies, error mapping.

    client = ClickMeetingClient(ClickMeetingCredentials(api_key=key), endpoints=Endpoints())
    body = await client._get("conferences/active")

How the API is spoken (seed document 002 and the official DevZone clients):
- every request carries ``X-Api-Key``; the answer format is chosen by a path suffix, and we always
  ask for ``<path>.json`` as the official PHP/Python/Ruby clients do;
- request bodies are ``application/x-www-form-urlencoded`` with PHP ``http_build_query`` nesting
  (``settings[show_on_personal_page]=1``, ``attendees[][email]=a@b.c``): see ``php_form_pairs``;
- errors come back as ``{"code": 422, "name": "...", "errors": [{"name": field, "message": "..."}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from pydantic import SecretStr

from providers.adapter import HttpAdapter
from providers.base import Credentials
from providers.errors import (
    AuthFailed,
    NotFound,
    NotSupported,
    ProviderError,
    Rejected,
    Unavailable,
)
from providers.http import error_for_status, read_json

SLUG = "clickmeeting"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class ClickMeetingCredentials(Credentials):
    """The account's API key (ClickMeeting panel → Account settings → API)."""

    api_key: SecretStr


# --- PHP-style form bodies ------------------------------------------------------------------------


def php_form_pairs(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten nested data as PHP's ``http_build_query`` names it: ``{"a": {"b": True}}`` -> ``[("a[b]", "1")]``.

    Booleans become ``1``/``0`` and None is left out (as PHP drops null). A list whose items each
    make one pair uses ``[]`` (``list[]=x``, ``attendees[][email]=a@b.c``, the form the seed shows).
    When an item makes several pairs, ``[]`` would be wrong: PHP starts a new element at every
    ``[]``, so ``a[][email]=x&a[][name]=y`` are two people. Such lists get explicit indices
    (``a[0][email]=x&a[0][name]=y``), which PHP reads back exactly.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        pairs.extend(_flatten(str(key), value))
    return pairs


def php_form_encode(data: Mapping[str, Any]) -> str:
    """The request body for ``data``: ``php_form_encode({"list": ["x"]}) == "list%5B%5D=x"``."""
    return urlencode(php_form_pairs(data))


def _flatten(prefix: str, value: Any) -> list[tuple[str, str]]:
    if value is None:
        return []
    if isinstance(value, bool):
        return [(prefix, "1" if value else "0")]
    if isinstance(value, str):  # before int: a StrEnum is a str
        return [(prefix, str(value))]
    if isinstance(value, int | float):
        return [(prefix, str(int(value)) if isinstance(value, int) else repr(value))]
    if isinstance(value, Mapping):
        return [pair for key, item in value.items() for pair in _flatten(f"{prefix}[{key}]", item)]
    if isinstance(value, Sequence):
        items = [_flatten("", item) for item in value]
        one_pair_each = all(len(item_pairs) <= 1 for item_pairs in items)
        return [
            (f"{prefix}[{'' if one_pair_each else index}]{suffix}", text)
            for index, item_pairs in enumerate(items)
            for suffix, text in item_pairs
        ]
    raise TypeError(f"cannot form-encode {type(value).__name__} at {prefix!r}")


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 from the API (``2014-08-26T10:13:27+02:00``), or None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# --- Errors ---------------------------------------------------------------------------------------------


def error_details(body: Any) -> tuple[str | None, str | None]:
    """(field, reason) from ``{"code", "name", "errors": [{"name", "message"}]}``; Nones when absent."""
    if not isinstance(body, Mapping):
        return None, None
    errors = [e for e in body.get("errors") or [] if isinstance(e, Mapping)]
    if not errors:
        name = body.get("name") or body.get("message")
        return None, str(name) if name else None
    # The Go client types `name` as interface{}: it may be a number or null, not only a field name.
    field = errors[0].get("name")
    field_text = None if field in (None, "") else str(field)
    if len(errors) == 1:
        return field_text, str(errors[0].get("message") or "") or None
    reasons = "; ".join(
        f"{e.get('name')}: {e.get('message')}" if e.get("name") else str(e.get("message")) for e in errors
    )
    return field_text, reasons


def clickmeeting_error(response: httpx.Response) -> ProviderError:
    """Map an error answer to the tree, keeping ClickMeeting's raw body as ``raw``.

    The codes are the PHP client's list (400, 401, 403, 404, 422, 500, 501) plus 504 from the brief.
    """
    status = response.status_code
    raw = response.text[:500]
    try:
        body = json.loads(response.text) if response.text else None
    except ValueError:
        body = None
    field, reason = error_details(body)
    if status in (400, 422):
        # {"code":422,"name":"Unprocessable Entity","errors":[{"name":"how_many","message":"..."}]}
        # 400 Bad Request: a malformed or missing parameter; 422: a value ClickMeeting refuses.
        return Rejected(provider=SLUG, status=status, field=field, reason=reason, raw=raw)
    if status == 401:
        # {"code":401,"name":"Unauthorized","errors":[...]}: a missing or wrong X-Api-Key.
        return AuthFailed(provider=SLUG, status=status, raw=raw)
    if status == 403:
        # 403 Forbidden: the key is known but this account may not do that (plan or API access).
        return AuthFailed(
            "ClickMeeting refused this for the connected account; "
            "its ClickMeeting plan may not include it.",
            provider=SLUG,
            status=status,
            raw=raw,
        )
    if status == 404:
        # {"code":404,"name":"Not Found",...}: the room, session, file or recording is gone.
        return NotFound(provider=SLUG, status=status, raw=raw)
    if status == 501:
        # 501 Not Implemented: ClickMeeting does not offer this call (for this account or format).
        return NotSupported(provider=SLUG, status=status, raw=raw)
    if status in (500, 502, 503, 504):
        # 500 Internal Server Error / 504 Gateway Timeout: their side; try again later.
        return Unavailable(provider=SLUG, status=status, raw=raw)
    return error_for_status(response, provider=SLUG, message=reason, field=field)


# --- The client ---------------------------------------------------------------------------------------


class ClickMeetingClient(HttpAdapter[ClickMeetingCredentials]):
    """The REST API (``/v1``) with its key and encodings; the resource modules add the endpoints."""

    def api_base(self) -> str:
        return self.endpoints.clickmeeting.rstrip("/") + "/"

    def headers(self) -> dict[str, str]:
        # The API key is sent on every call: no session, so no token cache.
        return {"X-Api-Key": self.credentials.api_key.get_secret_value(), **super().headers()}

    async def _request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        form: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """One call to ``<path>.json``; raises the mapped error for anything but 2xx."""
        kwargs: dict[str, Any] = {}
        if form is not None:
            kwargs["content"] = php_form_encode(form).encode()
            kwargs["headers"] = {"Content-Type": FORM_CONTENT_TYPE}
        if params:
            kwargs["params"] = dict(params)
        if files is not None:
            kwargs["files"] = dict(files)
        response = await self.http(method, f"{path}.json", idempotent=idempotent, **kwargs)
        if not response.is_success:
            raise clickmeeting_error(response)
        return response

    async def _json(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> Any:
        response = await self._request(method, path, idempotent=idempotent, **kwargs)
        return read_json(response, provider=SLUG)

    async def _get(self, path: str, **kwargs: Any) -> Any:
        return await self._json("GET", path, idempotent=True, **kwargs)

    def _unwrap(self, body: Any, key: str) -> Any:
        if not isinstance(body, Mapping) or key not in body:
            raise Unavailable(provider=SLUG, raw=f"expected {key!r} in answer: {str(body)[:200]}")
        return body[key]


# --- small helpers ----------------------------------------------------------------------------------------


def _choice(kind: Any, value: Any, *, field: str) -> Any:
    """``kind(value)`` or Rejected naming the allowed values."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in kind)
        raise Rejected(provider=SLUG, field=field, reason=f"{value!r} is not one of {allowed}") from None


def _choice_text(value: str, allowed: Sequence[str], *, field: str) -> str:
    if value not in allowed:
        raise Rejected(provider=SLUG, field=field, reason=f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _expect_ok(body: Any) -> None:
    """Calls that answer ``{"status": "OK"}`` (or ``STATUS``/``response``/``result``) succeeded."""
    if isinstance(body, Mapping):
        for key in ("status", "STATUS", "response", "result"):
            if str(body.get(key, "")).upper() == "OK":
                return
    raise Unavailable(provider=SLUG, raw=f"unexpected answer: {str(body)[:200]}")
