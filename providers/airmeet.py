"""Airmeet: virtual events with speakers, sessions, booths and attendance exports.

    adapter = AirmeetProvider(AirmeetCredentials(access_key=k, secret_key=s, region="eu"),
                              endpoints=Endpoints(), token_cache=account_cache)
    room = await adapter.create_room(RoomRequest(title="Town hall", start=s, end=e,
                                                 timezone="Europe/Zurich", host_email="host@example.com"))
    added = await adapter.add_speaker(room.room_id, name="Ada", email="ada@example.com")

Authentication is two-step (seed §3.2): ``POST /auth`` with the access and secret key returns a
token valid for 30 days, which every other call sends as ``X-Airmeet-Access-Token``. The token is
kept in the injected ``TokenCache`` (the caller stores it encrypted per account), reused until it
runs out, and refreshed once when Airmeet answers 412 (expired) — with one ``/auth`` at a time per
account, even across adapter instances, so a burst of Slack commands does not mint a token each.

Choices the seed leaves open (it shows no request payloads and no event link):
- Times of an event are sent in Unix milliseconds, as the seed states for duplication and as the
  session API takes them; ``sessionDuration`` is in minutes.
- The event's start/end/zone travel as ``timing: {startTime, endTime, timezone}`` (the seed's
  "timing - startTime, endTime, and timezone"); the access type as ``accessType`` and the event
  type as ``eventType`` (the seed names the values, not the fields). The seed lists no event
  types, so ``eventType`` is passed through for Airmeet to judge.
- A "token is bad" 400 (seed §4.1) is treated like the 412: the token is replaced once.
- ``Room.join_url`` is the public event page ``https://www.airmeet.com/e/<uuid>``: the create
  answer carries only ``uuid`` and the status. Airmeet gives no host link over the API.
- Airmeet has no event delete: ``delete_room`` raises ``NotSupported``; ``archive_event`` sets the
  ARCHIVE status instead.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import weakref
import zoneinfo
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Literal

import httpx
from pydantic import SecretStr

from providers.base import (
    CachedToken,
    Capability,
    Credentials,
    Endpoints,
    MemoryTokenCache,
    Role,
    Room,
    RoomRequest,
    TokenCache,
)
from providers.errors import (
    AuthFailed,
    NotFound,
    NotReady,
    NotSupported,
    ProviderError,
    Rejected,
    TokenExpired,
    Unavailable,
)
from providers.http import DEFAULT_POLICY, RetryPolicy, error_for_status, make_client, read_json, send

SLUG = "airmeet"

REGION_URLS: Mapping[str, str] = {
    "default": "https://api-gateway.airmeet.com/prod",  # Mumbai
    "eu": "https://api-gateway-prod.eu.airmeet.com/prod",
    "us": "https://api-gateway-prod.us.airmeet.com/prod",
}
EVENT_LINK = "https://www.airmeet.com/e/{uuid}"

TOKEN_LIFETIME = timedelta(days=30)
# Refresh a little early so a token does not run out between our check and Airmeet's.
TOKEN_MARGIN = timedelta(minutes=5)

ACCESS_TYPES = frozenset({"INVITED_ONLY", "WITH_VERIFIED_EMAIL", "WITHOUT_VERIFIED_EMAIL", "EMAIL_UNIQUE_LINK"})
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
# zoneinfo lists these too, but they are not canonical tz database names.
NOT_CANONICAL_ZONES = frozenset({"localtime", "posixrules", "Factory"})

CURSOR_PAGE_MAX = 50  # attendees, session/booth attendance, polls
EVENTS_PAGE_MAX = 500  # /airmeets
PARTICIPANTS_PAGE_MAX = 1000

ErrorFactory = Callable[[int, str], ProviderError]

DEFAULT_IMAGE_WARNING = (
    "Airmeet only takes .jpg, .jpeg or .png speaker pictures, so {email} gets the default "
    "profile image; it can be changed in the Airmeet dashboard."
)


class EventStatus(StrEnum):
    """The states ``update_status`` can move an event to (seed §4.4)."""

    ONGOING = "ONGOING"
    PAUSED = "PAUSED"
    FINISHED = "FINISHED"
    ARCHIVE = "ARCHIVE"


class AirmeetCredentials(Credentials):
    """An Airmeet key pair and the data centre of its community: ``AirmeetCredentials(access_key=..., secret_key=...)``."""

    access_key: SecretStr
    secret_key: SecretStr
    region: Literal["default", "eu", "us"] = "default"


@dataclass(frozen=True, kw_only=True)
class SpeakerAdded:
    """A speaker on an event; ``warnings`` says what Airmeet will not take as given (the picture)."""

    email: str
    status: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SessionCreated:
    """A created session; ``session_id`` is None when Airmeet's answer names none."""

    session_id: str | None
    raw: Mapping[str, Any]


# One refresh at a time per account. asyncio locks belong to one event loop, so the table is kept
# per loop (tests and worker threads each run their own) and forgets a loop once it is gone.
_REFRESH_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def refresh_lock(account: str) -> asyncio.Lock:
    """The lock every adapter of ``account`` (a key fingerprint) takes before calling ``/auth``."""
    locks = _REFRESH_LOCKS.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(account, asyncio.Lock())


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


def provider_message(response: httpx.Response) -> str:
    """Airmeet's own words: ``message``/``statusMessage``/``error`` of a JSON body, else the text."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(body, dict):
        for key in ("message", "statusMessage", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return str(body[key])
    return response.text[:500]


class AirmeetProvider:
    """The Airmeet adapter: ``AirmeetProvider(credentials, endpoints=Endpoints(), token_cache=cache)``."""

    slug: ClassVar[str] = SLUG
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.SCHEDULED_ROOM, Capability.LIST, Capability.REPORT}
    )
    credentials_model: ClassVar[type[Credentials]] = AirmeetCredentials

    def __init__(
        self,
        credentials: AirmeetCredentials,
        *,
        endpoints: Endpoints,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        token_cache: TokenCache | None = None,
    ) -> None:
        self.credentials = credentials
        self.base_url = endpoints.airmeet or REGION_URLS[credentials.region]
        self.policy = policy
        self.token_cache: TokenCache = token_cache if token_cache is not None else MemoryTokenCache()
        # A fingerprint, so the lock table never holds the key itself.
        self._account = hashlib.sha256(credentials.access_key.get_secret_value().encode()).hexdigest()
        self._client = make_client(
            base_url=self.base_url,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            transport=transport,
            timeout=policy.timeout,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    # ----------------------------------------------------------------- tokens

    async def verify(self) -> None:
        """``POST /auth`` with the key pair; raises ``AuthFailed`` when Airmeet refuses it."""
        async with refresh_lock(self._account):
            await self.token_cache.store(await self._authenticate())

    async def _authenticate(self) -> CachedToken:
        response = await send(
            self._client,
            "POST",
            "/auth",
            provider=SLUG,
            idempotent=True,  # minting a second token has no side effect
            policy=self.policy,
            headers={
                "X-Airmeet-Access-Key": self.credentials.access_key.get_secret_value(),
                "X-Airmeet-Secret-Key": self.credentials.secret_key.get_secret_value(),
            },
        )
        if response.status_code == 400:
            # "400 Bad Request - in case the request is missing a header or the supplied values are incorrect"
            raise AuthFailed(
                "Airmeet did not accept this workspace's access key and secret key. "
                "An admin can connect Airmeet again with `/meeting connect airmeet`.",
                provider=SLUG, status=400, raw=provider_message(response),
            )
        if response.status_code == 403:
            # "403 Forbidden - in case the keys are revoked (abuse prevention)"
            raise AuthFailed(
                "Airmeet has revoked this workspace's API keys. An admin needs a new key pair from the "
                "Airmeet dashboard (Integrations → API Access Key) and `/meeting connect airmeet`.",
                provider=SLUG, status=403, raw=provider_message(response),
            )
        if response.is_error:
            # "500 Internal Server Error - generic server error"
            raise error_for_status(response, provider=SLUG, message=provider_message(response))
        body = read_json(response, provider=SLUG)
        # The seed answers {"success": true, "data": {"label": "test", "token": ...}}; other
        # clients read a top-level {"token": ..., "label": ...}. Take either.
        holder = body.get("data") if isinstance(body, dict) and isinstance(body.get("data"), dict) else body
        token = holder.get("token") if isinstance(holder, dict) else None
        if not isinstance(token, str) or not token:
            raise Unavailable(provider=SLUG, status=response.status_code, raw=f"no token in /auth answer: {response.text[:200]!r}")
        return CachedToken(value=token, expires_at=datetime.now(UTC) + TOKEN_LIFETIME)

    async def _token(self) -> str:
        cached = await self.token_cache.load()
        if cached is not None and _fresh(cached):
            return cached.value
        return await self._refresh(stale=cached.value if cached else None)

    async def _refresh(self, *, stale: str | None) -> str:
        """A token other than ``stale``: whoever waited on the lock reuses the one just minted."""
        async with refresh_lock(self._account):
            cached = await self.token_cache.load()
            if cached is not None and cached.value != stale and _fresh(cached):
                return cached.value
            token = await self._authenticate()
            await self.token_cache.store(token)
            return token.value

    # ----------------------------------------------------------------- calls

    async def _call(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        errors: Mapping[int, ErrorFactory] | None = None,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """One API call with the token; refreshes it once on 412 (or a "bad token" 400) and retries."""
        token = await self._token()
        response = await self._send(method, path, token=token, idempotent=idempotent, json=json, params=params)
        if _token_refused(response):
            # Airmeet refused the token before acting, so even a create is safe to send again.
            token = await self._refresh(stale=token)
            response = await self._send(method, path, token=token, idempotent=idempotent, json=json, params=params)
            if _token_refused(response):
                # "412 Precondition Failed - the passed access token has expired"
                raise TokenExpired(provider=SLUG, status=response.status_code, raw=provider_message(response))
        if response.status_code == 202:
            raise NotReady(provider=SLUG, status=202, raw=provider_message(response))
        if response.is_error:
            raise self._error(response, errors or {})
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
        return await send(
            self._client, method, path, provider=SLUG, idempotent=idempotent, policy=self.policy, **kwargs
        )

    def _error(self, response: httpx.Response, errors: Mapping[int, ErrorFactory]) -> ProviderError:
        """The endpoint's own reading of a status (``errors``), else the shared one, with Airmeet's words."""
        status = response.status_code
        raw = provider_message(response)
        if status in errors:
            return errors[status](status, raw)
        if status == 401:
            # "401 Unauthorized - in case the passed token does not have permission for the passed community_id"
            return AuthFailed(
                "This workspace's Airmeet key belongs to another community than that event. "
                "Check the event id, or connect the community's own key with `/meeting connect airmeet`.",
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
        direction, cursor = ("before", before) if before is not None else ("after", after)
        seen: set[str] = set()
        while True:
            body = await self._call("GET", path, idempotent=True, params={"size": size, direction: cursor})
            rows = body.get("data") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise Unavailable(provider=SLUG, raw=f"no data list in {path} answer: {str(body)[:200]}")
            for row in rows:
                yield row
            cursors = body.get("cursors") or {}
            cursor = cursors.get(direction) if isinstance(cursors, dict) else None
            # Stop at the last page, and never loop on a cursor Airmeet hands back twice.
            if not rows or not cursor or cursor in seen:
                return
            seen.add(cursor)

    # ----------------------------------------------------------------- common interface

    async def create_room(self, request: RoomRequest) -> Room:
        """An Airmeet event for a meeting; ``host_email`` is required, options: short_desc, access_type, event_type."""
        if not request.host_email:
            raise Rejected(
                "Airmeet needs the host's e-mail (an Airmeet community member) to create an event.",
                provider=SLUG, field="host_email",
            )
        options = dict(request.options)
        unknown = set(options) - {"short_desc", "access_type", "event_type"}
        if unknown:
            raise Rejected(provider=SLUG, field=sorted(unknown)[0], reason="Airmeet has no such event option")
        return await self.create_event(
            host_email=request.host_email,
            name=request.title,
            short_desc=options.get("short_desc") or request.description or request.title,
            start=request.start,
            end=request.end,
            timezone=request.timezone,
            access_type=options.get("access_type"),
            event_type=options.get("event_type"),
        )

    async def delete_room(self, room_id: str) -> None:
        """Airmeet's API cannot delete an event; use ``archive_event`` to take it off the list."""
        raise NotSupported(
            "Airmeet cannot delete an event over its API. Archive it with `/airmeet archive` instead.",
            provider=SLUG,
        )

    async def personal_link(self, room: Room, *, email: str, name: str, role: Role) -> str:
        """Airmeet has no per-person link over its API: everyone gets the event page."""
        return room.join_url

    # ----------------------------------------------------------------- manage event (seed §4)

    async def create_event(
        self,
        *,
        host_email: str,
        name: str,
        short_desc: str,
        start: datetime,
        end: datetime,
        timezone: str,
        access_type: str | None = None,
        event_type: str | None = None,
    ) -> Room:
        """``POST /airmeet``: ``await adapter.create_event(host_email=h, name=n, short_desc=d, start=s, end=e, timezone=tz)``."""
        if not name.strip():
            raise Rejected(provider=SLUG, field="eventName", reason="the event needs a name")
        if not short_desc.strip():
            raise Rejected(provider=SLUG, field="shortDesc", reason="the event needs a short description")
        _check_tz(timezone, field="timezone")
        if start.tzinfo is None or end.tzinfo is None:
            raise Rejected(provider=SLUG, field="start", reason="start and end need a time zone")
        if end <= start:
            raise Rejected(provider=SLUG, field="end", reason="the end must come after the start")
        if access_type is not None and access_type not in ACCESS_TYPES:
            raise Rejected(
                provider=SLUG, field="access_type", reason=f"choose one of {', '.join(sorted(ACCESS_TYPES))}"
            )
        payload: dict[str, Any] = {
            "hostEmail": host_email,
            "eventName": name,
            "shortDesc": short_desc,
            "timing": {"startTime": unix_ms(start), "endTime": unix_ms(end), "timezone": timezone},
        }
        if access_type is not None:
            payload["accessType"] = access_type
        if event_type is not None:
            # The seed lists no event types, so the value is Airmeet's to judge.
            payload["eventType"] = event_type
        body = await self._call(
            "POST", "/airmeet", idempotent=False, json=payload,
            errors={400: _rejected()},
        )
        uuid = _required_str(body, "uuid", path="/airmeet")
        return Room(
            provider=SLUG,
            room_id=uuid,
            join_url=EVENT_LINK.format(uuid=uuid),
            starts_at=start,
            ends_at=end,
            details={"status": body.get("airmeet status") or body.get("status"), "timezone": timezone},
        )

    async def add_speaker(
        self,
        event_id: str,
        *,
        name: str,
        email: str,
        organisation: str | None = None,
        designation: str | None = None,
        image_url: str | None = None,
        bio: str | None = None,
        city: str | None = None,
        country: str | None = None,
    ) -> SpeakerAdded:
        """``POST /airmeet/{id}/speaker``; a picture that is not .jpg/.jpeg/.png is left out with a warning."""
        if not name.strip():
            raise Rejected(provider=SLUG, field="name", reason="the speaker needs a name")
        if not email.strip():
            raise Rejected(provider=SLUG, field="email", reason="the speaker needs an e-mail")
        warnings: list[str] = []
        if image_url is not None and not is_image_url(image_url):
            # Airmeet would silently use its default picture; dropping it makes that visible.
            warnings.append(DEFAULT_IMAGE_WARNING.format(email=email))
            image_url = None
        optional = {
            "organisation": organisation, "designation": designation, "imageUrl": image_url,
            "bio": bio, "city": city, "country": country,
        }
        payload = {"name": name, "email": email, **{k: v for k, v in optional.items() if v is not None}}
        body = await self._call(
            "POST", f"/airmeet/{event_id}/speaker", idempotent=False, json=payload,
            # "400 Bad Request - in case the speaker with the same name or email already exists"
            errors={400: _rejected(
                f"{email} (or a speaker named {name}) is already a speaker of that Airmeet event.", field="email",
            )},
        )
        return SpeakerAdded(email=str(body.get("email") or email), status=str(body.get("status", "")), warnings=tuple(warnings))

    async def create_session(
        self,
        event_id: str,
        *,
        title: str,
        start: datetime,
        duration_minutes: int,
        host_email: str,
        summary: str | None = None,
        speaker_emails: Sequence[str] = (),
        cohost_emails: Sequence[str] = (),
    ) -> SessionCreated:
        """``POST /airmeet/{id}/session`` (type HOSTING); speakers must be added to the event first."""
        if not title.strip():
            raise Rejected(provider=SLUG, field="sessionTitle", reason="the session needs a title")
        if start.tzinfo is None:
            raise Rejected(provider=SLUG, field="sessionStartTime", reason="the start needs a time zone")
        if duration_minutes <= 0:
            raise Rejected(provider=SLUG, field="sessionDuration", reason="the duration must be at least a minute")
        payload: dict[str, Any] = {
            "sessionTitle": title,
            "sessionStartTime": unix_ms(start),
            "sessionDuration": duration_minutes,
            "hostEmail": host_email,
            "type": "HOSTING",  # seed §5: "The session type should be HOSTING only."
        }
        if summary is not None:
            payload["sessionSummary"] = summary
        if speaker_emails:
            payload["speakerEmails"] = list(speaker_emails)
        if cohost_emails:
            payload["cohostEmails"] = list(cohost_emails)
        try:
            body = await self._call("POST", f"/airmeet/{event_id}/session", idempotent=False, json=payload)
        except Rejected as error:
            raise _session_rejection(error) from error
        session_id = next(
            (str(body[k]) for k in ("uid", "sessionId", "sessionid", "uuid") if isinstance(body, dict) and body.get(k)),
            None,
        )
        return SessionCreated(session_id=session_id, raw=body if isinstance(body, dict) else {})

    async def update_status(self, event_id: str, status: EventStatus | str) -> None:
        """``POST /airmeet/{id}/status``: start (ONGOING), pause, finish or archive an event."""
        try:
            wanted = EventStatus(str(status).upper())
        except ValueError:
            raise Rejected(
                provider=SLUG, field="status", reason=f"choose one of {', '.join(s.value for s in EventStatus)}"
            ) from None
        await self._call(
            "POST", f"/airmeet/{event_id}/status",
            idempotent=True,  # setting the same status twice changes nothing
            json={"status": wanted.value},
            # "400 Bad Request - in case the status does not exist"
            errors={400: _rejected(field="status", reason="Airmeet cannot move the event to that status")},
        )

    async def archive_event(self, event_id: str) -> None:
        """Archive an event (the closest Airmeet has to deleting one)."""
        await self.update_status(event_id, EventStatus.ARCHIVE)

    async def create_booth(
        self,
        event_id: str,
        *,
        name: str,
        exhibitors: Sequence[str] = (),
        tags: Sequence[str] = (),
    ) -> str:
        """``POST /airmeet/{id}/booths``; returns the booth uuid (logos are dashboard-only)."""
        if not name.strip():
            raise Rejected(provider=SLUG, field="name", reason="the booth needs a name")
        payload: dict[str, Any] = {"name": name}
        if exhibitors:
            payload["exhibitors"] = list(exhibitors)
        if tags:
            payload["tags"] = list(tags)
        body = await self._call(
            "POST", f"/airmeet/{event_id}/booths", idempotent=False, json=payload,
            errors={400: _rejected(field="name")},
        )
        return _required_str(body, "uuid", path="/booths")

    async def delete_session(self, event_id: str, session_id: str) -> None:
        """``DELETE /airmeet/{id}/session/{session_id}``; ``NotFound`` when either is unknown."""
        await self._call(
            "DELETE", f"/airmeet/{event_id}/session/{session_id}", idempotent=True,
            errors={400: _rejected(field="session_id")},
        )

    async def customize_landing_page(
        self,
        event_id: str,
        *,
        ambience: Literal["LIGHT", "DARK"] | None = None,
        layout: Literal["CLASSIC", "MODERN"] | None = None,
        highlight_color: str | None = None,
        button_text_color: str | None = None,
        image_url: str | None = None,
    ) -> None:
        """``PUT /airmeet/{id}/landing-page``: theme, layout, ``#rrggbb`` colours and one slide image."""
        if ambience is not None and ambience not in ("LIGHT", "DARK"):
            raise Rejected(provider=SLUG, field="ambience", reason="choose LIGHT or DARK")
        if layout is not None and layout not in ("CLASSIC", "MODERN"):
            raise Rejected(provider=SLUG, field="layout", reason="choose CLASSIC or MODERN")
        for field, colour in (("highlightColor", highlight_color), ("buttonTextColor", button_text_color)):
            if colour is not None and not HEX_COLOUR.fullmatch(colour):
                raise Rejected(provider=SLUG, field=field, reason="write the colour as # and six hex digits, e.g. #1a2b3c")
        if image_url is not None and not is_image_url(image_url):
            raise Rejected(provider=SLUG, field="imageUrl", reason="the image must be a .jpg, .jpeg or .png link")
        payload = {
            k: v
            for k, v in {
                "ambience": ambience, "layout": layout, "highlightColor": highlight_color,
                "buttonTextColor": button_text_color, "imageUrl": image_url,
            }.items()
            if v is not None
        }
        if not payload:
            raise Rejected(provider=SLUG, reason="say what to change on the landing page")
        await self._call(
            "PUT", f"/airmeet/{event_id}/landing-page", idempotent=True, json=payload,
            # "400 Bad Request - in case the payload is incorrect"
            errors={400: _rejected()},
        )

    async def duplicate_event(
        self, event_id: str, *, start: datetime, timezone: str, name: str | None = None
    ) -> Room:
        """``POST /airmeet/{id}/duplication``: a copy starting at ``start`` (sent in ms) in ``timezone``."""
        _check_tz(timezone, field="timezone")
        if start.tzinfo is None:
            raise Rejected(provider=SLUG, field="startTime", reason="the start needs a time zone")
        payload: dict[str, Any] = {"startTime": unix_ms(start), "timezone": timezone}
        if name is not None:
            payload["eventName"] = name
        body = await self._call(
            "POST", f"/airmeet/{event_id}/duplication", idempotent=False, json=payload,
            errors={400: _rejected()},
        )
        uuid = _required_str(body, "uuid", path="/duplication")
        return Room(provider=SLUG, room_id=uuid, join_url=EVENT_LINK.format(uuid=uuid), starts_at=start,
                    details={"duplicated_from": event_id, "timezone": timezone})

    async def add_attendee(
        self, event_id: str, *, email: str, first_name: str, last_name: str, send_invite: bool = True
    ) -> Mapping[str, Any]:
        """``POST /airmeet/{id}/attendee``: register one person (e-mail, first and last name are mandatory)."""
        for field, value in (("email", email), ("firstName", first_name), ("lastName", last_name)):
            if not value.strip():
                raise Rejected(provider=SLUG, field=field, reason="Airmeet requires it for a registration")
        payload = {"email": email, "firstName": first_name, "lastName": last_name, "sendEmailInvite": send_invite}
        body = await self._call(
            "POST", f"/airmeet/{event_id}/attendee", idempotent=False, json=payload,
            errors={400: _rejected(field="email")},
        )
        return body if isinstance(body, dict) else {}

    # ----------------------------------------------------------------- event details (reads)

    def list_events(
        self, *, page_size: int = EVENTS_PAGE_MAX, after: str | None = None, before: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeets``: the community's events that are not archived, page by page."""
        return self._pages("/airmeets", size=page_size, limit=EVENTS_PAGE_MAX, after=after, before=before)

    async def event_info(self, event_id: str) -> Mapping[str, Any]:
        """``GET /airmeet/{id}/info``: the event's name, ``sessions`` and ``session_hosts``."""
        body = await self._call("GET", f"/airmeet/{event_id}/info", idempotent=True)
        return body if isinstance(body, dict) else {}

    async def participants(
        self,
        event_id: str,
        *,
        sorting_key: Literal["name", "email", "registrationDate"] = "registrationDate",
        sorting_direction: Literal["ASC", "DESC"] = "DESC",
        page_size: int = PARTICIPANTS_PAGE_MAX,
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeet/{id}/participants``: registrations, paged by page number up to ``totalUserCount``."""
        if not 1 <= page_size <= PARTICIPANTS_PAGE_MAX:
            raise Rejected(provider=SLUG, field="resultSize", reason=f"pages hold 1 to {PARTICIPANTS_PAGE_MAX} people")
        page, seen = 1, 0
        while True:
            body = await self._call(
                "GET", f"/airmeet/{event_id}/participants", idempotent=True,
                params={"pageNumber": page, "resultSize": page_size,
                        "sortingKey": sorting_key, "sortingDirection": sorting_direction},
            )
            rows = body.get("participants") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise Unavailable(provider=SLUG, raw=f"no participants list: {str(body)[:200]}")
            for row in rows:
                yield row
            seen += len(rows)
            if not rows or seen >= int(body.get("totalUserCount") or 0):
                return
            page += 1

    def attendees(
        self, event_id: str, *, page_size: int = CURSOR_PAGE_MAX, after: str | None = None, before: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeet/{id}/attendees``; ``NotReady`` while Airmeet prepares the export."""
        return self._pages(f"/airmeet/{event_id}/attendees", size=page_size, limit=CURSOR_PAGE_MAX, after=after, before=before)

    def session_attendees(
        self, session_id: str, *, page_size: int = CURSOR_PAGE_MAX, after: str | None = None, before: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /session/{id}/attendees`` (finished sessions only); ``NotReady`` while it is prepared."""
        return self._pages(f"/session/{session_id}/attendees", size=page_size, limit=CURSOR_PAGE_MAX, after=after, before=before)

    async def booths(self, event_id: str) -> list[dict[str, Any]]:
        """``GET /airmeet/{id}/booths``."""
        body = await self._call("GET", f"/airmeet/{event_id}/booths", idempotent=True)
        return list(body.get("booths") or []) if isinstance(body, dict) else []

    def booth_attendees(
        self, event_id: str, booth_id: str, *, page_size: int = CURSOR_PAGE_MAX,
        after: str | None = None, before: str | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeet/{id}/booth/{booth_id}/booth-attendance``; ``NotReady`` while it is prepared."""
        return self._pages(
            f"/airmeet/{event_id}/booth/{booth_id}/booth-attendance",
            size=page_size, limit=CURSOR_PAGE_MAX, after=after, before=before,
        )

    def poll_responses(
        self, event_id: str, *, page_size: int = CURSOR_PAGE_MAX, after: str | None = None, before: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeet/{id}/polls``: one row per person, with their ``polls`` answers."""
        return self._pages(f"/airmeet/{event_id}/polls", size=page_size, limit=CURSOR_PAGE_MAX, after=after, before=before)

    async def questions(self, event_id: str) -> list[dict[str, Any]]:
        """``GET /airmeet/{id}/questions``: one row per person, with the ``questions`` they asked."""
        body = await self._call("GET", f"/airmeet/{event_id}/questions", idempotent=True)
        rows = body.get("data") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise Unavailable(provider=SLUG, raw=f"no questions list: {str(body)[:200]}")
        return rows


# --------------------------------------------------------------------- helpers


def _rejected(sentence: str | None = None, *, field: str | None = None, reason: str | None = None) -> ErrorFactory:
    """How an endpoint reads its 400: ``Rejected`` naming the field, Airmeet's words as the reason by default."""

    def build(status: int, raw: str) -> ProviderError:
        return Rejected(sentence, provider=SLUG, status=status, raw=raw, field=field, reason=reason or raw[:200] or None)

    return build


def _fresh(token: CachedToken) -> bool:
    return token.expires_at - TOKEN_MARGIN > datetime.now(UTC)


def _token_refused(response: httpx.Response) -> bool:
    """412 is Airmeet's "token expired"; a 400 naming the token is its "passed token is bad"."""
    if response.status_code == 412:
        return True
    return response.status_code == 400 and "token" in provider_message(response).lower()


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


def _session_rejection(error: Rejected) -> Rejected:
    """Name the field behind a refused session from Airmeet's message."""
    raw = error.raw or ""
    text = raw.lower()
    if "overlap" in text:
        # "400 Bad Request - in case there is already an overlapping session(same time)"
        return Rejected(
            "That Airmeet event already has a session at that time; pick another start.",
            provider=SLUG, status=error.status, field="sessionStartTime", raw=raw,
        )
    if "speaker" in text:
        # "Speakers should be added to the Airmeet before creating the session"
        return Rejected(
            "Add the speakers to the Airmeet event first (`/airmeet speaker`), then create the session.",
            provider=SLUG, status=error.status, field="speakerEmails", raw=raw,
        )
    if "team" in text or "host" in text:
        # "Team members should be added to the community before creating the session"
        return Rejected(
            "The session's host and co-hosts must be team members of the Airmeet community first.",
            provider=SLUG, status=error.status, field="hostEmail", raw=raw,
        )
    return Rejected(provider=SLUG, status=error.status, reason=raw or None, raw=raw)
