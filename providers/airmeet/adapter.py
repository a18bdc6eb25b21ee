"""The Airmeet adapter: virtual events with speakers, sessions, booths and attendance exports.

    adapter = AirmeetProvider(AirmeetCredentials(access_key=k, secret_key=s, region="eu"),
                              endpoints=Endpoints(), token_cache=account_cache)
    room = await adapter.create_room(RoomRequest(title="Town hall", start=s, end=e,
                                                 timezone="Europe/Zurich", host_email="host@example.com"))
    added = await adapter.add_speaker(room.room_id, name="Ada", email="ada@example.com")

Airmeet has no event delete: ``delete_room`` raises ``NotSupported``; ``archive_event`` sets the
ARCHIVE status instead. The event's start/end/zone travel as ``timing: {startTime, endTime,
timezone}`` (the seed's "timing - startTime, endTime, and timezone"); the access type as
``accessType`` and the event type as ``eventType`` (the seed names the values, not the fields).
"""

from __future__ import annotations

from typing import ClassVar

from providers.airmeet.attendees import AttendeesAPI
from providers.airmeet.auth import SLUG, AirmeetCredentials
from providers.airmeet.booths import BoothsAPI
from providers.airmeet.events import EventsAPI
from providers.airmeet.options import AirmeetOptions
from providers.airmeet.sessions import SessionsAPI
from providers.airmeet.speakers import SpeakersAPI
from providers.base import Capability, Credentials, ProviderOptions, Role, Room, RoomRequest
from providers.errors import NotSupported, Rejected


class AirmeetProvider(EventsAPI, SpeakersAPI, SessionsAPI, BoothsAPI, AttendeesAPI):
    """The Airmeet adapter: ``AirmeetProvider(credentials, endpoints=Endpoints(), token_cache=cache)``."""

    slug: ClassVar[str] = SLUG
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.SCHEDULED_ROOM, Capability.LIST, Capability.REPORT}
    )
    credentials_model: ClassVar[type[Credentials]] = AirmeetCredentials
    options_model: ClassVar[type[ProviderOptions]] = AirmeetOptions

    async def create_room(self, request: RoomRequest) -> Room:
        """An Airmeet event for a meeting; ``host_email`` is required, options: short_desc, access_type, event_type."""
        host_email = request.host_email or ""
        if AirmeetOptions.host_email_required and not host_email:
            raise Rejected(
                "Airmeet needs the host's e-mail (an Airmeet community member) to create an event.",
                provider=SLUG, field="host_email",
            )
        options = AirmeetOptions.parse(request.options, provider=SLUG)
        return await self.create_event(
            host_email=host_email,
            name=request.title,
            short_desc=options.short_desc or request.description or request.title,
            start=request.start,
            end=request.end,
            timezone=request.timezone,
            access_type=options.access_type,
            event_type=options.event_type,
        )

    async def delete_room(self, room_id: str) -> None:
        """Airmeet's API cannot delete an event; use ``archive_event`` to take it off the list."""
        raise NotSupported(
            "Airmeet cannot delete an event over its API; it can be archived instead.",
            provider=SLUG,
        )

    async def personal_link(self, room: Room, *, email: str, name: str, role: Role) -> str:
        """Airmeet has no per-person link over its API: everyone gets the event page."""
        return room.join_url

