"""The announcement's "more" menu, and the move form it opens: the same move as ``/meeting move``.

    reply = await menu_picked("move:k7m2qx", ctx, services)      # Reply(modal=…) or one sentence
    reply = await MoveForm().submit({"start_date": "2026-12-02", "start_time": "11:30", "duration": "45"},
                                    {"meeting_id": "k7m2qx"}, ctx, services)

The form has the ``/meeting new`` form's day, time and duration inputs, read the same way
(``new_form.read_start``: the speaker's wall clock, gaps and folds as errors on their field). Who
may move is checked when the form opens and again when it is submitted.
"""

from __future__ import annotations

from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import Action, State, Values
from commands.framework.replies import Input, Modal, Reply, escape
from commands.lifecycle.create import MEETING_MENU
from commands.meeting.link import link_command
from commands.meeting.lookup import MeetingId
from commands.meeting.move import move_meeting
from commands.meeting.new_form import DURATION, START_DATE, START_TIME, read_duration_minutes, read_start
from commands.meeting.remind import changeable

CALLBACK = "move_meeting"
MEETING = "meeting_id"
MEETING_ID_LENGTH = 6  # db.records.new_meeting_id; a longer value did not come from our menu


async def menu_picked(value: str, ctx: Context, services: Services) -> Reply:
    """``move:<id>`` opens the move form (for those who may move it), ``link:<id>`` answers ``/meeting link``."""
    verb, _, meeting_id = value.partition(":")
    meeting_id = meeting_id[:MEETING_ID_LENGTH]
    if verb == "link":
        return await link_command(MeetingId(id=meeting_id), ctx, services)
    if verb != "move":
        raise UserError("That menu item is no longer offered; `/meeting help` lists what you can do.")
    meeting = await changeable(meeting_id, "move", ctx, services)
    start = meeting.starts_at.astimezone(ctx.zone())
    inputs = (
        Input(START_DATE, "New day", kind="date", initial=start.date().isoformat()),
        Input(START_TIME, "New start time", kind="time", initial=f"{start:%H:%M}",
              hint=f"In your time zone, {ctx.zone().key}."),
        Input(DURATION, "Duration in minutes", kind="number", initial=meeting.duration_minutes),
    )
    state = {MEETING: meeting.id} | ({"channel_id": ctx.channel_id} if ctx.channel_id else {})
    return Reply(modal=Modal(CALLBACK, "Move meeting", "Move", inputs, state=state,
                             intro=f"*{escape(meeting.title)}* (`{meeting.id}`)"))


class MoveForm:
    """The move form: day, time and duration checked on their fields, then ``move_meeting``."""

    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]:
        """Field errors, cheap and local (no provider call): they must fit in Slack's 3-second ack."""
        _, errors = read_start(values, ctx=ctx, now=services.clock())
        _, duration_error = read_duration_minutes(values)
        if duration_error:
            errors[DURATION] = duration_error
        return errors

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply:
        meeting = await changeable(str(state.get(MEETING, "")), "move", ctx, services)
        start, errors = read_start(values, ctx=ctx, now=services.clock())
        duration, duration_error = read_duration_minutes(values)
        if start is None or duration is None:  # check() said so already; a resubmitted old view may not
            raise UserError(duration_error or next(iter(errors.values()), "Pick the new day and time."))
        return await move_meeting(meeting, start=start, duration=duration, ctx=ctx, services=services)

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None:
        return None  # nothing in this form redraws it


ACTIONS = (Action(MEETING_MENU, menu_picked),)
