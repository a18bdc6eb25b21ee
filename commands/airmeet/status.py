"""``/airmeet status <event> ongoing|paused|finished|archive``: start, pause, finish or archive an event.

    await registry.dispatch("/airmeet", "status k7m2qx ongoing", ctx, services)     # done at once
    await registry.dispatch("/airmeet", "status k7m2qx archive", ctx, services)     # asks first, with buttons

Finishing and archiving cannot be undone from Slack, so they ask for a click first. Archiving also
stops meetbot's reminders of the event (Airmeet lists archived events no more).
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from commands.airmeet.resolve import AirmeetEvent, event_adapter, require_manager, resolve_event
from commands.framework.arguments import Arguments, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import Action
from commands.framework.replies import Button, Message, Reply
from providers.airmeet.events import EventStatus

CONFIRM = "airmeet_status_confirm"
CANCEL = "airmeet_status_cancel"
ASK_FIRST = {"finished", "archive"}
DONE = {"ongoing": "is live (ONGOING)", "paused": "is paused", "finished": "is finished", "archive": "is archived"}


class StatusArgs(Arguments):
    """``status <event> ongoing|paused|finished|archive``."""

    event: str = positional(metavar="event")
    status: Literal["ongoing", "paused", "finished", "archive"] = positional(
        metavar="status", usage="ongoing|paused|finished|archive")

    @field_validator("status", mode="before")
    @classmethod
    def lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


async def status_command(arguments: StatusArgs, ctx: Context, services: Services) -> Reply:
    event = await resolve_event(arguments.event, ctx, services)
    await require_manager(event, ctx, services)
    if arguments.status in ASK_FIRST:
        return ask_first(event, arguments.status)
    return await set_status(event, arguments.status, ctx, services)


def ask_first(event: AirmeetEvent, status: str) -> Reply:
    verb = "Finish" if status == "finished" else "Archive"
    ref = event.meeting.id if event.meeting else event.uuid
    what = ("Attendees can no longer join once it is finished" if status == "finished"
            else "It leaves Airmeet's event list and meetbot stops its reminders")
    return Reply([Message(
        f"{verb} {event.label}? {what}; this cannot be undone from Slack.",
        buttons=(Button(f"{verb} it", action_id=CONFIRM, value=f"{ref} {status}", style="danger"),
                 Button("Keep it as it is", action_id=CANCEL, value=ref)),
    )])


async def set_status(event: AirmeetEvent, status: str, ctx: Context, services: Services) -> Reply:
    """Move the event to ``status`` at Airmeet and keep it on the stored meeting."""
    wanted = EventStatus.ARCHIVE if status == "archive" else EventStatus(status.upper())
    async with event_adapter(event, services, team_id=ctx.team_id) as airmeet:
        await airmeet.update_status(event.uuid, wanted)  # the same status twice changes nothing
    if event.meeting is not None:
        await services.storage.airmeet.update_details(ctx.team_id, event.meeting.id, {"status": wanted.value})
        if wanted is EventStatus.ARCHIVE:
            await services.storage.meetings.cancel(ctx.team_id, event.meeting.id)
    return Reply.ephemeral(f"{event.label[:1].upper()}{event.label[1:]} {DONE[status]}.")


async def confirmed(value: str, ctx: Context, services: Services) -> Reply:
    ref, _, status = value.partition(" ")
    if status not in ASK_FIRST:
        raise UserError("That button is out of date; run `/airmeet status` again.")
    event = await resolve_event(ref, ctx, services)
    await require_manager(event, ctx, services)
    return await set_status(event, status, ctx, services)


async def kept(value: str, ctx: Context, services: Services) -> Reply:
    return Reply.ephemeral("Nothing changed.")


ACTIONS = (Action(CONFIRM, confirmed), Action(CANCEL, kept))
