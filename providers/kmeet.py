"""Infomaniak kMeet: instant rooms (no HTTP at all) and planned conferences on a calendar.

    adapter = KMeetProvider(KMeetCredentials(), endpoints=Endpoints())
    room = await adapter.create_room(RoomRequest(title="Standup", start=now, end=later, timezone="UTC"))
    room.join_url   # "https://kmeet.infomaniak.com/<26 random characters>"

A planned conference (``options={"mode": "planned", "lobby": True}``) needs a token and a calendar id:
``POST /1/kmeet/rooms`` adds an event to the Infomaniak Calendar and returns the room name.
"""

from __future__ import annotations

import base64
import os
from datetime import datetime
from typing import Any, ClassVar
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
from providers.errors import AuthFailed, NotConfigured, NotSupported, ProviderError, Rejected
from providers.http import DEFAULT_POLICY, RetryPolicy, error_for_status, make_client, read_json, send

SLUG = "kmeet"
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the API's "Y-m-d H:i:s", wall time in `timezone`
PLANNED_ONLY_OPTIONS = frozenset(
    {"calendar_id", "lobby", "password", "e2ee", "recording", "drive_id", "muted", "audio_only", "moderator_video"}
)


class KMeetCredentials(Credentials):
    """Optional: instant rooms need nothing; planned conferences need a token and a calendar id."""

    token: SecretStr | None = None
    calendar_id: int | None = None


def unguessable_room_name() -> str:
    """128 random bits as lowercase base32: Jitsi-based servers may lowercase room names."""
    return base64.b32encode(os.urandom(16)).decode().rstrip("=").lower()


class KMeetProvider:
    """Instant rooms are a URL on ``Endpoints.kmeet_host``; planned ones go through the API."""

    slug: ClassVar[str] = SLUG
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.INSTANT_ROOM, Capability.SCHEDULED_ROOM})
    credentials_model: ClassVar[type[Credentials]] = KMeetCredentials

    def __init__(
        self,
        credentials: KMeetCredentials,
        *,
        endpoints: Endpoints,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        token_cache: TokenCache | None = None,
    ) -> None:
        self.credentials = credentials
        self.host = endpoints.kmeet_host
        self.policy = policy
        headers = {"Content-Type": "application/json"}
        if credentials.token is not None:
            headers["Authorization"] = f"Bearer {credentials.token.get_secret_value()}"
        self.client = make_client(
            base_url=endpoints.infomaniak, headers=headers, transport=transport, timeout=policy.timeout
        )

    def room_url(self, name: str, hostname: str | None = None) -> str:
        return f"https://{hostname or self.host}/{name}"

    async def verify(self) -> None:
        """Checks the token with ``GET /1/profile`` (any account's own profile); instant needs none."""
        if self.credentials.token is None:
            return
        await self._call("GET", "/1/profile", idempotent=True)

    async def create_room(self, request: RoomRequest) -> Room:
        if wants_planned(request.options):
            return await self.plan_conference(request)
        name = unguessable_room_name()
        return Room(provider=SLUG, room_id=name, join_url=self.room_url(name), starts_at=request.start,
                    ends_at=request.end, details={"kind": "instant"})

    async def plan_conference(self, request: RoomRequest) -> Room:
        """``POST /1/kmeet/rooms``: a calendar event carrying the room and its settings."""
        if self.credentials.token is None:
            raise NotConfigured(
                "Planned kMeet conferences need an Infomaniak token: an admin can run "
                "`/meeting connect kmeet token=… calendar_id=…`.",
                provider=SLUG,
            )
        body = planned_conference_body(request, hostname=self.host, calendar_id=self.credentials.calendar_id)
        data = await self._call("POST", "/1/kmeet/rooms", idempotent=False, json=body)
        name = str(data.get("name") or "")
        if not name:
            raise ProviderError(provider=SLUG, raw=f"planned room without a name: {data!r}")
        return Room(
            provider=SLUG,
            room_id=str(data.get("id", name)),
            join_url=self.room_url(name, data.get("hostname")),
            starts_at=request.start,
            ends_at=request.end,
            details={"kind": "planned", "name": name, "code": data.get("code"), "event_id": data.get("event_id")},
        )

    async def room_settings(self, room_id: str) -> dict[str, Any]:
        """``GET /1/kmeet/rooms/{room_id}/settings`` for a planned room."""
        return await self._call("GET", f"/1/kmeet/rooms/{room_id}/settings", idempotent=True)  # type: ignore[no-any-return]

    async def delete_room(self, room_id: str) -> None:
        raise NotSupported(
            "kMeet rooms cannot be deleted through its API; a planned one can be removed in the Infomaniak Calendar.",
            provider=SLUG,
        )

    async def personal_link(self, room: Room, *, email: str, name: str, role: Role) -> str:
        return room.join_url  # kMeet has one link for everyone

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _call(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> Any:
        response = await send(self.client, method, path, provider=SLUG, idempotent=idempotent,
                              policy=self.policy, **kwargs)
        body = read_json(response, provider=SLUG) if response.content else {}
        if response.is_success and isinstance(body, dict) and body.get("result") == "success":
            return body.get("data") or {}
        raise error_from(response, body)


def wants_planned(options: dict[str, Any] | Any) -> bool:
    mode = str(options.get("mode", "")).lower()
    if mode in ("instant", ""):
        return mode == "" and any(key in options for key in PLANNED_ONLY_OPTIONS)
    if mode == "planned":
        return True
    raise Rejected("kMeet `mode` is `instant` or `planned`.", provider=SLUG, field="mode")


def planned_conference_body(request: RoomRequest, *, hostname: str, calendar_id: int | None) -> dict[str, Any]:
    """The JSON body for ``POST /1/kmeet/rooms``, validated the way the API document states."""
    options = request.options
    calendar = options.get("calendar_id", calendar_id)
    try:
        calendar = int(calendar)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise Rejected("A planned kMeet conference needs a numeric `calendar_id`.", provider=SLUG,
                       field="calendar_id") from None
    try:
        zone = ZoneInfo(request.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Rejected(f"`{request.timezone}` is not a time zone name.", provider=SLUG, field="timezone") from None
    title = request.title.strip()
    if not 1 <= len(title) <= 150:
        raise Rejected("The title must be 1 to 150 characters for kMeet.", provider=SLUG, field="title")
    if request.description and len(request.description) > 2000:
        raise Rejected("The description must be at most 2000 characters for kMeet.", provider=SLUG,
                       field="description")
    if len(request.invitee_emails) > 100:
        raise Rejected("kMeet takes at most 100 attendees.", provider=SLUG, field="attendees")

    password = str(options.get("password") or "")
    recording = option_flag(options, "recording", provider=SLUG)
    room_options: dict[str, Any] = {
        "subject": title,
        "start_audio_muted": option_flag(options, "muted", provider=SLUG),
        "enable_recording": recording,
        "enable_moderator_video": option_flag(options, "moderator_video", provider=SLUG, default=True),
        "start_audio_only": option_flag(options, "audio_only", provider=SLUG),
        "lobby_enabled": option_flag(options, "lobby", provider=SLUG),
        "password_enabled": bool(password),
        "e2ee_enabled": option_flag(options, "e2ee", provider=SLUG),
    }
    if password:
        room_options["password"] = password
    if recording:
        if "drive_id" not in options:
            raise Rejected("Recording a kMeet conference needs the kDrive id (`drive_id`).", provider=SLUG,
                           field="drive_id")
        room_options["drive_id"] = int(options["drive_id"])

    body: dict[str, Any] = {
        "calendar_id": calendar,
        "starting_at": local_time(request.start, zone),
        "ending_at": local_time(request.end, zone),
        "timezone": request.timezone,
        "hostname": hostname,
        "title": title,
        # The seed (and its OpenAPI copy) shows `options` as an array holding one object, but the
        # client code that works against the real API sends one object. The API is PHP, where both
        # decode to an array; the per-key rules (options.lobby_enabled …) only match an object, and
        # the array form is what a doc generator prints for "object" — so we send the object.
        "options": room_options,
    }
    if request.description:
        body["description"] = request.description
    if request.invitee_emails:
        body["attendees"] = [{"address": email, "state": "NEEDS-ACTION"} for email in request.invitee_emails]
    return body


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(LOCAL_TIME_FORMAT)


def error_from(response: httpx.Response, body: Any) -> ProviderError:
    """Map the envelope ``{"result": "error", "error": {"code", "description", "errors"}}``."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code = str(error.get("code") or "")
    description = str(error.get("description") or "") or None
    raw = f"{response.status_code} {code}: {description}" if code else response.text[:500]
    # {"result":"error","error":{"code":"not_authorized","description":"Forbidden","errors":[]}}
    if code in ("not_authorized", "unauthorized", "invalid_token", "token_expired"):
        return AuthFailed(provider=SLUG, status=response.status_code, raw=raw)
    if response.status_code == 422 or code == "validation_failed":
        details = error.get("errors") or []
        field = None
        reason = description
        if details and isinstance(details[0], dict):
            context = details[0].get("context")
            field = context.get("attribute") if isinstance(context, dict) else None
            reason = details[0].get("description") or reason
        return Rejected(provider=SLUG, status=response.status_code, field=field, reason=reason, raw=raw)
    if response.is_success:  # 200 with result "error" or an unexpected envelope
        return ProviderError(provider=SLUG, status=response.status_code, raw=raw)
    return error_for_status(response, provider=SLUG, message=raw)
