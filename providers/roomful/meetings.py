"""Roomful meetings: create, update, delete, get, list, count per day, accept or decline.

    meeting = await adapter.create_meeting(source_type="room", source_ids=[room_id], subject="Standup",
                                           start=start, end=end)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from providers.errors import Unavailable
from providers.paging import Page, items, pages
from providers.roomful.models import (
    SLUG,
    MeetingCount,
    RoomfulMeeting,
    hex_to_rgba,
    iso_instant,
    iso_local,
    meeting_from,
    parse_meeting,
    parse_time,
)
from providers.roomful.options import RoomfulOptions, SourceType
from providers.roomful.socket import RoomfulSocket


class MeetingsAPI(RoomfulSocket):
    """The ``meeting:*`` RPCs about meetings themselves."""

    def meeting_link(self, meeting: RoomfulMeeting, *, source_ids: Sequence[str] = ()) -> str:
        """Where participants go: the meeting's room in Roomful's web app, else the web app itself.

        Roomful meetings have no URL of their own; they happen in a room (or in a prop inside it).
        For a room meeting the API's ``sourcePk`` is the room id; for a prop meeting the room id is
        the first of the ``source_ids`` we sent (the API's combined prop key has no documented
        form). Group and direct meetings live in no room, so they get the web app's start page,
        where the meeting shows in the participant's calendar.

        The web app is https://my.roomful.net for the production API (the room link form comes from
        Roomful's own WordPress plugin); any other API host (staging, a fake) is its own web base.
        """
        room_id = ""
        if meeting.source_type == SourceType.ROOM:
            room_id = meeting.source_pk or (source_ids[0] if source_ids else "")
        elif meeting.source_type == SourceType.PROP and source_ids:
            room_id = source_ids[0]
        return f"{self._web_base}/#/room/{room_id}" if room_id else f"{self._web_base}/"

    async def create_meeting(
        self,
        *,
        source_type: SourceType | str,
        source_ids: Sequence[str],
        subject: str,
        start: datetime,
        end: datetime,
        description: str = "",
        invited_user_ids: Iterable[str] = (),
        color: str | Mapping[str, float] | None = None,
    ) -> RoomfulMeeting:
        """``meeting:createMeeting``: invited users get a request with status "received"."""
        options = RoomfulOptions.parse(
            {"source_type": source_type, "source_ids": list(source_ids), "invited_user_ids": list(invited_user_ids),
             "color": color if isinstance(color, str) else None},
            provider=SLUG,
        )
        rgba = dict(color) if color is not None and not isinstance(color, str) else None
        return await self.create_meeting_in(
            options, subject=subject, description=description, start=start, end=end, rgba=rgba
        )

    async def create_meeting_in(
        self,
        options: RoomfulOptions,
        *,
        subject: str,
        start: datetime,
        end: datetime,
        description: str = "",
        rgba: Mapping[str, float] | None = None,
    ) -> RoomfulMeeting:
        """``meeting:createMeeting`` at the place ``options`` names (already checked by the model)."""
        data: dict[str, Any] = {
            "sourceType": options.source_type.value,
            "sourceIds": list(options.source_ids),
            "subject": subject,
            "description": description,
            "invitedUserIds": list(options.invited_user_ids),
            "startDate": iso_instant(start),
            "endDate": iso_instant(end),
        }
        if options.color is not None:
            data["color"] = hex_to_rgba(options.color)
        elif rgba is not None:
            data["color"] = dict(rgba)
        answer = await self._call("meeting:createMeeting", data, idempotent=False)
        return meeting_from(answer, event="meeting:createMeeting")

    async def update_meeting(
        self,
        meeting_id: str,
        *,
        subject: str | None = None,
        description: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        color: str | Mapping[str, float] | None = None,
        invited_user_ids: Iterable[str] | None = None,
    ) -> RoomfulMeeting:
        """``meeting:updateMeeting``. It replaces the meeting, so fields not given are read and sent back.

        The body is what Roomful's own client sends (Roomful/valu-api, ``Events.edit-meeting``):
        meetingId, sourceType, subject, description, color, invitedUserIds (the current participantIds
        unless new ones are given), startDate, endDate — leaving out the invitees would drop them.
        """
        current = await self.get_meeting(meeting_id)
        new_color = current.color if color is None else hex_to_rgba(color) if isinstance(color, str) else dict(color)
        new_start = start or current.start
        new_end = end or current.end
        if new_start is None or new_end is None:
            raise Unavailable(provider=SLUG, raw=f"meeting {meeting_id} came back without dates")
        invited = current.participant_ids if invited_user_ids is None else tuple(invited_user_ids)
        data: dict[str, Any] = {
            "meetingId": meeting_id,
            "sourceType": current.source_type,
            "subject": current.subject if subject is None else subject,
            "description": current.description if description is None else description,
            "invitedUserIds": list(invited),
            "startDate": iso_instant(new_start),
            "endDate": iso_instant(new_end),
        }
        if new_color is not None:
            data["color"] = new_color
        return meeting_from(await self._call("meeting:updateMeeting", data), event="meeting:updateMeeting")

    async def delete_meeting(self, meeting_id: str) -> None:
        """``meeting:deleteMeeting``; raises NotFound when Roomful does not know the meeting."""
        # Not resent after a drop: a delete that did happen would come back as NotFound.
        await self._call("meeting:deleteMeeting", {"meetingId": meeting_id}, idempotent=False)

    async def get_meeting(self, meeting_id: str) -> RoomfulMeeting:
        """``meeting:getMeeting``."""
        answer = await self._call("meeting:getMeeting", {"meetingId": meeting_id})
        return meeting_from(answer, event="meeting:getMeeting")

    async def list_meetings(
        self,
        *,
        start: datetime,
        end: datetime,
        source_type: str | None = None,
        source_ids: Sequence[str] = (),
    ) -> list[RoomfulMeeting]:
        """``meeting:listUserMeetings`` in [start, end], optionally for one network/room/prop/group/user."""
        data: dict[str, Any] = {"startDate": iso_instant(start), "endDate": iso_instant(end)}
        if source_type:
            data["sourceType"] = source_type
            data["sourceIds"] = list(source_ids)
        answer = await self._call("meeting:listUserMeetings", data)
        meetings = answer.get("meetings") if isinstance(answer, dict) else None
        return [parse_meeting(m) for m in meetings or [] if isinstance(m, dict)]

    async def iter_meeting_counts(
        self, *, local_date_now: datetime, page_size: int = 31
    ) -> AsyncIterator[MeetingCount]:
        """``meeting:listUserMeetingCounts``, page by page (offset/size): meetings per day."""
        async def fetch(offset: int | None) -> Page[dict[str, Any], int]:
            start = offset or 0
            answer = await self._call(
                "meeting:listUserMeetingCounts",
                {"localDateNow": iso_local(local_date_now), "offset": start, "size": page_size},
            )
            items = answer.get("meetingCounts") if isinstance(answer, dict) else None
            page = [i for i in items or [] if isinstance(i, dict)]
            # A short page is the last one.
            return Page(page, next=start + len(page) if len(page) >= page_size else None)

        async for item in items(pages(fetch, provider=SLUG, first=0)):
            yield MeetingCount(
                count=int(item.get("count") or 0),
                start=parse_time(item.get("startDate")),
                end=parse_time(item.get("endDate")),
            )

    async def accept_meeting(self, meeting_id: str) -> None:
        """``meeting:acceptMeetingRequest``: the signed-in user's status becomes "accepted"."""
        await self._call("meeting:acceptMeetingRequest", {"meetingId": meeting_id})

    async def decline_meeting(self, meeting_id: str) -> None:
        """``meeting:declineMeetingRequest``: the signed-in user's status becomes "declined"."""
        await self._call("meeting:declineMeetingRequest", {"meetingId": meeting_id})

    async def prop_has_meetings(self, *, room_id: str, prop_id: str) -> bool:
        """``meeting:checkPropHasMeetingsOrSocialSessions`` (deprecated by Roomful, with no successor)."""
        answer = await self._call(
            "meeting:checkPropHasMeetingsOrSocialSessions", {"roomId": room_id, "propId": prop_id}
        )
        return bool(answer.get("hasMeetingsOrSocialSessions")) if isinstance(answer, dict) else False

