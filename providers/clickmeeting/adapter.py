"""The ClickMeeting adapter: meetings and webinars ("conferences") with per-person auto-login links.

    adapter = ClickMeetingProvider(ClickMeetingCredentials(api_key=key), endpoints=Endpoints())
    room = await adapter.create_room(RoomRequest(title="Demo", start=start, end=end, timezone="Europe/Warsaw"))
    link = await adapter.personal_link(room, email="ann@example.com", name="Ann", role=Role.HOST)

``Room.join_url`` is the room's ``room_url`` (the participant link). A host link is personal at
ClickMeeting (an auto-login hash for one e-mail and role), so ``Room.host_url`` stays None and
``personal_link`` makes ``<room_url>?l=<hash>`` on demand. Every endpoint of the seed is a public
method, one module per resource family (conferences, tokens, sessions, reports, library, account).
"""

from __future__ import annotations

from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from providers.base import Capability, Credentials, MoveBy, ProviderOptions, Role, Room, RoomRequest
from providers.clickmeeting.account import AccountAPI
from providers.clickmeeting.client import SLUG, ClickMeetingCredentials
from providers.clickmeeting.conferences import ConferencesAPI, duration_text, room_from_conference
from providers.clickmeeting.library import LibraryAPI
from providers.clickmeeting.options import AccessType, ClickMeetingOptions
from providers.clickmeeting.reports import ReportsAPI
from providers.clickmeeting.sessions import SessionsAPI
from providers.clickmeeting.tokens import TokensAPI, autologin_url
from providers.errors import NotFound, Rejected, Unavailable

LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the seed's "YYYY-mm-dd H:i:s", wall time in `timezone`
# Create fields a caller may set through RoomRequest.options, sent as typed (the seed's optional ones).
PASS_THROUGH_CREATE_OPTIONS = ("custom_room_url_name", "lobby_enabled", "lobby_description", "skin_id")


class ClickMeetingProvider(ConferencesAPI, TokensAPI, SessionsAPI, ReportsAPI, LibraryAPI, AccountAPI):
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
    options_model: ClassVar[type[ProviderOptions]] = ClickMeetingOptions

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
        options = ClickMeetingOptions.parse(request.options, provider=SLUG)
        conference = await self.create_conference(self._create_form(request, options))
        return room_from_conference(conference)

    @classmethod
    def move_by(cls, room: Room) -> MoveBy:
        """Seed 002's room edit (``PUT /conferences/{id}``) changes ``starts_at`` and ``duration`` in place."""
        return MoveBy.RESCHEDULE

    async def reschedule_room(self, room: Room, request: RoomRequest) -> Room:
        """``PUT /conferences/{id}`` with the new start and duration. The seed: changing either needs
        ``permanent_room`` in the same call, so ``false`` goes along. A permanent room has no time at
        ClickMeeting (nothing to change there); its link stays."""
        if room.details.get("permanent_room"):
            return Room(provider=SLUG, room_id=room.room_id, join_url=room.join_url, starts_at=request.start,
                        ends_at=request.end, details=dict(room.details))
        conference = await self.edit_conference(room.room_id, self._schedule_form(request))
        return room_from_conference(conference)

    def _schedule_form(self, request: RoomRequest) -> dict[str, Any]:
        """The seed's ``starts_at`` (wall time in ``timezone``), ``duration`` (H:MM) and ``permanent_room=false``."""
        zone = _zone(request.timezone)
        if request.end <= request.start:
            raise Rejected(provider=SLUG, field="end", reason="the meeting must end after it starts")
        return {"permanent_room": False, "timezone": request.timezone,
                "starts_at": request.start.astimezone(zone).strftime(LOCAL_TIME_FORMAT),
                "duration": duration_text(request.end - request.start)}

    def _create_form(self, request: RoomRequest, options: ClickMeetingOptions) -> dict[str, Any]:
        _zone(request.timezone)
        form: dict[str, Any] = {
            "name": request.title,
            "room_type": options.room_type,
            "permanent_room": options.permanent_room,
            "access_type": int(options.access_type),
            "timezone": request.timezone,
        }
        if not options.permanent_room:
            form.update(self._schedule_form(request))
        if options.password is not None:
            form["password"] = options.password.get_secret_value()
        if request.description:
            form["lobby_description"] = request.description
        for key in PASS_THROUGH_CREATE_OPTIONS:
            if key in options.model_fields_set:
                form[key] = getattr(options, key)
        if (registration := options.registration_array()) is not None:
            form["registration"] = registration
        if (settings := options.settings_array()) is not None:
            form["settings"] = settings
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


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Rejected(provider=SLUG, field="timezone", reason=f"unknown time zone {name}") from None
