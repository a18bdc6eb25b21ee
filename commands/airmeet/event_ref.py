"""The event an ``/airmeet`` subcommand names: a meetbot meeting id or an Airmeet event uuid.

    event = await find_event("k7m2qx", ctx, services)     # EventRef(uuid="a23f…", label="Summit")

A meetbot meeting on Airmeet may be changed by its organiser, a co-host or an admin; a bare
Airmeet uuid (an event made elsewhere) by a workspace admin only. (The merger may replace this
with the /airmeet event resolver.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.policy import is_admin, may_manage
from commands.framework.replies import escape

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class EventRef:
    uuid: str
    label: str


async def find_event(ref: str, ctx: Context, services: Services) -> EventRef:
    """The Airmeet event ``ref`` names, when the speaker may change it; one sentence otherwise."""
    ref = ref.strip().strip("`")
    meeting = await services.storage.meetings.get(ctx.team_id, ref) if ref else None
    if meeting is not None:
        if meeting.provider != "airmeet":
            raise UserError(f"`{escape(ref)}` is a {meeting.provider} meeting, not an Airmeet event.")
        if not await may_manage(meeting, ctx, services):
            raise UserError(f"Only <@{meeting.organiser_id}>, who organises *{escape(meeting.title)}*, a co-host "
                            "or a workspace admin can change it.")
        return EventRef(uuid=meeting.room_id, label=meeting.title)
    if UUID.fullmatch(ref):
        if not await is_admin(ctx, services):
            raise UserError("Only a workspace admin can change an Airmeet event meetbot did not create; "
                            "give the meetbot id of one you organise.")
        return EventRef(uuid=ref.lower(), label=ref.lower())
    raise UserError(f"I don't know the event `{escape(ref[:40])}`: give its meetbot id (`/meeting list` shows "
                    "them) or its Airmeet uuid.")
