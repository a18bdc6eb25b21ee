"""``/meeting move <id> <when> [for <duration>]``: a meeting at a new time, at its provider and here.

    await registry.dispatch("/meeting", "move k7m2qx tomorrow 10:00 for 45m", ctx, services)

Its organiser, a co-host or a workspace admin may (``policy.may_manage``, through ``changeable``).
``<when>`` reads as ``/meeting new`` reads it (``when.parse_when``, in the speaker's zone), the
duration as its ``for``; without ``for`` the meeting keeps its length. The room moves as its
provider allows (``lifecycle.reschedule``); the announcement is edited in place, the reminders keep
their offsets before the new start, and the hosts and invitees hear of it by DM.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from commands.framework.arguments import Arguments, positional, validate
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.replies import Audience, Button, Field, Message, Reply, escape
from commands.framework.tokenizer import tokenize
from commands.framework.when import WhenError, parse_duration, parse_when
from commands.lifecycle.card import room_of
from commands.lifecycle.create import announcement, invitee_emails, late_note, people_names
from commands.lifecycle.links import host_links, personal_links
from commands.lifecycle.reschedule import Rescheduled, reschedule, stored_options
from commands.meeting.remind import changeable
from commands.meeting.sections import validated_options
from db.records import Meeting
from providers import registry
from providers.base import MoveBy, RoomRequest

COMMAND = "/meeting move"
FOR_WORDS = frozenset({"for"})


class MoveArgs(Arguments):
    """``move k7m2qx tomorrow 10:00 for 45m``: a meeting id, its new time, and (optionally) its new length."""

    id: str = positional(metavar="id")
    when: str = positional(metavar="when")
    duration: str | None = positional(None, metavar="duration", usage="[for <duration>]")


def read_move(text: str, ctx: Context, services: Services) -> MoveArgs:
    """The id, the time words, and what follows the last ``for``."""
    words = [token.text for token in tokenize(text.replace("`", " "))]
    values: dict[str, str] = {"id": words[0]} if words else {}
    rest = words[1:]
    marks = [index for index, word in enumerate(rest) if word.lower() in FOR_WORDS]
    if marks:
        if marks[-1] == len(rest) - 1:
            raise UserError("Say how long after `for`, e.g. `/meeting move k7m2qx tomorrow 10:00 for 45m`.")
        values["duration"] = " ".join(rest[marks[-1] + 1:])
        rest = rest[:marks[-1]]
    if rest:
        values["when"] = " ".join(rest)
    return validate(MoveArgs, values, command=COMMAND)


async def move_command(arguments: MoveArgs, ctx: Context, services: Services) -> Reply:
    """Move the meeting, edit its announcement, tell its people; one sentence when it cannot be done."""
    meeting = await changeable(arguments.id, "move", ctx, services)
    try:
        start = parse_when(arguments.when, now=services.clock(), tz=ctx.zone())
        duration = (parse_duration(arguments.duration) if arguments.duration
                    else timedelta(minutes=meeting.duration_minutes))
    except WhenError as error:
        raise UserError(str(error)) from None
    return await move_meeting(meeting, start=start, duration=duration, ctx=ctx, services=services)


async def move_meeting(meeting: Meeting, *, start: datetime, duration: timedelta, ctx: Context,
                       services: Services) -> Reply:
    """Move a meeting ``changeable`` returned to a checked ``start`` (the command and the form end here)."""
    title = escape(meeting.title)
    if start == meeting.starts_at and duration == timedelta(minutes=meeting.duration_minutes):
        return Reply([Message(f"*{title}* (`{meeting.id}`) is already at that time, so nothing was changed.",
                              fields=(Field("Starts", meeting.starts_at),))])
    offsets = await reminder_offsets(meeting, services)
    request = await room_request(meeting, start=start, duration=duration, ctx=ctx, services=services)
    moved = await reschedule(meeting, start=start, duration=duration, offsets=offsets, request=request,
                             services=services)
    return await told(meeting, moved, offsets, ctx, services)


async def reminder_offsets(meeting: Meeting, services: Services) -> tuple[timedelta, ...]:
    """The meeting's reminders as offsets before its start: those still pending and those already sent
    (a reminder sent for the old time is due again before the new one), longest first."""
    reminders = await services.storage.reminders.for_meeting(meeting.team_id, meeting.id)
    minutes = {reminder.offset_minutes for reminder in reminders if reminder.status in ("pending", "sent")}
    return tuple(timedelta(minutes=offset) for offset in sorted(minutes, reverse=True))


async def room_request(meeting: Meeting, *, start: datetime, duration: timedelta, ctx: Context,
                       services: Services) -> RoomRequest:
    """The room at the new time. A new room gets the options the old one was made with (validated
    again by the provider's model); for one made before they were kept, those its details show."""
    options = stored_options(meeting)
    if registry.adapter_class(meeting.provider).move_by(room_of(meeting)) is MoveBy.NEW_ROOM:
        if options is None:
            options = registry.options_model(meeting.provider).from_room_details(meeting.provider_data)
        options = validated_options(meeting.provider, options)
    emails, _ = await invitee_emails(meeting.invitee_ids, ctx, services)
    organiser = await services.directory.person(ctx.team_id, meeting.organiser_id)
    return RoomRequest(title=meeting.title, start=start, end=start + duration, timezone=meeting.timezone,
                       host_email=organiser.email if organiser else None, invitee_emails=emails,
                       options=options or {})


async def told(was: Meeting, moved: Rescheduled, offsets: tuple[timedelta, ...], ctx: Context,
               services: Services) -> Reply:
    """The announcement edited in place, a DM to each host and invitee, and the mover's note."""
    meeting = moved.meeting
    title = escape(meeting.title)
    reply = Reply()
    if meeting.channel_id and meeting.announcement_ts:
        names = await people_names((*meeting.cohost_ids, *meeting.invitee_ids), ctx, services)
        reply.add(announcement(meeting, names=names, replace_ts=meeting.announcement_ts))
    heading = f"<@{ctx.user_id}> moved *{title}* (`{meeting.id}`)."
    times = (Field("Now", meeting.starts_at), Field("Duration", f"{meeting.duration_minutes} min"),
             Field("Was", was.starts_at))
    hosts = await host_links(meeting, services) if moved.new_room else {}
    for host in meeting.host_ids:
        link = hosts.get(host, meeting.join_url) if moved.new_room else None
        if host == ctx.user_id and link is None:
            continue  # the mover knows; with a new room they still need its link
        as_host = link is not None and link != meeting.join_url  # kMeet, Roomful: one link for everyone
        text = heading + (" It has a new room; your host link (keep it to yourself):" if as_host
                          else " It has a new room: use this link." if link else "")
        reply.add(Message(text, audience=Audience.DM, to=host, fields=times,
                          buttons=(Button("Join as host" if as_host else "Join", url=link, style="primary"),)
                          if link else ()))
    invitees = [user for user in meeting.invitee_ids if user not in meeting.host_ids and user != ctx.user_id]
    links = await personal_links(meeting, invitees, services) if moved.new_room else {}
    for invitee in invitees:
        new_link = " It has a new room: use this link." if moved.new_room else ""
        reply.add(Message(heading + new_link, audience=Audience.DM, to=invitee, fields=times,
                          buttons=(Button("Join", url=links.get(invitee, meeting.join_url), style="primary"),)))
    reply.add(Message(mover_note(meeting, moved, offsets, services), fields=times,
                      buttons=(Button("Join", url=meeting.join_url, style="primary"),)))
    return reply


def mover_note(meeting: Meeting, moved: Rescheduled, offsets: tuple[timedelta, ...], services: Services) -> str:
    """What the mover reads: done, what happened to the room, the announcement and the reminders."""
    title = escape(meeting.title)
    if moved.new_room:
        name = registry.info(meeting.provider).name
        text = (f"Moved *{title}* (`{meeting.id}`) to a new {name} room, as {name} cannot change a room's time; "
                "its hosts and invitees have the new link by DM.")
    else:
        text = f"Moved *{title}* (`{meeting.id}`); its link stays the same."
    if moved.note:
        text += f" {moved.note}"
    if meeting.channel_id and meeting.announcement_ts:
        text += f" The announcement in <#{meeting.channel_id}> shows the new time."
    return text + late_note(offsets, start=meeting.starts_at, now=services.clock())
