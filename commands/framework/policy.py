"""Who may do what, in one place: admins, who may see a meeting or a channel, organiser and co-hosts.

    await require_admin(ctx, services)                # raises NotAdmin (a UserError) for anyone else
    if await may_see(meeting, ctx, services, admin=admin): ...
    role_of(meeting, "U1")                            # "you organise" | "you co-host" | "you're invited" | None

Subcommands and buttons declare ``admin=True`` and the router calls ``require_admin`` before
them; a handler calls it itself only when one of its forms needs it (``default … account=``).
"""

from __future__ import annotations

import json

from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from db.models import Meeting
from db.repo import involves

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


def cohost_ids(meeting: Meeting) -> list[str]:
    return list(json.loads(meeting.cohost_ids))


def invitee_ids(meeting: Meeting) -> list[str]:
    return list(json.loads(meeting.invitee_ids))


def hosts(meeting: Meeting) -> list[str]:
    """The organiser, then the co-hosts, each once."""
    return list(dict.fromkeys((meeting.organiser_id, *cohost_ids(meeting))))


def is_host(meeting: Meeting, user_id: str) -> bool:
    return user_id in hosts(meeting)


def role_of(meeting: Meeting, user_id: str) -> str | None:
    """The reader's part in ``meeting``, as a list label says it."""
    if meeting.organiser_id == user_id:
        return "you organise"
    if user_id in cohost_ids(meeting):
        return "you co-host"
    if user_id in invitee_ids(meeting):
        return "you're invited"
    return None


async def may_see(meeting: Meeting, ctx: Context, services: Services, *, admin: bool) -> bool:
    """Those involved and admins see a meeting; others only if they can read the channel it was announced in."""
    if admin or involves(meeting, ctx.user_id):
        return True
    if not meeting.channel_id:
        return False  # invite-only
    return await may_read_channel(meeting.channel_id, ctx, services)


async def may_read_channel(channel_id: str, ctx: Context, services: Services) -> bool:
    """The channel the speaker is in, or one Slack says they can read (a private channel stays private)."""
    if channel_id == ctx.channel_id:
        return True
    return await services.directory.can_read(ctx.team_id, channel_id, ctx.user_id)


async def may_cancel(meeting: Meeting, ctx: Context, services: Services) -> bool:
    """The organiser or an admin."""
    return meeting.organiser_id == ctx.user_id or await is_admin(ctx, services)
