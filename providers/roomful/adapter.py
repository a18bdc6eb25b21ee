"""The Roomful adapter: a REST sign-in, then socket.io RPC for meetings, free time slots and availability.

    adapter = RoomfulProvider(RoomfulCredentials(email=e, password=p, network="acme"), endpoints=Endpoints())
    adapter.on_meeting_event(print)                      # meeting:onMeetingCreated/Updated/Deleted pushes
    room = await adapter.create_room(RoomRequest(..., options={"source_type": "room", "source_ids": [room_id]}))
    await adapter.aclose()

``Room.join_url`` is the meeting's room in Roomful's web app (see ``meeting_link``); there is no host
link, since Roomful rights come from the signed-in account, not from a URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from providers.base import Capability, Credentials, MoveBy, ProviderOptions, Role, Room, RoomRequest
from providers.errors import NotFound, Rejected, Unavailable
from providers.roomful.availability import AvailabilityAPI
from providers.roomful.client import RoomfulCredentials
from providers.roomful.meetings import MeetingsAPI
from providers.roomful.models import SLUG, RoomfulMeeting
from providers.roomful.options import RoomfulOptions
from providers.roomful.slots import SlotsAPI


class RoomfulProvider(MeetingsAPI, SlotsAPI, AvailabilityAPI):
    """Roomful adapter: ``RoomfulProvider(creds, endpoints=Endpoints(roomful=url), policy=RetryPolicy())``.

    One socket per adapter, opened on first use and re-opened with backoff when it drops. Public
    methods cover every current RPC of the meeting API; ``on_meeting_event`` receives its pushes.
    """

    slug: ClassVar[str] = SLUG
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.SCHEDULED_ROOM, Capability.CANCEL, Capability.LIST, Capability.PUSH_EVENTS}
    )
    credentials_model: ClassVar[type[Credentials]] = RoomfulCredentials
    options_model: ClassVar[type[ProviderOptions]] = RoomfulOptions

    async def verify(self) -> None:
        """Sign in afresh and wait until Roomful accepts the session (``user_info``)."""
        async with self._connect_lock:
            await self._open(fresh_sign_in=True)

    async def create_room(self, request: RoomRequest) -> Room:
        """``meeting:createMeeting``. Options: source_type, source_ids, invited_user_ids, color (#RRGGBB).

        ``invitee_emails`` are not sent: Roomful invites by user id and its meeting API has no
        email lookup; pass ``invited_user_ids`` instead.
        """
        options = RoomfulOptions.parse(request.options, provider=SLUG)
        meeting = await self.create_meeting_in(
            options,
            subject=request.title,
            description=request.description or "",
            start=request.start,
            end=request.end,
        )
        return room_of(meeting, join_url=self.meeting_link(meeting, source_ids=options.source_ids))

    @classmethod
    def move_by(cls, room: Room) -> MoveBy:
        """``meeting:updateMeeting`` changes the dates in place (seed 003)."""
        return MoveBy.RESCHEDULE

    async def reschedule_room(self, room: Room, request: RoomRequest) -> Room:
        """``meeting:updateMeeting`` with the new dates; ``update_meeting`` sends back everything else
        Roomful's own client sends (subject, description, color, invitees), as the update replaces it."""
        meeting = await self.update_meeting(room.room_id, start=request.start, end=request.end)
        return room_of(meeting, join_url=room.join_url)

    async def delete_room(self, room_id: str) -> None:
        """``meeting:deleteMeeting``; a meeting Roomful no longer knows counts as deleted."""
        try:
            await self.delete_meeting(room_id)
        except NotFound:
            pass

    async def meeting_gone(self, meeting_id: str, *, start: datetime, end: datetime) -> bool:
        """Whether Roomful says the meeting was deleted, or the room it takes place in was.

            if await adapter.meeting_gone(room.room_id, start=room.starts_at, end=room.ends_at): ...

        ``meeting:getMeeting`` answers ``isValid: false`` once the meeting's source (its room or prop)
        is deleted (seed 003: "not valid if source was deleted"), so its room link leads nowhere. For a
        deleted meeting the document gives no error code, so a refused ``getMeeting`` is checked with
        ``meeting:listUserMeetings`` over the meeting's own time: the account organises the meeting, so
        it is listed there while it exists. Anything else (sign-in, 705, an outage, an unreadable
        answer) raises: the caller cannot tell, and the reminder goes out.
        """
        try:
            meeting = await self.get_meeting(meeting_id)
        except (NotFound, Rejected):
            try:
                listed = await self.list_meetings(start=start, end=end)
            except NotFound as error:  # the list itself refused: no answer either way
                raise Unavailable(provider=self.slug, status=error.status, raw=error.raw) from error
            return all(m.meeting_id != meeting_id for m in listed)
        return not meeting.is_valid

    async def personal_link(self, room: Room, *, email: str, name: str, role: Role) -> str:
        """Roomful has no per-person links; everyone signs in to Roomful and uses the room link."""
        return room.join_url


def room_of(meeting: RoomfulMeeting, *, join_url: str) -> Room:
    """The common Room of a Roomful meeting; ``join_url`` from ``meeting_link`` (it needs what was sent)."""
    return Room(
        provider=SLUG,
        room_id=meeting.meeting_id,
        join_url=join_url,
        host_url=None,
        starts_at=meeting.start,
        ends_at=meeting.end,
        details={
            "source_type": meeting.source_type,
            "source_pk": meeting.source_pk,
            "organizer_id": meeting.organizer_id,
            "participant_ids": list(meeting.participant_ids),
            "network_id": meeting.network_id,
        },
    )
