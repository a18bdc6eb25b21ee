"""ClickMeeting: meetings and webinars ("conferences") with per-person auto-login links.

    adapter = ClickMeetingProvider(ClickMeetingCredentials(api_key=key), endpoints=Endpoints())
    room = await adapter.create_room(RoomRequest(title="Demo", start=start, end=end, timezone="Europe/Warsaw"))
    link = await adapter.personal_link(room, email="ann@example.com", name="Ann", role=Role.HOST)

How the API is spoken (seed document 002 and the official DevZone clients):
- every request carries ``X-Api-Key``; the answer format is chosen by a path suffix, and we always
  ask for ``<path>.json`` as the official PHP/Python/Ruby clients do;
- request bodies are ``application/x-www-form-urlencoded`` with PHP ``http_build_query`` nesting
  (``settings[show_on_personal_page]=1``, ``attendees[][email]=a@b.c``): see ``php_form_pairs``;
- errors come back as ``{"code": 422, "name": "...", "errors": [{"name": field, "message": "..."}]}``.

``Room.join_url`` is the room's ``room_url`` (the participant link). A host link is personal at
ClickMeeting (an auto-login hash for one e-mail and role), so ``Room.host_url`` stays None and
``personal_link`` makes ``<room_url>?l=<hash>`` on demand.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any, ClassVar
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import SecretStr

from providers.base import (
    Capability,
    Credentials,
    Endpoints,
    Role,
    Room,
    RoomRequest,
    TokenCache,
    option_flag,
)
from providers.errors import (
    AuthFailed,
    NotFound,
    NotReady,
    NotSupported,
    ProviderError,
    Rejected,
    Unavailable,
)
from providers.http import DEFAULT_POLICY, RetryPolicy, error_for_status, make_client, read_json, send

SLUG = "clickmeeting"
PAGE_SIZE = 250  # "paging option with 250 items offset": a shorter page is the last one
MAX_TOKENS_PER_CALL = 1000  # "Up to 1000 tokens can be generated per single request"
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the seed's "YYYY-mm-dd H:i:s", wall time in `timezone`
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
CONFERENCE_STATUSES = ("active", "inactive")
REGISTRATION_STATUSES = ("all", "active")
INVITATION_TEMPLATES = ("basic", "advanced")
INVITATION_ROLES = ("listener", "presenter")  # the seed: "listener (default), presenter"
# Create fields a caller may pass through RoomRequest.options as they are (the seed's optional ones).
PASS_THROUGH_CREATE_OPTIONS = (
    "custom_room_url_name",
    "lobby_enabled",
    "lobby_description",
    "skin_id",
    "registration",
    "settings",
)


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


# --- Vocabulary ---------------------------------------------------------------------------------------


class ClickMeetingCredentials(Credentials):
    """The account's API key (ClickMeeting panel → Account settings → API)."""

    api_key: SecretStr


class RoomType(StrEnum):
    """``room_type``: ``RoomType("webinar")``."""

    MEETING = "meeting"
    WEBINAR = "webinar"


class AccessType(IntEnum):
    """Who may enter: 1 anyone with the link, 2 with the password, 3 with a single-use token."""

    OPEN = 1
    PASSWORD = 2
    TOKEN = 3


class ReportStatus(StrEnum):
    """Where a PDF report is: ``ReportStatus.parse("IN PROGRESS") is ReportStatus.IN_PROGRESS``."""

    NEW = "NEW"
    IN_PROGRESS = "IN_PROGRESS"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: Any) -> ReportStatus:
        """The seed's table says ``IN_PROGRESS``; its tip and real answers say ``IN PROGRESS``."""
        word = str(value or "").strip().upper().replace(" ", "_")
        return cls(word) if word in cls.__members__ else cls.UNKNOWN


def autologin_url(room_url: str, autologin_hash: str) -> str:
    """The seed's recipe ``<room_url>?l=<autologin_hash>``: ``autologin_url("https://a.b/r", "H")``."""
    separator = "&" if "?" in room_url else "?"
    return f"{room_url}{separator}l={quote(autologin_hash, safe='')}"


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 from the API (``2014-08-26T10:13:27+02:00``), or None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def duration_text(length: timedelta) -> str:
    """The seed's duration "in hours. Examples: 1:20, 0:20": ``duration_text(timedelta(minutes=80)) == "1:20"``."""
    minutes = -(-int(length.total_seconds()) // 60)  # round a started minute up
    return f"{minutes // 60}:{minutes % 60:02d}"


def room_from_conference(conference: Mapping[str, Any]) -> Room:
    """A generic Room from a conference object; hashes and presenter PINs stay out of ``details``."""
    details = {
        key: conference[key]
        for key in (
            "name",
            "name_url",
            "room_type",
            "access_type",
            "permanent_room",
            "status",
            "timezone",
            "embed_room_url",
            "room_pin",
            "phone_listener_pin",
            "registration_enabled",
        )
        if key in conference
    }
    return Room(
        provider=SLUG,
        room_id=str(conference["id"]),
        join_url=str(conference["room_url"]),
        host_url=None,
        starts_at=parse_time(conference.get("starts_at")),
        ends_at=parse_time(conference.get("ends_at")),
        details=details,
    )


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
            "ClickMeeting refused this for the connected account. An admin can check the ClickMeeting "
            "plan or connect another account with `/meeting connect clickmeeting`.",
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


# --- The adapter ----------------------------------------------------------------------------------------


class ClickMeetingProvider:
    """The ClickMeeting REST API (``/v1``); every endpoint of the seed is a public method."""

    slug: ClassVar[str] = SLUG
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.SCHEDULED_ROOM,
            Capability.INSTANT_ROOM,
            Capability.PERSONAL_LINK,
            Capability.CANCEL,
            Capability.LIST,
            Capability.REPORT,
        }
    )
    credentials_model: ClassVar[type[Credentials]] = ClickMeetingCredentials

    def __init__(
        self,
        credentials: ClickMeetingCredentials,
        *,
        endpoints: Endpoints,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        token_cache: TokenCache | None = None,  # unused: the API key is sent on every call
    ) -> None:
        self.policy = policy
        self.client = make_client(
            base_url=endpoints.clickmeeting.rstrip("/") + "/",
            headers={"X-Api-Key": credentials.api_key.get_secret_value(), "Accept": "application/json"},
            transport=transport,
            timeout=policy.timeout,
        )

    async def aclose(self) -> None:
        """Close the HTTP client: ``await adapter.aclose()``."""
        await self.client.aclose()

    # --- plumbing ---

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
        response = await send(
            self.client, method, f"{path}.json", provider=SLUG, idempotent=idempotent, policy=self.policy, **kwargs
        )
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

    # --- the common interface ---

    async def verify(self) -> None:
        """``GET /ping``; raises AuthFailed for a wrong key."""
        body = await self.ping()
        if body.get("ping") != "pong":
            raise Unavailable(provider=SLUG, raw=f"unexpected ping answer: {body}")

    async def create_room(self, request: RoomRequest) -> Room:
        """A conference for ``request``: ``options`` may set room_type, access_type, password, permanent_room.

        A permanent room (``permanent_room=True``) has no start or duration: the instant-room case.
        """
        conference = await self.create_conference(self._create_form(request))
        return room_from_conference(conference)

    def _create_form(self, request: RoomRequest) -> dict[str, Any]:
        options = request.options
        room_type = _choice(RoomType, options.get("room_type", RoomType.MEETING), field="room_type")
        access_type = _choice(
            AccessType, _int_or_text(options.get("access_type", AccessType.OPEN)), field="access_type"
        )
        permanent = option_flag(options, "permanent_room", provider=SLUG, default=False)
        password = options.get("password")
        if access_type is AccessType.PASSWORD and not password:
            raise Rejected(
                "A password-protected ClickMeeting room needs a password.", provider=SLUG, field="password"
            )
        try:
            zone = ZoneInfo(request.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise Rejected(provider=SLUG, field="timezone", reason=f"unknown time zone {request.timezone}") from None
        form: dict[str, Any] = {
            "name": request.title,
            "room_type": room_type,
            "permanent_room": permanent,
            "access_type": int(access_type),
            "timezone": request.timezone,
        }
        if not permanent:
            if request.end <= request.start:
                raise Rejected(provider=SLUG, field="end", reason="the meeting must end after it starts")
            form["starts_at"] = request.start.astimezone(zone).strftime(LOCAL_TIME_FORMAT)
            form["duration"] = duration_text(request.end - request.start)
        if password and access_type is AccessType.PASSWORD:
            form["password"] = str(password)
        if request.description:
            form["lobby_description"] = request.description
        for key in PASS_THROUGH_CREATE_OPTIONS:
            if key in options:
                form[key] = options[key]
        return form

    async def delete_room(self, room_id: str) -> None:
        """Delete the conference; one that is already gone (404) counts as deleted."""
        try:
            await self.delete_conference(room_id)
        except NotFound:
            return

    async def personal_link(
        self,
        room: Room,
        *,
        email: str,
        name: str,
        role: Role,
        password: str | None = None,
        token: str | None = None,
    ) -> str:
        """``<room_url>?l=<hash>`` for one person and role.

            link = await adapter.personal_link(room, email="ann@example.com", name="Ann", role=Role.HOST)

        A password room needs ``password`` (ClickMeeting never returns it). A token room spends one
        single-use access token per person: pass ``token`` or a fresh one is generated.
        """
        access_type = room.details.get("access_type")
        if access_type is None:
            access_type = (await self.get_conference(room.room_id)).get("access_type")
        if access_type == AccessType.PASSWORD and not password:
            raise Rejected(
                "This ClickMeeting room is password-protected; I need its password to make personal links.",
                provider=SLUG,
                field="password",
            )
        if access_type == AccessType.TOKEN and not token:
            token = (await self.generate_tokens(room.room_id, how_many=1))[0]["token"]
        hash_ = await self.autologin_hash(
            room.room_id,
            email=email,
            nickname=name,
            role=role,
            password=password if access_type == AccessType.PASSWORD else None,
            token=token if access_type == AccessType.TOKEN else None,
        )
        return autologin_url(room.join_url, hash_)

    # --- conferences ---

    async def conference_pages(self, status: str = "active") -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of up to 250 conferences: ``async for page in adapter.conference_pages("inactive")``.

        The seed documents ``?page=1..n`` for inactive rooms; the official clients send it for both
        lists. Should ClickMeeting ignore it and repeat a page, we stop instead of looping.
        """
        status = _choice_text(status, CONFERENCE_STATUSES, field="status")
        seen: set[Any] = set()
        page = 1
        while True:
            body = await self._get(f"conferences/{status}", params={"page": page})
            if not isinstance(body, list):
                raise Unavailable(provider=SLUG, raw=f"expected a list of conferences: {str(body)[:200]}")
            fresh = [c for c in body if c.get("id") not in seen]
            if not fresh:
                return
            seen.update(c.get("id") for c in fresh)
            yield fresh
            if len(body) < PAGE_SIZE:
                return
            page += 1

    async def rooms(self, status: str = "active") -> AsyncIterator[Room]:
        """Every conference as a Room: ``[room async for room in adapter.rooms()]``."""
        async for page in self.conference_pages(status):
            for conference in page:
                yield room_from_conference(conference)

    async def create_conference(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /conferences`` with the seed's fields (name, room_type, permanent_room, access_type, ...)."""
        body = await self._json("POST", "conferences", idempotent=False, form=fields)
        return dict(self._unwrap(body, "room"))

    async def get_conference(self, room_id: str | int) -> dict[str, Any]:
        """One conference object: ``(await adapter.get_conference(42))["room_url"]``."""
        body = await self._get(f"conferences/{room_id}")
        return dict(self._unwrap(body, "conference"))

    async def edit_conference(self, room_id: str | int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """``PUT /conferences/{id}``: ``await adapter.edit_conference(42, {"name": "New", "status": "inactive"})``.

        The seed: changing starts_at or duration needs permanent_room in the same call.
        """
        if ("starts_at" in changes or "duration" in changes) and "permanent_room" not in changes:
            raise Rejected(
                provider=SLUG, field="permanent_room", reason="send permanent_room with starts_at or duration"
            )
        # Setting the same values twice leaves the same room: safe to retry.
        body = await self._json("PUT", f"conferences/{room_id}", idempotent=True, form=changes)
        return dict(self._unwrap(body, "conference"))

    async def set_registration(
        self, room_id: str | int, *, enabled: bool, template: int | None = None
    ) -> dict[str, Any]:
        """Registration on/off and its template (1-3): ``await adapter.set_registration(42, enabled=True)``."""
        if template is not None and template not in (1, 2, 3):
            raise Rejected(provider=SLUG, field="template", reason="the registration template is 1, 2 or 3")
        return await self.edit_conference(room_id, {"registration": {"enabled": enabled, "template": template}})

    async def delete_conference(self, room_id: str | int) -> None:
        """``DELETE /conferences/{id}``; raises NotFound when it is already gone."""
        _expect_ok(await self._json("DELETE", f"conferences/{room_id}", idempotent=True))

    async def skins(self) -> list[dict[str, Any]]:
        """Room skins (id, name, thumbnail_url) for ``skin_id``: ``await adapter.skins()``."""
        return list(await self._get("conferences/skins"))

    # --- access tokens and auto-login ---

    async def generate_tokens(self, room_id: str | int, *, how_many: int) -> list[dict[str, Any]]:
        """New single-use tokens (1..1000 per call): ``await adapter.generate_tokens(42, how_many=5)``."""
        if not 1 <= how_many <= MAX_TOKENS_PER_CALL:
            raise Rejected(
                provider=SLUG, field="how_many", reason=f"ask for 1 to {MAX_TOKENS_PER_CALL} tokens at a time"
            )
        body = await self._json("POST", f"conferences/{room_id}/tokens", idempotent=False, form={"how_many": how_many})
        return list(self._unwrap(body, "access_tokens"))

    async def tokens(self, room_id: str | int) -> list[dict[str, Any]]:
        """Every token of a token room, with ``sent_to_email`` and ``first_use_date``: ``await adapter.tokens(42)``."""
        body = await self._get(f"conferences/{room_id}/tokens")
        return list(self._unwrap(body, "access_tokens"))

    async def autologin_hash(
        self,
        room_id: str | int,
        *,
        email: str,
        nickname: str,
        role: Role | str,
        password: str | None = None,
        token: str | None = None,
    ) -> str:
        """The hash for ``<room_url>?l=<hash>``; ``password`` for password rooms, ``token`` for token rooms."""
        role = _choice(Role, role, field="role")
        form = {"email": email, "nickname": nickname, "role": role, "password": password, "token": token}
        # Asking twice for the same person only yields another valid hash: safe to retry.
        body = await self._json("POST", f"conferences/{room_id}/room/autologin_hash", idempotent=True, form=form)
        return str(self._unwrap(body, "autologin_hash"))

    async def send_invitations(
        self,
        room_id: str | int,
        emails: Iterable[str],
        *,
        lang: str = "en",
        template: str | None = None,
        role: str | None = None,
    ) -> None:
        """E-mail invitations in ``lang``: ``await adapter.send_invitations(42, ["a@b.c"], role="presenter")``."""
        attendees = [{"email": email} for email in emails]
        if not attendees:
            raise Rejected(provider=SLUG, field="attendees", reason="name at least one e-mail address")
        if template is not None:
            template = _choice_text(template, INVITATION_TEMPLATES, field="template")
        if role is not None:
            role = _choice_text(str(role), INVITATION_ROLES, field="role")
        form = {"attendees": attendees, "template": template, "role": role}
        # Not retried after a 5xx: the e-mails may already be out.
        body = await self._json(
            "POST", f"conferences/{room_id}/invitation/email/{quote(lang, safe='')}", idempotent=False, form=form
        )
        _expect_ok(body)

    # --- sessions and reports ---

    async def sessions(self, room_id: str | int) -> list[dict[str, Any]]:
        """Past sessions of a room (id, dates, visitor counts): ``await adapter.sessions(42)``."""
        return list(await self._get(f"conferences/{room_id}/sessions"))

    async def session(self, room_id: str | int, session_id: str | int) -> dict[str, Any]:
        """One session with its ``attendees`` and per-language ``pdf`` state."""
        return dict(await self._get(f"conferences/{room_id}/sessions/{session_id}"))

    async def session_attendees(self, room_id: str | int, session_id: str | int) -> list[dict[str, Any]]:
        """Who attended, with role, device and rating: ``await adapter.session_attendees(42, 7)``."""
        return list(await self._get(f"conferences/{room_id}/sessions/{session_id}/attendees"))

    async def pdf_report_status(self, room_id: str | int, session_id: str | int, *, lang: str = "en") -> dict[str, Any]:
        """One ``generate-pdf/{lang}`` call: the first asks ClickMeeting to start, later ones report progress."""
        path = f"conferences/{room_id}/sessions/{session_id}/generate-pdf/{quote(lang, safe='')}"
        return dict(await self._get(path))

    async def pdf_report(
        self,
        room_id: str | int,
        session_id: str | int,
        *,
        lang: str = "en",
        max_attempts: int = 10,
        interval: float = 3.0,
        timeout: float = 60.0,
    ) -> str:
        """Poll until the PDF is FINISHED and return its URL: ``url = await adapter.pdf_report(42, 7)``.

        Stops after ``max_attempts`` checks or ``timeout`` seconds with ``NotReady`` (ask again later);
        a FAILED report raises ``Unavailable``.
        """
        deadline = time.monotonic() + timeout
        status = ReportStatus.UNKNOWN
        attempt = 0
        while attempt < max_attempts:
            attempt += 1
            body = await self.pdf_report_status(room_id, session_id, lang=lang)
            status = ReportStatus.parse(body.get("status"))
            if status is ReportStatus.FINISHED:
                if not body.get("url"):
                    raise Unavailable(provider=SLUG, raw=f"finished report without url: {body}")
                return str(body["url"])
            if status is ReportStatus.FAILED:
                raise Unavailable(
                    "ClickMeeting could not build that PDF report. Please try again later.",
                    provider=SLUG,
                    raw=json.dumps(body),
                )
            if attempt >= max_attempts or time.monotonic() + interval > deadline:
                break
            await self.policy.sleep(interval)
        raise NotReady(provider=SLUG, raw=f"PDF report still {status} after {attempt} checks")

    # --- contacts, time zones, phone gateways ---

    async def add_contact(
        self,
        *,
        email: str,
        firstname: str,
        lastname: str,
        phone: str | None = None,
        company: str | None = None,
        country: str | None = None,
    ) -> None:
        """Add or update (same e-mail) a contact: ``await adapter.add_contact(email=e, firstname=f, lastname=l)``."""
        form = {
            "email": email,
            "firstname": firstname,
            "lastname": lastname,
            "phone": phone,
            "company": company,
            "country": country,
        }
        # The seed: an existing e-mail is updated, so a repeat changes nothing.
        _expect_ok(await self._json("POST", "contacts", idempotent=True, form=form))

    async def time_zones(self, country: str | None = None) -> list[str]:
        """All time zone names, or one country's (ISO 3166 alpha-2): ``await adapter.time_zones("PL")``."""
        path = "time_zone_list" if country is None else f"time_zone_list/{quote(country.lower(), safe='')}"
        return [str(zone) for zone in await self._get(path)]

    async def phone_gateways(self) -> list[dict[str, Any]]:
        """Dial-in numbers (code, location, value, geo): ``await adapter.phone_gateways()``."""
        return list(await self._get("phone_gateways"))

    # --- registrations ---

    async def registrations(self, room_id: str | int, *, status: str = "all") -> list[dict[str, Any]]:
        """Registered participants, ``status`` all or active."""
        status = _choice_text(status, REGISTRATION_STATUSES, field="status")
        return list(await self._get(f"conferences/{room_id}/registrations/{status}"))

    async def session_registrations(
        self, room_id: str | int, session_id: str | int, *, status: str | None = None
    ) -> list[dict[str, Any]]:
        """Registrations of one session. The seed has no status here; the official clients add one."""
        path = f"conferences/{room_id}/sessions/{session_id}/registrations"
        if status is not None:
            path += "/" + _choice_text(status, REGISTRATION_STATUSES, field="status")
        return list(await self._get(path))

    async def register(
        self,
        room_id: str | int,
        *,
        first_name: str,
        last_name: str,
        email: str,
        confirmation_lang: str | None = None,
    ) -> dict[str, Any]:
        """Register one participant; the answer's ``url`` is their personal entry link.

        ``confirmation_lang`` turns on ClickMeeting's confirmation e-mail in that language.
        """
        form: dict[str, Any] = {"registration": {"1": first_name, "2": last_name, "3": email}}
        if confirmation_lang is not None:
            form["confirmation_email"] = {"enabled": True, "lang": confirmation_lang}
        body = await self._json("POST", f"conferences/{room_id}/registration", idempotent=False, form=form)
        _expect_ok(body)
        return dict(body)

    # --- file library ---

    async def files(self) -> list[dict[str, Any]]:
        """The account's file library: ``await adapter.files()``."""
        return list(await self._get("file-library"))

    async def room_files(self, room_id: str | int) -> list[dict[str, Any]]:
        """The files of one room: ``await adapter.room_files(42)``."""
        return list(await self._get(f"file-library/conferences/{room_id}"))

    async def upload_file(
        self,
        filename: str,
        content: bytes,
        *,
        room_id: str | int | None = None,
        content_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """Upload to the library (or one room's): multipart field ``uploaded``, as the seed's curl example."""
        path = "file-library" if room_id is None else f"file-library/conferences/{room_id}"
        body = await self._json(
            "POST", path, idempotent=False, files={"uploaded": (filename, content, content_type)}
        )
        return dict(body)

    async def file(self, file_id: str | int) -> dict[str, Any]:
        """One file's details (status, conversion, url): ``await adapter.file(1106)``."""
        return dict(await self._get(f"file-library/{file_id}"))

    async def delete_file(self, file_id: str | int) -> None:
        """Remove a file from the library: ``await adapter.delete_file(1106)``."""
        _expect_ok(await self._json("DELETE", f"file-library/{file_id}", idempotent=True))

    async def download_file(self, file_id: str | int) -> bytes:
        """The file's bytes (``GET file-library/{id}/download``)."""
        response = await self._request("GET", f"file-library/{file_id}/download", idempotent=True)
        return response.content

    # --- recordings ---

    async def recordings(self, room_id: str | int) -> list[dict[str, Any]]:
        """A room's recordings (id, duration, size, url): ``await adapter.recordings(42)``."""
        return list(await self._get(f"conferences/{room_id}/recordings"))

    async def delete_recording(self, room_id: str | int, recording_id: str | int) -> None:
        """Delete one recording: ``await adapter.delete_recording(42, 5126)``."""
        _expect_ok(await self._json("DELETE", f"conferences/{room_id}/recordings/{recording_id}", idempotent=True))

    async def delete_recordings(self, room_id: str | int) -> None:
        """Delete every recording of a room."""
        _expect_ok(await self._json("DELETE", f"conferences/{room_id}/recordings", idempotent=True))

    # --- chats and status ---

    async def chats(self) -> list[dict[str, Any]]:
        """Chat archives of all sessions (id is the session id): ``await adapter.chats()``."""
        return list(await self._get("chats"))

    async def chat(self, session_id: str | int) -> bytes:
        """One session's chat archive as ClickMeeting sends it (a zip file)."""
        response = await self._request("GET", f"chats/{session_id}", idempotent=True)
        return response.content

    async def ping(self) -> dict[str, Any]:
        """``{"ping": "pong"}`` when the API and the key work: ``await adapter.ping()``."""
        return dict(await self._get("ping"))


# --- small helpers ----------------------------------------------------------------------------------------


def _int_or_text(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


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
