"""Infomaniak kMeet: instant rooms (no HTTP at all) and planned conferences on a calendar.

    adapter = KMeetProvider(KMeetCredentials(), endpoints=Endpoints())
    room = await adapter.create_room(RoomRequest(title="Standup", start=now, end=later, timezone="UTC"))
    room.join_url   # "https://kmeet.infomaniak.com/<26 random characters>"

A planned conference (``options={"mode": "planned", "lobby": True}``) needs a token and a calendar id:
``POST /1/kmeet/rooms`` adds an event to the Infomaniak Calendar and returns the room name. The seed's
own example answer carries neither ``name`` nor ``id``: once the provider said "success" the room is
made, so create never fails afterwards (the link is built from ``hostname`` and the name, looked up
by id, or, with neither, points at the calendar event that carries it).
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import Field, SecretStr, field_validator, model_validator

from providers.adapter import HttpAdapter
from providers.base import (
    Capability,
    Credentials,
    Endpoints,
    Flag,
    MoveBy,
    OptionRule,
    ProviderOptions,
    Role,
    Room,
    RoomRequest,
)
from providers.errors import AuthFailed, NotConfigured, NotSupported, ProviderError, Rejected
from providers.http import error_for_status, read_json

SLUG = "kmeet"
log = logging.getLogger(__name__)
# Seed 004: calendar_id is "The unique identifier (ID) of the Infomaniak Calendar [...] Make a GET request
# on https://calendar.infomaniak.com/api/pim/calendar" — the one calendar call the document names.
CALENDAR_LIST_PATH = "/api/pim/calendar"
CALENDAR_HOST = "https://calendar.infomaniak.com"
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the API's "Y-m-d H:i:s", wall time in `timezone`
PLANNED_ONLY_OPTIONS = frozenset(
    {"calendar_id", "lobby", "password", "e2ee", "recording", "drive_id", "muted", "audio_only", "moderator_video"}
)


class KMeetCredentials(Credentials):
    """Optional: instant rooms need nothing; planned conferences need a token and a calendar id."""

    token: SecretStr | None = None
    calendar_id: int | None = None


class KMeetOptions(ProviderOptions):
    """An instant room takes no options; a planned conference (seed 004, ``POST /1/kmeet/rooms``) these.

        KMeetOptions(mode="planned", lobby=True).planned   # True
    """

    # The seed's limits on the request itself (title, description, attendees).
    title_max_length: ClassVar[int] = 150
    description_max_length: ClassVar[int] = 2000
    max_attendees: ClassVar[int] = 100

    mode: Literal["instant", "planned"] | None = Field(
        None, title="kMeet room", description="An instant room (a link) or a planned conference in the Infomaniak "
        "Calendar; planned options alone mean planned.",
        json_schema_extra={"labels": {"instant": "Instant room (a link, nothing to set up)",
                                      "planned": "Planned conference in the Infomaniak Calendar"}},
    )
    calendar_id: int | None = Field(
        None, title="Calendar id", description="The Infomaniak Calendar that gets the event; empty: the account's.",
    )
    password: SecretStr | None = Field(None, title="Password", description="People type it to join.")
    lobby: Flag = Field(False, title="Lobby", description="People wait in a lobby until a moderator lets them in.")
    e2ee: Flag = Field(False, title="Encryption", description="End-to-end encryption.")
    recording: Flag = Field(False, title="Recording", description="Allow recording to kDrive.")
    drive_id: int | None = Field(
        None, title="kDrive id", description="Needed for recording: the kDrive that keeps the recordings.",
    )
    muted: Flag = Field(False, title="Muted start", description="Everyone joins with the microphone off.")
    audio_only: Flag = Field(False, title="Audio only", description="Everyone joins without video.")
    moderator_video: Flag = Field(True, title="Moderator video", description="Moderators join with video on.")

    @field_validator("mode", mode="before")
    @classmethod
    def _mode_word(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower() or None
        return value

    @model_validator(mode="after")
    def _recording_needs_a_drive(self) -> KMeetOptions:
        if self.recording and self.drive_id is None:
            raise OptionRule("drive_id", "Recording a kMeet conference needs the kDrive id (`drive_id`).")
        return self

    @classmethod
    def from_room_details(cls, details: Mapping[str, Any]) -> dict[str, Any]:
        """A planned conference's details say it is one (``planned_room``); its other options are not kept there."""
        return {"mode": "planned"} if details.get("kind") == "planned" else {}

    @property
    def planned(self) -> bool:
        """A planned conference: asked for, or implied by an option only planned conferences have."""
        if self.mode is not None:
            return self.mode == "planned"
        return bool(self.model_fields_set & PLANNED_ONLY_OPTIONS)


def unguessable_room_name() -> str:
    """128 random bits as lowercase base32: Jitsi-based servers may lowercase room names."""
    return base64.b32encode(os.urandom(16)).decode().rstrip("=").lower()


class KMeetProvider(HttpAdapter[KMeetCredentials]):
    """Instant rooms are a URL on ``Endpoints.kmeet_host``; planned ones go through the API."""

    slug: ClassVar[str] = SLUG
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.INSTANT_ROOM, Capability.SCHEDULED_ROOM})
    credentials_model: ClassVar[type[Credentials]] = KMeetCredentials
    options_model: ClassVar[type[ProviderOptions]] = KMeetOptions

    def api_base(self) -> str:
        return self.endpoints.infomaniak

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.credentials.token is not None:
            headers["Authorization"] = f"Bearer {self.credentials.token.get_secret_value()}"
        return headers

    @property
    def host(self) -> str:
        return self.endpoints.kmeet_host

    def room_url(self, name: str, hostname: str | None = None) -> str:
        return f"https://{hostname or self.host}/{name}"

    def calendar_base(self) -> str:
        """The calendar API: its own host for the real API, else the same base (a fake or a proxy serves both)."""
        if self.endpoints.infomaniak_calendar is not None:
            return self.endpoints.infomaniak_calendar
        return CALENDAR_HOST if self.base_url == Endpoints().infomaniak else self.base_url

    async def verify(self) -> None:
        """Checks the token and that it may use the calendar, with the call seed 004 names for calendar ids.

        ``GET https://calendar.infomaniak.com/api/pim/calendar`` answers ``{"data": {"calendars": [...]}}``
        (the shape read by public client code calling it; the seed gives no response body). A calendar
        missing from that list is one this token cannot plan conferences in. Instant rooms need no token.
        """
        if self.credentials.token is None:
            return
        calendar = self.credentials.calendar_id
        response = await self.http("GET", self.calendar_base() + CALENDAR_LIST_PATH, idempotent=True)
        if response.status_code == 403 and calendar is not None:
            raise calendar_refused(calendar, status=403, raw=f"403 on {CALENDAR_LIST_PATH}")
        body = read_json(response, provider=SLUG) if response.content else {}
        if not (response.is_success and isinstance(body, dict) and body.get("result") == "success"):
            raise error_from(response, body)
        if calendar is not None and calendar not in calendar_ids(body.get("data")):
            raise calendar_refused(calendar, status=response.status_code, raw="calendar not listed for this token")

    async def create_room(self, request: RoomRequest) -> Room:
        options = KMeetOptions.parse(request.options, provider=SLUG)
        if options.planned:
            return await self.plan_conference(request, options)
        name = unguessable_room_name()
        return Room(provider=SLUG, room_id=name, join_url=self.room_url(name), starts_at=request.start,
                    ends_at=request.end, details={"kind": "instant"})

    async def plan_conference(self, request: RoomRequest, options: KMeetOptions | None = None) -> Room:
        """``POST /1/kmeet/rooms``: a calendar event carrying the room and its settings."""
        if self.credentials.token is None:
            raise NotConfigured(
                "Planned kMeet conferences need an Infomaniak token and calendar id, "
                "and this workspace has connected kMeet without them.",
                provider=SLUG,
            )
        options = options or KMeetOptions.parse(request.options, provider=SLUG)
        body = planned_conference_body(
            request, options, hostname=self.host, calendar_id=self.credentials.calendar_id
        )
        try:
            data = await self._call("POST", "/1/kmeet/rooms", idempotent=False, json=body)
        except AuthFailed as error:
            if error.status == 403:  # the token is good (401 otherwise) but not for this calendar
                raise calendar_refused(body["calendar_id"], status=403, raw=error.raw) from None
            raise
        return await self.planned_room(request, data if isinstance(data, dict) else {})

    async def planned_room(self, request: RoomRequest, data: dict[str, Any]) -> Room:
        """The created conference as a Room; never raises, as the calendar event already exists."""
        name = str(data.get("name") or "")
        room_id = str(data.get("id") or "")
        if not name and room_id:
            try:  # the OpenAPI return has the name; find it through the documented settings call
                found = await self.room_settings(room_id)
                name = str(found.get("name") or "") if isinstance(found, dict) else ""
            except ProviderError as error:
                log.warning("kMeet room %s made, but its settings could not be read: %s", room_id, error.raw)
        hostname = str(data.get("hostname") or self.host)
        details: dict[str, Any] = {"kind": "planned", "name": name or None, "code": data.get("code"),
                                   "event_id": data.get("event_id")}
        if name:
            join_url = self.room_url(name, hostname)
        else:  # seed 004: the event "on your Infomaniak Calendar [carries] the meeting url"
            log.warning("kMeet planned a conference but answered no room name; linking the calendar")
            join_url = CALENDAR_HOST
            details["link_note"] = "kMeet put the room link in the Infomaniak Calendar event."
        reference = room_id or name or str(data.get("event_id") or "") or f"planned-{unguessable_room_name()}"
        return Room(provider=SLUG, room_id=reference, join_url=join_url, starts_at=request.start,
                    ends_at=request.end, details=details)

    @classmethod
    def move_by(cls, room: Room) -> MoveBy:
        """An instant room is a link with no time at kMeet, so it moves as it is; a planned conference
        needs a new one (seed 004 has no call that changes a conference's dates)."""
        return MoveBy.NEW_ROOM if room.details.get("kind") == "planned" else MoveBy.RESCHEDULE

    async def reschedule_room(self, room: Room, request: RoomRequest) -> Room:
        """An instant room keeps its link: only the times we keep change (no HTTP, as for creating it)."""
        if self.move_by(room) is not MoveBy.RESCHEDULE:
            raise NotSupported("A planned kMeet conference cannot be moved through its API.", provider=SLUG)
        return Room(provider=SLUG, room_id=room.room_id, join_url=room.join_url, host_url=room.host_url,
                    starts_at=request.start, ends_at=request.end, details=dict(room.details))

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

    async def _call(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> Any:
        response = await self.http(method, path, idempotent=idempotent, **kwargs)
        body = read_json(response, provider=SLUG) if response.content else {}
        if response.is_success and isinstance(body, dict) and body.get("result") == "success":
            return body.get("data") or {}
        raise error_from(response, body)


def planned_conference_body(
    request: RoomRequest, options: KMeetOptions, *, hostname: str, calendar_id: int | None
) -> dict[str, Any]:
    """The JSON body for ``POST /1/kmeet/rooms``, validated the way the API document states."""
    calendar = options.calendar_id if options.calendar_id is not None else calendar_id
    if calendar is None:
        raise Rejected("A planned kMeet conference needs a numeric `calendar_id`.", provider=SLUG,
                       field="calendar_id")
    try:
        zone = ZoneInfo(request.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Rejected(f"`{request.timezone}` is not a time zone name.", provider=SLUG, field="timezone") from None
    _check_request(request)
    title = request.title.strip()
    password = options.password.get_secret_value() if options.password else ""
    room_options: dict[str, Any] = {
        "subject": title,
        "start_audio_muted": options.muted,
        "enable_recording": options.recording,
        "enable_moderator_video": options.moderator_video,
        "start_audio_only": options.audio_only,
        "lobby_enabled": options.lobby,
        "password_enabled": bool(password),
        "e2ee_enabled": options.e2ee,
    }
    if password:
        room_options["password"] = password
    if options.recording:
        room_options["drive_id"] = options.drive_id

    body: dict[str, Any] = {
        "calendar_id": calendar,
        "starting_at": local_time(request.start, zone),
        "ending_at": local_time(request.end, zone),
        "timezone": request.timezone,
        "hostname": hostname,
        "title": title,
        # Seed 004: "options required array of object", and its example sends `[ {...} ]`.
        "options": [room_options],
    }
    if request.description:
        body["description"] = request.description
    if request.invitee_emails:
        body["attendees"] = [{"address": email, "state": "NEEDS-ACTION"} for email in request.invitee_emails]
    return body


def _check_request(request: RoomRequest) -> None:
    """The seed's limits on the conference itself, kept on ``KMeetOptions`` so the form shares them."""
    if not 1 <= len(request.title.strip()) <= KMeetOptions.title_max_length:
        raise Rejected(f"The title must be 1 to {KMeetOptions.title_max_length} characters for kMeet.",
                       provider=SLUG, field="title")
    if request.description and len(request.description) > KMeetOptions.description_max_length:
        raise Rejected(f"The description must be at most {KMeetOptions.description_max_length} characters "
                       "for kMeet.", provider=SLUG, field="description")
    if len(request.invitee_emails) > KMeetOptions.max_attendees:
        raise Rejected(f"kMeet takes at most {KMeetOptions.max_attendees} attendees.", provider=SLUG,
                       field="attendees")


def calendar_ids(data: Any) -> set[int]:
    """The ids in the calendar list's ``data.calendars`` (ids as numbers or digit strings)."""
    calendars = data.get("calendars") if isinstance(data, dict) else None
    ids: set[int] = set()
    for calendar in calendars if isinstance(calendars, list) else []:
        value = calendar.get("id") if isinstance(calendar, dict) else None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            ids.add(int(value))
    return ids


def calendar_refused(calendar: int, *, status: int | None, raw: str | None) -> Rejected:
    """The token works but may not plan in this calendar: said about the calendar, not the key."""
    sentence = (
        f"kMeet cannot add conferences to Infomaniak Calendar {calendar}: the token may not write to that "
        "calendar. Connect kMeet with the id of a calendar the token's account owns or may edit."
    )
    return Rejected(sentence, provider=SLUG, field="calendar_id", reason="the token may not write to it",
                    status=status, raw=raw)


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
