"""Giving a stored meeting a new time, at its provider and here, with nothing half-made.

    moved = await reschedule(meeting, start=start, duration=timedelta(minutes=45), offsets=offsets,
                             request=room_request, services=services)
    moved.meeting.starts_at, moved.new_room, moved.note

How the room moves is the adapter's to say (``move_by``): changed in place (ClickMeeting's room
edit, Roomful's update, a kMeet instant room, which is only a link), or replaced by a new room made
with the options stored with the meeting, the old one then deleted where the provider can (Whereby,
a planned kMeet conference), or not at all (Airmeet). A provider refusal changes nothing; if the new
time cannot be stored, the provider is put back (the old time, or the new room deleted again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from pydantic import SecretStr

from commands.framework.context import Services
from commands.framework.errors import UserError, provider_sentence
from commands.framework.replies import escape
from commands.lifecycle.accounts import open_adapter
from commands.lifecycle.card import room_of
from db.errors import StorageError
from db.records import Meeting
from providers import registry
from providers.base import MeetingProvider, MoveBy, Room, RoomRequest
from providers.errors import NotFound, NotSupported, ProviderError

log = logging.getLogger(__name__)

# The key of ``Meeting.provider_data`` that keeps the options the room was made with (encrypted
# with the rest), so a room made anew for a move gets the same ones.
OPTIONS = "options"


def options_to_store(options: dict[str, Any]) -> dict[str, Any]:
    """Validated options as JSON values: secrets as their value (the column is encrypted), enums as theirs."""
    stored: dict[str, Any] = {}
    for name, value in options.items():
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, tuple | list | set | frozenset):
            value = [item.value if isinstance(item, Enum) else item for item in value]
        stored[name] = value
    return stored


def stored_options(meeting: Meeting) -> dict[str, Any] | None:
    """The options the meeting's room was made with; None for a meeting made before they were kept."""
    options = meeting.provider_data.get(OPTIONS)
    return dict(options) if isinstance(options, dict) else None


@dataclass(frozen=True)
class Rescheduled:
    """A move done: the meeting as stored now, whether its link changed, what the mover should know."""

    meeting: Meeting
    new_room: bool
    note: str = ""


def reminder_times(offsets: tuple[timedelta, ...], *, start: datetime, now: datetime) -> list[tuple[datetime, int]]:
    """Due times (with their offsets in minutes) of the offsets before ``start`` still ahead of ``now``."""
    return [(start - offset, int(offset.total_seconds() // 60)) for offset in offsets if start - offset > now]


async def reschedule(meeting: Meeting, *, start: datetime, duration: timedelta, offsets: tuple[timedelta, ...],
                     request: RoomRequest, services: Services) -> Rescheduled:
    """Move ``meeting`` to ``start`` for ``duration`` (``request`` is the room asked for at the new
    times); its pending reminders become ``offsets`` before the new start (those already past are
    left out). ``UserError`` with one sentence, and nothing changed, when it cannot be done."""
    title, name = escape(meeting.title), registry.info(meeting.provider).name
    how = registry.adapter_class(meeting.provider).move_by(room_of(meeting))
    if how is MoveBy.NOT_MOVABLE:
        raise UserError(f"{name} cannot change an event's time through its API, so *{title}* cannot be moved "
                        f"from here: change it in {name}, or cancel it and make a new one.")
    async with open_adapter(services, team_id=meeting.team_id, provider=meeting.provider,
                            account=meeting.account_name) as adapter:
        try:
            room = (await adapter.reschedule_room(room_of(meeting), request) if how is MoveBy.RESCHEDULE
                    else await adapter.create_room(request))
        except ProviderError as error:
            log.warning("moving %s meeting %s failed at the provider: %s", meeting.provider, meeting.id,
                        type(error).__name__)
            raise UserError(not_moved(provider_sentence(error), title)) from None
        moved = replace(meeting, starts_at=start, duration_minutes=int(duration.total_seconds() // 60),
                        room_id=room.room_id, join_url=room.join_url, host_url=room.host_url,
                        provider_data={**room.details, OPTIONS: options_to_store(dict(request.options))})
        due = reminder_times(offsets, start=start, now=services.clock())
        if not await store(moved, meeting, due, services):
            undone = await put_back(adapter, how, meeting, room)
            raise UserError(f"I could not save the new time, so *{title}* was not moved{undone}; please try again.")
        if how is MoveBy.RESCHEDULE:
            return Rescheduled(meeting=moved, new_room=room.join_url != meeting.join_url)
        note = await delete_old_room(adapter, meeting)
    return Rescheduled(meeting=moved, new_room=True, note=note)


def not_moved(sentence: str, title: str) -> str:
    """A provider's sentence (maybe two: "… just now. Please try again …") made one, saying nothing moved."""
    first, _, rest = sentence.rstrip(".").partition(". ")
    tail = f"; {rest[:1].lower()}{rest[1:]}" if rest else ""
    return f"{first}, so *{title}* was not moved and keeps its time{tail}."


async def store(moved: Meeting, was: Meeting, due: list[tuple[datetime, int]], services: Services) -> bool:
    """Store the moved meeting and its reminders; False when that failed or it changed meanwhile."""
    try:
        return await services.storage.meetings.reschedule(moved, was=was, reminder_times=due)
    except StorageError as error:  # its sentence names no parameter (db/errors.py)
        log.warning("storing the move of meeting %s failed: %s", was.id, error)
        return False


async def put_back(adapter: MeetingProvider, how: MoveBy, meeting: Meeting, room: Room) -> str:
    """Undo the provider's side of a move that could not be stored; the clause saying what is left."""
    name = registry.info(meeting.provider).name
    try:
        if how is MoveBy.RESCHEDULE:
            await adapter.reschedule_room(room, RoomRequest(
                title=meeting.title, start=meeting.starts_at, end=meeting.ends_at, timezone=meeting.timezone))
            return ""
        await adapter.delete_room(room.room_id)
        return ""
    except ProviderError as error:
        log.warning("putting back %s meeting %s failed: %s", meeting.provider, meeting.id, type(error).__name__)
    if how is MoveBy.RESCHEDULE:
        return f" (check its time at {name}: it may show the new one)"
    return f" (a new room may be left at {name})"


async def delete_old_room(adapter: MeetingProvider, meeting: Meeting) -> str:
    """Delete the replaced room where the provider can; the sentence saying what happened to it."""
    name = registry.info(meeting.provider).name
    try:
        await adapter.delete_room(meeting.room_id)
    except NotFound:
        return f"{name} had already removed the old room."
    except NotSupported as error:  # kMeet: the provider's sentence says where to remove it
        return f"The old room is still there: {error.user_message}"
    except ProviderError as error:
        log.warning("deleting the old %s room of %s failed: %s", meeting.provider, meeting.id, type(error).__name__)
        return (f"The meeting is in the new room, but I could not delete the old one at {name} "
                f"({provider_sentence(error).rstrip('.')}): remove it there yourself.")
    return f"The old room is deleted at {name}."
