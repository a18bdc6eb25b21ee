"""Whereby: transient video rooms with separate host and viewer links (REST + JSON, bearer API key).

    adapter = WherebyProvider(WherebyCredentials(api_key=key), endpoints=Endpoints())
    room = await adapter.create_room(RoomRequest(title="Demo", start=start, end=end, timezone="UTC",
                                                 options={"viewer_mode": True}))
    room.join_url, room.host_url   # viewer link for the channel, host link for the host's DM

The API has one resource, ``/meetings`` (create, get, list with a cursor, delete). A room exists from
the moment it is created until an hour after its ``endDate``; Whereby ignores start dates, so a
"scheduled" meeting is a room created now that ends when the meeting ends. There are no per-person
links: a host gets ``hostRoomUrl``, everyone else ``roomUrl`` (or ``viewerRoomUrl`` in viewer mode).

Errors, with the answers the OpenAPI file documents (it defines a body only for 429):
    401 "Access token is missing or invalid"   -> AuthFailed
    403 "Not allowed to perform action"        -> AuthFailed (the key lacks the right, or the plan)
    404 "The requested resource doesn't exist" -> NotFound (on delete: already gone, not an error)
    429 {"error": "Rate limit active for throttle key: organization:1", "data": {"msLeft": 38689}}
                                               -> RateLimited(retry_after=msLeft / 1000)
    400/422 (validation; body not documented)  -> Rejected
    5xx                                        -> Unavailable
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
from pydantic import Field, SecretStr, field_validator, model_validator

from providers.adapter import HttpAdapter
from providers.base import (
    Capability,
    Credentials,
    Flag,
    MoveBy,
    OptionRule,
    ProviderOptions,
    Role,
    Room,
    RoomRequest,
)
from providers.errors import AuthFailed, ProviderError, Rejected, Unavailable
from providers.http import error_for_status, read_json, retry_after_seconds
from providers.paging import Page, items, pages

SLUG = "whereby"
MAX_PAGE_SIZE = 100  # GET /meetings `limit`: 1..100, default 50
DEFAULT_PAGE_SIZE = 50
EXTRA_FIELDS = ("hostRoomUrl", "viewerRoomUrl")  # the spec's `Fields` enum: always ask for both
# Seed 001: the prefix "should be lowercase, and spaces will be automatically removed. 39 character max",
# example "example-prefix". whereby_openapi.json: maxLength 39 and the pattern `[a-z0-9]{0,39}`, which a
# JSON Schema matches unanchored (any string holds it). So we lowercase, remove spaces, and send lowercase
# letters, digits and hyphens (the seed's example), 39 at most: the room name ends up in a URL path.
ROOM_NAME_PREFIX = re.compile(r"[a-z0-9-]{0,39}")
# Whereby's body field -> the name our callers use, so a server-side 400 names the same field
# a local check would have named.
CALLER_FIELD = {
    "endDate": "end",
    "isLocked": "is_locked",
    "roomMode": "room_mode",
    "roomNamePrefix": "room_name_prefix",
    "roomNamePattern": "room_name_pattern",
    "templateType": "viewer_mode",
}


class RoomMode(StrEnum):
    """``normal`` suits up to 4 participants, ``group`` more."""

    NORMAL = "normal"
    GROUP = "group"


class RoomNamePattern(StrEnum):
    """``uuid`` (8-4-4-4-12) or ``human-short`` (six distinguishable characters)."""

    UUID = "uuid"
    HUMAN_SHORT = "human-short"


class WherebyCredentials(Credentials):
    """The organisation's API key: ``WherebyCredentials(api_key="eyJ...")``."""

    api_key: SecretStr = Field(min_length=1)


class WherebyOptions(ProviderOptions):
    """What a Whereby room may set (seed 001, ``POST /meetings``): ``WherebyOptions(room_mode="group")``."""

    room_mode: RoomMode | None = Field(
        None, title="Room size", description="Normal suits up to 4 people, Group more.",
        json_schema_extra={"labels": {"normal": "Normal (up to 4 people)", "group": "Group (more people)"}},
    )
    is_locked: Flag | None = Field(
        None, title="Lock", description="Locked: people knock and a host lets them in.",
    )
    viewer_mode: Flag = Field(
        False, title="Viewer mode",
        description="The channel link can watch but not speak (a locked group room).",
    )
    room_name_prefix: str | None = Field(
        None, title="Room name prefix", pattern=f"^{ROOM_NAME_PREFIX.pattern}$",
        description="Letters, digits and hyphens, 39 at most (lowercased, spaces removed), e.g. team-standup.",
    )
    room_name_pattern: RoomNamePattern | None = Field(
        None, title="Room name pattern", description="uuid (the default) or human-short (six characters).",
    )

    @field_validator("room_mode", "room_name_pattern", mode="before")
    @classmethod
    def _lowercase(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("room_name_prefix", mode="before")
    @classmethod
    def _lowercase_without_spaces(cls, value: Any) -> Any:
        # Seed 001: "should be lowercase, and spaces will be automatically removed": we do both before sending.
        return value.replace(" ", "").lower() if isinstance(value, str) else value

    @classmethod
    def from_room_details(cls, details: Mapping[str, Any]) -> dict[str, Any]:
        """Viewer mode is the one option ``WherebyMeeting.to_room`` keeps in the details."""
        return {"viewer_mode": True} if details.get("viewerMode") else {}

    @model_validator(mode="after")
    def _viewer_mode_is_a_locked_group_room(self) -> WherebyOptions:
        # The seed: the viewerMode template makes the room "locked, roomMode set to group".
        if self.viewer_mode and self.room_mode is RoomMode.NORMAL:
            raise OptionRule("room_mode", "A Whereby viewer-mode room is always a `group` room; "
                             "leave out `room_mode` or set it to `group`.")
        if self.viewer_mode and self.is_locked is False:
            raise OptionRule("is_locked", "A Whereby viewer-mode room is always locked; "
                             "leave out `is_locked` or set it to yes.")
        return self


class MeetingSpec(WherebyOptions):
    """What ``POST /meetings`` should create: ``MeetingSpec(end=end, room_mode=RoomMode.GROUP)``.

    ``viewer_mode`` sends ``templateType: viewerMode`` (a locked group room with a viewer link).
    """

    end: datetime

    @classmethod
    def from_request(cls, request: RoomRequest) -> MeetingSpec:
        """Read a RoomRequest's end and options; ``Rejected`` names the option that is wrong."""
        options = WherebyOptions.parse(request.options, provider=SLUG)
        return cls(end=request.end, **options.model_dump(exclude_unset=True))

    def to_body(self, *, now: datetime) -> dict[str, Any]:
        """The JSON body, after the end-time checks the document states; raises ``Rejected`` before any request."""
        if self.end.tzinfo is None or self.end.utcoffset() is None:
            raise _rejected("end", "The end time needs a time zone.", reason="end time has no time zone")
        if self.end <= now:
            raise _rejected("end", "A Whereby room must end in the future.", reason="must be in the future")
        body: dict[str, Any] = {"endDate": format_date(self.end)}
        if self.is_locked is not None:
            body["isLocked"] = self.is_locked
        if self.room_mode is not None:
            body["roomMode"] = self.room_mode.value
        if self.room_name_prefix:
            body["roomNamePrefix"] = self.room_name_prefix
        if self.room_name_pattern is not None:
            body["roomNamePattern"] = self.room_name_pattern.value
        if self.viewer_mode:
            body["templateType"] = "viewerMode"
        body["fields"] = list(EXTRA_FIELDS)
        return body


@dataclass(frozen=True, kw_only=True)
class WherebyMeeting:
    """One meeting as Whereby returns it; ``host_room_url``/``viewer_room_url`` when asked for."""

    meeting_id: str
    room_url: str
    end_date: datetime
    start_date: datetime | None = None
    room_name: str | None = None
    host_room_url: str | None = None
    viewer_room_url: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> WherebyMeeting:
        """Parse a `Meeting` object; ``Unavailable`` when a required field is missing or unreadable."""
        if not isinstance(data, dict) or not all(
            isinstance(data.get(key), str) and data[key] for key in ("meetingId", "roomUrl", "endDate")
        ):
            raise Unavailable(provider=SLUG, raw=f"unexpected meeting: {str(data)[:300]}")
        return cls(
            meeting_id=data["meetingId"],
            room_url=data["roomUrl"],
            end_date=parse_date(data["endDate"]),
            start_date=parse_date(data["startDate"]) if data.get("startDate") else None,
            room_name=data.get("roomName"),
            host_room_url=data.get("hostRoomUrl"),
            viewer_room_url=data.get("viewerRoomUrl"),
        )

    def to_room(self, *, viewer_mode: bool = False, starts_at: datetime | None = None) -> Room:
        """The common Room: the channel gets the viewer link in viewer mode, else the room link."""
        join_url = self.viewer_room_url if viewer_mode and self.viewer_room_url else self.room_url
        return Room(
            provider=SLUG,
            room_id=self.meeting_id,
            join_url=join_url,
            host_url=self.host_room_url,
            starts_at=starts_at or self.start_date,
            ends_at=self.end_date,
            details={
                "meetingId": self.meeting_id,
                "roomUrl": self.room_url,
                "viewerRoomUrl": self.viewer_room_url,
                "roomName": self.room_name,
                "viewerMode": viewer_mode,
            },
        )


def format_date(moment: datetime) -> str:
    """``2025-05-12T17:42:49Z``: the API reads UTC by default; we always send UTC explicitly."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(text: str) -> datetime:
    """An RFC 3339 date-time from Whereby (always UTC); ``Unavailable`` if it is not one."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise Unavailable(provider=SLUG, raw=f"unreadable date: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ms_left_hint(response: httpx.Response) -> float | None:
    """Seconds to wait on a 429: the body's ``data.msLeft`` (ms), else the ``Retry-After`` header."""
    try:
        ms_left = response.json()["data"]["msLeft"]
    except (ValueError, KeyError, TypeError):
        ms_left = None
    if isinstance(ms_left, int | float) and not isinstance(ms_left, bool) and ms_left >= 0:
        return ms_left / 1000
    return retry_after_seconds(response)


def error_message(response: httpx.Response) -> str:
    """The provider's words: the ``error`` string of a JSON body, else the start of the text."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"]
    return response.text[:500]


def error_from(response: httpx.Response) -> ProviderError:
    """Map an error answer to the tree (see the table at the top of this module)."""
    raw = error_message(response)
    if response.status_code == 403:
        # "Not allowed to perform action": the key is valid but may not do this (plan or permissions).
        return AuthFailed(
            "Whereby does not allow this workspace's API key to do that; "
            "the Whereby plan or the key's rights may not cover it.",
            provider=SLUG, status=403, raw=raw,
        )
    if response.status_code in (400, 422):
        # Undocumented validation answer: keep its text and name the field when it mentions one.
        field = next((ours for theirs, ours in CALLER_FIELD.items() if theirs in raw), None)
        return Rejected(provider=SLUG, status=response.status_code, field=field, reason=raw, raw=raw)
    return error_for_status(response, provider=SLUG, message=raw, retry_after_hint=ms_left_hint)


def _rejected(field: str, sentence: str, *, reason: str) -> Rejected:
    return Rejected(sentence, provider=SLUG, field=field, reason=reason)


class WherebyProvider(HttpAdapter[WherebyCredentials]):
    """The Whereby adapter: ``await WherebyProvider(creds, endpoints=Endpoints()).create_room(request)``."""

    slug: ClassVar[str] = SLUG
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.SCHEDULED_ROOM, Capability.HOST_URL, Capability.VIEWER_URL, Capability.CANCEL, Capability.LIST}
    )
    credentials_model: ClassVar[type[Credentials]] = WherebyCredentials
    options_model: ClassVar[type[ProviderOptions]] = WherebyOptions

    def api_base(self) -> str:
        return self.endpoints.whereby

    def headers(self) -> dict[str, str]:
        # The API key is the bearer token itself: no session, so no token cache.
        return {"Authorization": f"Bearer {self.credentials.api_key.get_secret_value()}", **super().headers()}

    # -- the common part -------------------------------------------------------------------

    async def verify(self) -> None:
        """List one meeting: the cheapest call that needs a valid key (1 rate-limit point)."""
        await self._call("GET", "meetings", idempotent=True, params={"limit": 1})

    async def create_room(self, request: RoomRequest) -> Room:
        """Create a room ending at ``request.end``; ``starts_at`` keeps the planned start.

        Options: ``room_mode`` (normal|group), ``is_locked``, ``room_name_prefix`` ([a-z0-9-], 39 max),
        ``room_name_pattern`` (uuid|human-short), ``viewer_mode`` (join_url becomes the viewer link).
        """
        spec = MeetingSpec.from_request(request)
        meeting = await self.create_meeting(spec)
        return meeting.to_room(viewer_mode=spec.viewer_mode, starts_at=request.start)

    @classmethod
    def move_by(cls, room: Room) -> MoveBy:
        """The API has no call that changes a meeting's times (seed 001: create, get, list, delete): a new room."""
        return MoveBy.NEW_ROOM

    async def delete_room(self, room_id: str) -> None:
        """Delete the meeting; a meeting that is already gone is fine."""
        await self.delete_meeting(room_id)

    async def personal_link(self, room: Room, *, email: str, name: str, role: Role) -> str:
        """No per-person links at Whereby: hosts get the host link, presenters the room, listeners join_url."""
        if role is Role.HOST and room.host_url:
            return room.host_url
        if role is Role.PRESENTER:
            # In viewer mode join_url is the viewer link (no camera, no microphone); a presenter needs the room.
            return str(room.details.get("roomUrl") or room.join_url)
        return room.join_url

    # -- the /meetings resource -------------------------------------------------------------

    async def create_meeting(self, spec: MeetingSpec) -> WherebyMeeting:
        """``POST /meetings``, never retried once it may have reached Whereby (it has no idempotency key)."""
        body = spec.to_body(now=datetime.now(UTC))
        response = await self._call("POST", "meetings", idempotent=False, ok=(200, 201), json=body)
        return WherebyMeeting.from_json(read_json(response, provider=SLUG))

    async def get_meeting(self, meeting_id: str) -> WherebyMeeting:
        """``GET /meetings/{meetingId}`` with the host and viewer links; ``NotFound`` once it is gone."""
        response = await self._call(
            "GET", _meeting_path(meeting_id), idempotent=True, params={"fields": ",".join(EXTRA_FIELDS)}
        )
        return WherebyMeeting.from_json(read_json(response, provider=SLUG))

    async def list_meetings(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[WherebyMeeting]:
        """Every meeting, page by page: ``async for meeting in adapter.list_meetings(): ...``."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise _rejected("page_size", f"Whereby pages hold 1 to {MAX_PAGE_SIZE} meetings.",
                            reason=f"must be 1..{MAX_PAGE_SIZE}")
        params: dict[str, str | int] = {"limit": page_size, "fields": ",".join(EXTRA_FIELDS)}

        async def fetch(cursor: str | None) -> Page[Any, str]:
            query = params if cursor is None else {**params, "cursor": cursor}
            response = await self._call("GET", "meetings", idempotent=True, params=query)
            page = read_json(response, provider=SLUG)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise Unavailable(provider=SLUG, raw=f"unexpected page: {str(page)[:300]}")
            # The cursor is null (or absent) when there are no more results.
            return Page(page["results"], next=page.get("cursor") or None)

        async for item in items(pages(fetch, provider=SLUG, on_repeat="fail")):
            yield WherebyMeeting.from_json(item)

    async def delete_meeting(self, meeting_id: str) -> None:
        """``DELETE /meetings/{meetingId}``: idempotent at Whereby, so safe to retry; 404 means gone."""
        await self._call("DELETE", _meeting_path(meeting_id), idempotent=True, ok=(200, 204, 404))

    # -- plumbing -----------------------------------------------------------------------------

    async def _call(
        self, method: str, path: str, *, idempotent: bool, ok: tuple[int, ...] = (200,), **kwargs: Any
    ) -> httpx.Response:
        response = await self.http(method, path, idempotent=idempotent, retry_after_hint=ms_left_hint, **kwargs)
        if response.status_code not in ok:
            raise error_from(response)
        return response


def _meeting_path(meeting_id: str) -> str:
    # An empty id would turn "meetings/" into the list endpoint, and "." or ".." (dot segments, which
    # httpx and aiohttp resolve) into it or the API's root; quote so an id can never add a path.
    if meeting_id in ("", ".", ".."):
        raise _rejected("meeting_id", "That Whereby meeting has no usable id.",
                        reason="empty or dot-segment meeting id")
    return f"meetings/{quote(meeting_id, safe='')}"
