"""Who may do what, in one place: admins, who may see a meeting or a channel, organiser and co-hosts.

    await require_admin(ctx, services)                # raises NotAdmin (a UserError) for anyone else
    if await may_see(meeting, ctx, services, admin=admin): ...
    view = await seen_by(ctx, services, channels=["C1", "G7"])   # the same rule, for a listing in SQL
    role_of(meeting, "U1")                            # "you organise" | "you co-host" | "you're invited" | None

Subcommands and buttons declare ``admin=True`` and the router calls ``require_admin`` before
them; a handler calls it itself only when one of its forms needs it (``default … account=``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from db.records import Meeting
from db.repos.meetings import SeenBy

CHANNEL_CHECKS = 4  # membership checks in flight at once (each may be a Slack call the directory then caches)

NOT_ADMIN = (
    "Only workspace admins and owners can connect or disconnect providers, so nothing was changed — "
    "ask one of them."
)


class NotAdmin(UserError):
    """An admins-only command from someone else."""

    def __init__(self, sentence: str = NOT_ADMIN) -> None:
        super().__init__(sentence)


async def is_admin(ctx: Context, services: Services) -> bool:
    """Workspace admins and owners (from Slack), plus the user ids in ``MEETBOT_ADMINS``."""
    if ctx.user_id in services.admins:
        return True
    person = await services.directory.person(ctx.team_id, ctx.user_id)
    return bool(person and person.is_admin)


async def require_admin(ctx: Context, services: Services) -> None:
    """``NotAdmin`` unless the speaker is an admin: ``await require_admin(ctx, services)``."""
    if not await is_admin(ctx, services):
        raise NotAdmin()


ROLE_LABELS = {"organiser": "you organise", "cohost": "you co-host", "invitee": "you're invited"}


def role_of(meeting: Meeting, user_id: str) -> str | None:
    """The reader's part in ``meeting``, as a list label says it."""
    role = meeting.role_of(user_id)
    return ROLE_LABELS[role] if role else None


async def may_see(meeting: Meeting, ctx: Context, services: Services, *, admin: bool) -> bool:
    """Those involved and admins see a meeting; others only if they can read the channel it was announced in."""
    if admin or meeting.involves(ctx.user_id):
        return True
    if not meeting.channel_id:
        return False  # invite-only
    return await may_read_channel(meeting.channel_id, ctx, services)


async def may_read_channel(channel_id: str, ctx: Context, services: Services) -> bool:
    """The channel the speaker is in, or one Slack says they can read (a private channel stays private)."""
    if channel_id == ctx.channel_id:
        return True
    return await services.directory.can_read(ctx.team_id, channel_id, ctx.user_id)


async def seen_by(ctx: Context, services: Services, *, channels: Iterable[str]) -> SeenBy:
    """``may_see`` for a listing the database filters: of ``channels``, those the speaker may read.

    A meeting is then listed when it is in one of them or involves the speaker; invite-only ones
    (no channel) only by the second part. Admins need no view: they see everything.
    """
    gate = asyncio.Semaphore(CHANNEL_CHECKS)

    async def readable(channel_id: str) -> bool:
        async with gate:
            return await may_read_channel(channel_id, ctx, services)

    wanted = list(dict.fromkeys(channels))
    answers = await asyncio.gather(*(readable(channel_id) for channel_id in wanted))
    return SeenBy(ctx.user_id, frozenset(c for c, ok in zip(wanted, answers, strict=True) if ok))


async def may_manage(meeting: Meeting, ctx: Context, services: Services) -> bool:
    """The organiser, a co-host or an admin: who may cancel a meeting, move it or change its reminders."""
    return meeting.is_host(ctx.user_id) or await is_admin(ctx, services)
