"""Is a meeting's room still there at its provider? Asked before a reminder goes out, so a room
deleted at the provider stops its reminders and the channel hears so instead of getting a dead link.

    if await room_gone(meeting, services): ...

Only providers that can answer it cheaply are asked: Whereby (``GET /meetings/{id}`` answers 404 once
the room is deleted, seed 001), ClickMeeting (``GET /conferences/{id}``: 404, or ``status`` inactive,
seed 002) and Roomful (``meeting:getMeeting``: the meeting deleted, or ``isValid`` false once its room
is, seed 003; the adapter's ``meeting_gone`` says how). Any other provider error means "don't know":
the reminder goes out as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from commands.framework.context import Services
from commands.lifecycle.accounts import open_adapter
from db.records import Meeting
from providers.errors import NotFound, ProviderError

log = logging.getLogger(__name__)


async def _whereby(adapter: Any, meeting: Meeting) -> bool:
    await adapter.get_meeting(meeting.room_id)
    return False


async def _clickmeeting(adapter: Any, meeting: Meeting) -> bool:
    conference = await adapter.get_conference(meeting.room_id)
    return str(conference.get("status", "active")) == "inactive"


async def _roomful(adapter: Any, meeting: Meeting) -> bool:
    return bool(await adapter.meeting_gone(meeting.room_id, start=meeting.starts_at, end=meeting.ends_at))


CHECKS: dict[str, Callable[[Any, Meeting], Awaitable[bool]]] = {
    "whereby": _whereby, "clickmeeting": _clickmeeting, "roomful": _roomful,
}


async def room_gone(meeting: Meeting, services: Services) -> bool:
    """True only when the provider says the room is deleted or inactive."""
    check = CHECKS.get(meeting.provider)
    if check is None:
        return False
    try:
        async with open_adapter(services, team_id=meeting.team_id, provider=meeting.provider,
                                account=meeting.account_name) as adapter:
            return await check(adapter, meeting)
    except NotFound:
        return True
    except ProviderError as error:
        log.info("could not ask %s whether %s still exists (%s)", meeting.provider, meeting.id, type(error).__name__)
        return False


def gone_notice(meeting: Meeting) -> str:
    """What the channel hears instead of the reminder."""
    return (f":warning: *{meeting.title}* (`{meeting.id}`) no longer exists at its provider, so there will be "
            "no reminders for it. Ask the organiser for a new link.")
