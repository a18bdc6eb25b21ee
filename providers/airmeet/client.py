"""Airmeet's HTTP plumbing: calls with the token, error mapping, and cursor-paged exports.

    body = await adapter._call("GET", f"/airmeet/{event_id}/info", idempotent=True)

Choices the seed leaves open (it shows no request payloads and no event link):
- Times are sent in Unix milliseconds, as the seed states for duplication and as the session API
  takes them; ``sessionDuration`` is in minutes.
- The token is replaced once on a 412 ("the passed access token has expired", every endpoint), and on
  a 400 that says the token is bad, but only on create and duplicate, the two endpoints whose 400
  the seed gives that meaning (§4.1, §4.8); elsewhere a 400 is a refused value.
- A 404 on create or duplicate names the *community* ("the supplied community_id param is
  invalid"), not an event: ``community_not_found`` says so.
- ``Room.join_url`` is the public event page ``https://www.airmeet.com/e/<uuid>``: the create
  answer carries only ``uuid`` and the status. Airmeet gives no host link over the API.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from providers.airmeet.auth import SLUG, AirmeetAuth, provider_message
from providers.errors import (
    AuthFailed,
    NotFound,
    NotReady,
    ProviderError,
    Rejected,
    TokenExpired,
    Unavailable,
)
from providers.http import error_for_status, read_json
from providers.paging import Page, items, pages

EVENT_LINK = "https://www.airmeet.com/e/{uuid}"
# zoneinfo lists these too, but they are not canonical tz database names.
NOT_CANONICAL_ZONES = frozenset({"localtime", "posixrules", "Factory"})
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")

CURSOR_PAGE_MAX = 50  # attendees, session/booth attendance, polls
EVENTS_PAGE_MAX = 500  # /airmeets
PARTICIPANTS_PAGE_MAX = 1000

ErrorFactory = Callable[[int, str], ProviderError]


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - NOT_CANONICAL_ZONES


def is_tz_name(name: str) -> bool:
    """True for a canonical tz database name such as ``"Asia/Kolkata"``."""
    return name in _zone_names()


def is_image_url(url: str) -> bool:
    """True when the URL ends in .jpg, .jpeg or .png, the only pictures Airmeet takes.

    The seed's rule is on the URL's ending, so ``photo.png?w=200`` does not pass: Airmeet would
    quietly use its default picture for it.
    """
    return url.strip().lower().endswith(IMAGE_SUFFIXES)


def unix_ms(moment: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime."""
    return int(moment.timestamp() * 1000)



class AirmeetClient(AirmeetAuth):
    """Every call goes through ``_call``: the token, one refresh on 412, Airmeet's errors read."""

    async def _call(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        errors: Mapping[int, ErrorFactory] | None = None,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        bad_token_400: bool = False,
        empty_ok: bool = False,
    ) -> Any:
        """One API call with the token; refreshes it once on 412 and retries.

        ``bad_token_400``: a 400 saying the token is bad refreshes too (create and duplicate only).
        ``empty_ok``: a 200 with no body is the answer (session create), read as None.
        """
        token = await self._token()
        response = await self._send(method, path, token=token, idempotent=idempotent, json=json, params=params)
        if _token_refused(response, bad_token_400=bad_token_400):
            # Airmeet refused the token before acting, so even a create is safe to send again.
            token = await self._refresh(stale=token)
            response = await self._send(method, path, token=token, idempotent=idempotent, json=json, params=params)
            if _token_refused(response, bad_token_400=bad_token_400):
                # "412 Precondition Failed - the passed access token has expired"
                raise TokenExpired(provider=SLUG, status=response.status_code, raw=provider_message(response))
        if response.status_code == 202:
            raise NotReady(provider=SLUG, status=202, raw=provider_message(response))
        if response.is_error:
            raise self._error(response, errors or {})
        if empty_ok and not response.content.strip():
            return None
        body = read_json(response, provider=SLUG)
        _raise_in_body_status(body)
        return body

    async def _send(
        self, method: str, path: str, *, token: str, idempotent: bool, json: Any, params: Mapping[str, Any] | None
    ) -> httpx.Response:
        kwargs: dict[str, Any] = {"headers": {"X-Airmeet-Access-Token": token}}
        if json is not None:
            kwargs["json"] = json
        if params:
            kwargs["params"] = {k: v for k, v in params.items() if v is not None}
        return await self.http(method, path, idempotent=idempotent, **kwargs)

    def _error(self, response: httpx.Response, errors: Mapping[int, ErrorFactory]) -> ProviderError:
        """The endpoint's own reading of a status (``errors``), else the shared one, with Airmeet's words."""
        status = response.status_code
        raw = provider_message(response)
        if status in errors:
            return errors[status](status, raw)
        if status == 401:
            # "401 Unauthorized - in case the passed token does not have permission for the passed community_id"
            return AuthFailed(
                "This workspace's Airmeet key belongs to another community than that event; "
                "check the event id, or use that community's own key.",
                provider=SLUG, status=401, raw=raw,
            )
        if status == 403:
            # "403 Forbidden - in case the keys are revoked (abuse prevention)"
            return AuthFailed(provider=SLUG, status=403, raw=raw)
        if status == 404:
            # "404 Not Found - in case the supplied airmeet_id param is invalid"
            return NotFound(
                "Airmeet does not know that event (or session); check the id.", provider=SLUG, status=404, raw=raw
            )
        # 400 "missing/incorrect values" -> Rejected; 429 -> RateLimited; 500 "generic server error" -> Unavailable.
        return error_for_status(response, provider=SLUG, message=raw)


    async def _pages(
        self,
        path: str,
        *,
        size: int,
        limit: int,
        after: str | None,
        before: str | None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Rows of a cursor-paged export, following ``after`` (or ``before`` backwards) to the end."""
        if not 1 <= size <= limit:
            raise Rejected(provider=SLUG, field="size", reason=f"Airmeet pages hold 1 to {limit} rows")
        if after is not None and before is not None:
            # Airmeet silently ignores `before` when both are sent; say so instead of guessing.
            raise Rejected(provider=SLUG, field="before", reason="use either an after or a before cursor, not both")
        direction, start = ("before", before) if before is not None else ("after", after)

        async def fetch(cursor: str | None) -> Page[dict[str, Any], str]:
            body = await self._call("GET", path, idempotent=True, params={"size": size, direction: cursor})
            rows = body.get("data") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise Unavailable(provider=SLUG, raw=f"no data list in {path} answer: {str(body)[:200]}")
            cursors = body.get("cursors") or {}
            following = cursors.get(direction) if isinstance(cursors, dict) else None
            # An empty page is the last, whatever cursor comes with it.
            return Page(rows, next=following if rows and following else None)

        # Never loop on a cursor Airmeet hands back twice: stop there, as at the last page.
        async for row in items(pages(fetch, provider=SLUG, first=start, on_repeat="stop")):
            yield row


# --------------------------------------------------------------------- helpers


def _rejected(sentence: str | None = None, *, field: str | None = None, reason: str | None = None) -> ErrorFactory:
    """How an endpoint reads its 400: ``Rejected`` naming the field, Airmeet's words as the reason by default."""

    def build(status: int, raw: str) -> ProviderError:
        return Rejected(sentence, provider=SLUG, status=status, raw=raw, field=field, reason=reason or raw[:200] or None)

    return build


# A 400 whose words say the access token itself is bad ("Invalid access token", "token is bad",
# "expired token"); a 400 that merely contains the word (an event named "Token economics") is not.
BAD_TOKEN = re.compile(
    r"\b(invalid|bad|expired|malformed|missing|wrong)\s+(access[ _-]?)?token\b"
    r"|\b(access[ _-]?)?token\s+(is\s+|has\s+)?(invalid|bad|expired|malformed|missing|wrong)\b",
    re.IGNORECASE,
)


def _token_refused(response: httpx.Response, *, bad_token_400: bool) -> bool:
    """412 is Airmeet's "token expired"; on create/duplicate a 400 saying so is "the passed token is bad"."""
    if response.status_code == 412:
        return True
    return bad_token_400 and response.status_code == 400 and bool(BAD_TOKEN.search(provider_message(response)))


def community_not_found(*, duplicate: bool = False) -> ErrorFactory:
    """The 404 of create and duplicate: "in case the supplied community_id param is invalid" (seed §4.1, §4.8)."""
    tail = " (or the event to copy is not in it)" if duplicate else ""
    sentence = (f"Airmeet does not find the community of this workspace's Airmeet key{tail}; check that the "
                "key and its region (default, eu or us) belong to that community.")

    def build(status: int, raw: str) -> ProviderError:
        return NotFound(sentence, provider=SLUG, status=status, raw=raw)

    return build


def _check_tz(name: str, *, field: str) -> None:
    if not is_tz_name(name):
        raise Rejected(
            provider=SLUG, field=field,
            reason=f"{name!r} is not a time zone name such as Europe/Zurich or Asia/Kolkata",
        )


def _required_str(body: Any, key: str, *, path: str) -> str:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value:
        raise Unavailable(provider=SLUG, raw=f"no {key} in {path} answer: {str(body)[:200]}")
    return value


# In-body answers of the export APIs, e.g.
# {"statusCode": 202, "statusMessage": "Preparing your results. Try after 5 minutes to get the updated results"}
# {"data": {}, "statusCode": 400, "statusMessage": "Session status is not valid"}
def _raise_in_body_status(body: Any) -> None:
    if not isinstance(body, dict) or "statusCode" not in body:
        return
    try:
        code = int(body["statusCode"])
    except (TypeError, ValueError):
        return
    if 200 <= code < 300 and code != 202:
        return
    message = str(body.get("statusMessage") or body.get("message") or "")
    if code == 202:
        raise NotReady(provider=SLUG, status=202, raw=message)
    if code == 404:
        raise NotFound(provider=SLUG, status=404, raw=message)
    if 400 <= code < 500:
        raise Rejected(provider=SLUG, status=code, reason=message or None, raw=message)
    raise Unavailable(provider=SLUG, status=code, raw=message)

