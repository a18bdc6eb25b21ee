"""``/meeting remind <id> <offsets|none>``: change one meeting's reminders.

    await registry.dispatch("/meeting", "remind k7m2qx 1d,15m", ctx, services)
    await registry.dispatch("/meeting", "remind k7m2qx none", ctx, services)

Its organiser, a co-host or a workspace admin may. The pending reminders are replaced in one
transaction; offsets that would fire in the past, or more than ``MAX_REMINDERS``, are refused in
words and nothing changes. ``check_offsets`` and ``reminder_times`` are shared with
``/meeting settings`` and ``/meeting move``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from commands.framework.arguments import Arguments, positional, validate
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.policy import may_manage
from commands.framework.replies import Field, Message, Reply, escape
from commands.framework.tokenizer import tokenize
from commands.framework.when import WhenError, parse_offsets
from commands.lifecycle.create import MAX_REMINDERS
from commands.lifecycle.reminders import human_offset
from commands.meeting.lookup import MeetingId, find_meeting
from db.records import Meeting

NONE_WORDS = frozenset({"none", "off", "no"})
COMMAND = "/meeting remind"


class RemindArgs(Arguments):
    """``remind k7m2qx 1d,15m``: a meeting id and how long before it starts to remind (``none``: never)."""

    id: str = positional(metavar="id")
    offsets: str = positional(metavar="offsets|none")


def read_remind(text: str, ctx: Context, services: Services) -> RemindArgs:
    """The id, then the offsets (``1d,15m``, ``1d, 15m`` or ``1d 15m``)."""
    words = [token.text for token in tokenize(text.replace("`", " "))]
    values = {"id": words[0]} if words else {}
    if len(words) > 1:
        values["offsets"] = offsets_text(words[1:])
    return validate(RemindArgs, values, command=f"{COMMAND}")


def offsets_text(words: list[str]) -> str:
    """The words after the id as one comma-separated list: ``1d, 15m`` and ``1d 15m`` both read as two."""
    return ",".join(word.strip(",") for word in words)


def read_offsets(text: str) -> tuple[timedelta, ...]:
    """``none`` (or ``off``) is no reminders; else at most ``MAX_REMINDERS`` offsets, longest first."""
    if text.strip().lower() in NONE_WORDS:
        return ()
    try:
        offsets = tuple(parse_offsets(text))
    except WhenError as error:
        raise UserError(str(error)) from None
    if len(offsets) > MAX_REMINDERS:
        raise UserError(f"A meeting has at most {MAX_REMINDERS} reminders and you gave {len(offsets)}, "
                        "so nothing was changed: keep five or fewer, e.g. `1d,1h,10m`.")
    return offsets


def offsets_words(offsets: tuple[timedelta, ...] | list[timedelta]) -> str:
    """``1 day, 15 min`` (longest first), or ``none``."""
    return ", ".join(human_offset(minutes(offset)) for offset in offsets) or "none"


def minutes(offset: timedelta) -> int:
    return int(offset.total_seconds() // 60)


def reminder_times(meeting: Meeting, offsets: tuple[timedelta, ...], *, start: datetime,
                   now: datetime) -> list[tuple[datetime, int]]:
    """Due times of ``offsets`` before ``start``; refuses (in words) any that would fire at or before ``now``."""
    late = [offset for offset in offsets if start - offset <= now]
    if late:
        words = offsets_words(late)
        raise UserError(f"A reminder {words} before *{escape(meeting.title)}* would fire in the past, "
                        "so nothing was changed: pick shorter times.")
    return [(start - offset, minutes(offset)) for offset in offsets]


async def changeable(meeting_id: str, verb: str, ctx: Context, services: Services) -> Meeting:
    """The meeting, when the speaker may change it and it has not started; one sentence otherwise."""
    meeting = await find_meeting(MeetingId(id=meeting_id), ctx, services, if_cancelled="was cancelled.")
    title = escape(meeting.title)
    if not await may_manage(meeting, ctx, services):
        raise UserError(f"Only <@{meeting.organiser_id}>, who organises *{title}*, a co-host or a workspace "
                        f"admin can {verb} it.")
    if meeting.starts_at <= services.clock():
        raise UserError(f"*{title}* (`{meeting.id}`) has already started, so its time and reminders stay as they are.")
    return meeting


async def remind_command(arguments: RemindArgs, ctx: Context, services: Services) -> Reply:
    """Replace the meeting's pending reminders; say what they are now."""
    offsets = read_offsets(arguments.offsets)
    meeting = await changeable(arguments.id, "change the reminders of", ctx, services)
    times = reminder_times(meeting, offsets, start=meeting.starts_at, now=services.clock())
    await services.storage.reminders.replace_pending(ctx.team_id, meeting.id, times)
    title = escape(meeting.title)
    if not offsets:
        text = f"*{title}* (`{meeting.id}`) has no reminders now."
    else:
        text = f"*{title}* (`{meeting.id}`) is now reminded {offsets_words(offsets)} before it starts."
    return Reply([Message(text, fields=(Field("Starts", meeting.starts_at),))])
