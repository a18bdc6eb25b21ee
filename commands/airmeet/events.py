"""``/airmeet event new|list|info`` and ``/airmeet duplicate``: Airmeet events that are meetbot meetings too.

    await registry.dispatch("/airmeet", "event new", ctx, services)                    # the form
    await registry.dispatch("/airmeet", 'event new name="Town hall" short_desc="Q4" start="2026-12-10 16:00" '
                                        "end=2h timezone=Europe/Zurich", ctx, services)   # the console
    await registry.dispatch("/airmeet", "duplicate k7m2qx 2027-01-14 16:00 Europe/Zurich", ctx, services)

An event made here is stored like any meeting (``/meeting list`` shows it, it gets reminders);
its ``<event>`` is its meetbot id or its Airmeet uuid.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field

from commands.airmeet.forms import EMAIL_PATTERN, FieldArgs, FieldProblem, Row, RowForm
from commands.airmeet.resolve import (
    event_adapter,
    is_session,
    require_manager,
    resolve_event,
)
from commands.framework.arguments import Arguments, NoArguments, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.policy import is_admin
from commands.framework.replies import Field as Shown
from commands.framework.replies import Input, Message, Reply, escape
from commands.framework.tokenizer import tokenize
from commands.framework.when import WhenError, parse_duration, parse_when
from commands.lifecycle.create import NewMeeting, create_meeting, store_meeting
from providers.airmeet.client import is_tz_name
from providers.airmeet.options import AccessType, AirmeetOptions

LIST_MAX = 20
# The access types in plain words, from the options model (the one place Airmeet's rule lives).
_EXTRA: Any = AirmeetOptions.model_fields["access_type"].json_schema_extra
ACCESS_LABELS: dict[str, str] = dict(_EXTRA["labels"])


class EventRow(Row):
    """A new event: what the seed makes mandatory (host, name, description, start, end, zone) and who may join."""

    name: str = Field(min_length=1, max_length=150, title="Event name")
    short_desc: str = Field(min_length=1, max_length=500, title="Short description",
                            json_schema_extra={"multiline": True})
    start: str = Field(min_length=1, max_length=60, title="Start",
                       description="e.g. 2026-12-10 16:00 or tomorrow 16:00, in the time zone below")
    end: str = Field(min_length=1, max_length=60, title="End",
                     description="e.g. 2026-12-10 18:00, or a length such as 2h")
    timezone: str | None = Field(None, max_length=64, title="Time zone",
                                 description="A tz name such as Europe/Zurich or Asia/Kolkata; yours if empty")
    host_email: str | None = Field(None, pattern=EMAIL_PATTERN, max_length=254, title="Host e-mail",
                                   description="An Airmeet community member; your Slack e-mail if empty")
    access_type: AccessType | None = Field(None, title="Who can join",
                                           description="Airmeet's default is invited people only.",
                                           json_schema_extra={"labels": dict(ACCESS_LABELS)})


def zone_of(name: str | None, ctx: Context, *, field: str = "timezone") -> str:
    """A canonical tz name: the one typed, else the speaker's; ``FieldProblem`` for anything else."""
    zone = name or ctx.user_tz
    if not is_tz_name(zone):
        raise FieldProblem(field, f"'{escape(zone[:40])}' is not a time zone name Airmeet takes; use one such as "
                                  "Europe/Zurich or Asia/Kolkata.")
    return zone


def when(text: str, *, field: str, zone: str, services: Services, after: datetime | None = None) -> datetime:
    """``text`` as a time in ``zone``, read from now (or from ``after``: an end's "18:00" is on the start's day)."""
    try:
        return parse_when(text, now=after or services.clock(), tz=ZoneInfo(zone))
    except WhenError as error:
        raise FieldProblem(field, str(error)) from None


def event_times(row: EventRow, ctx: Context, services: Services) -> tuple[str, datetime, datetime]:
    """The zone, start and end the row means; ``FieldProblem`` naming the field otherwise."""
    zone = zone_of(row.timezone, ctx)
    start = when(row.start, field="start", zone=zone, services=services)
    try:
        end = start + parse_duration(row.end)
    except WhenError:
        end = when(row.end, field="end", zone=zone, services=services, after=start)
    if end <= start:
        raise FieldProblem("end", "The end must come after the start.")
    return zone, start, end


def check_event_row(row: EventRow, ctx: Context, services: Services) -> None:
    event_times(row, ctx, services)


async def new_event(row: EventRow, event: None, ctx: Context, services: Services) -> Reply:
    """Create the Airmeet event and store it as a meeting (reminders, ``/meeting list``)."""
    zone, start, end = event_times(row, ctx, services)
    options = {"short_desc": row.short_desc, "access_type": row.access_type}
    new = NewMeeting(provider="airmeet", title=row.name, start=start, duration=end - start,
                     options={k: v for k, v in options.items() if v is not None}, host_email=row.host_email)
    return await create_meeting(new, dataclasses.replace(ctx, user_tz=zone), services)


async def event_new_inputs(event: None, ctx: Context, services: Services) -> dict[str, Input]:
    return {"timezone": Input("timezone", "Time zone", optional=True, initial=ctx.user_tz,
                              hint="A tz name such as Europe/Zurich or Asia/Kolkata")}


NEW_FORM: RowForm[EventRow] = RowForm(
    callback="airmeet_event_new", title="New Airmeet event", submit_label="Create", row=EventRow,
    perform=new_event, command="/airmeet event new", refine=check_event_row, inputs=event_new_inputs,
    needs_event=False, intro="A virtual event on Airmeet; meetbot reminds its hosts like any meeting.",
)


async def event_new_command(arguments: FieldArgs, ctx: Context, services: Services) -> Reply:
    """``event new``: the form, or its fields as key=value."""
    return await NEW_FORM.run(arguments.given(), None, ctx, services)


# --- list and info ------------------------------------------------------------------------------


async def event_list_command(arguments: NoArguments, ctx: Context, services: Services) -> Reply:
    """The Airmeet events meetbot made that the speaker may manage (admins: all), latest first."""
    admin = await is_admin(ctx, services)
    events = [m for m in await services.storage.airmeet.meetings(ctx.team_id)
              if not is_session(m) and (admin or m.is_host(ctx.user_id))]
    if not events:
        return Reply.ephemeral("There are no Airmeet events of yours yet; `/airmeet event new` makes one.")
    reply = Reply.ephemeral(f"Airmeet events ({min(len(events), LIST_MAX)} of {len(events)}):")
    for meeting in events[:LIST_MAX]:
        status = str(meeting.provider_data.get("status") or "CREATED")
        reply.add(Message(f"*{escape(meeting.title)}* (`{meeting.id}`) — {status.lower()}",
                          fields=(Shown("Starts", meeting.starts_at), Shown("Airmeet id", meeting.room_id))))
    return reply


class EventRef(Arguments):
    """``<event>``: a meetbot id or an Airmeet uuid."""

    event: str = positional(metavar="event")


async def event_info_command(arguments: EventRef, ctx: Context, services: Services) -> Reply:
    """Airmeet's own view of the event (name, sessions, hosts) and the speakers meetbot added."""
    event = await resolve_event(arguments.event, ctx, services)
    await require_manager(event, ctx, services)
    async with event_adapter(event, services, team_id=ctx.team_id) as airmeet:
        info = await airmeet.event_info(event.uuid)
    speakers = await services.storage.airmeet.speakers(ctx.team_id, event.uuid)
    stored = {str(m.provider_data.get("session_id")): m.id
              for m in await services.storage.airmeet.meetings(ctx.team_id)
              if is_session(m) and m.provider_data.get("event_id") == event.uuid}
    sessions = [row for row in info.get("sessions") or [] if isinstance(row, dict)]
    lines = [f"*{escape(str(info.get('name') or event.title))}* — Airmeet id `{event.uuid}`"]
    if event.meeting:
        lines[0] += f", meetbot id `{event.meeting.id}`"
    status = info.get("status") or (event.meeting.provider_data.get("status") if event.meeting else None)
    if status:
        lines.append(f"Status: {escape(str(status)).lower()}")
    lines.append(f"Sessions ({len(sessions)}):" if sessions else "No sessions yet.")
    for row in sessions[:30]:
        sid = str(row.get("sessionid", ""))
        ours = f", meetbot id `{stored[sid]}`" if sid in stored else ""
        lines.append(f"• {escape(str(row.get('name') or row.get('sessionTitle') or 'Untitled'))} — `{sid}`{ours}")
    hosts = [str(h.get("email")) for h in info.get("session_hosts") or [] if isinstance(h, dict) and h.get("email")]
    if hosts:
        lines.append("Session hosts: " + ", ".join(escape(h) for h in hosts[:20]))
    lines.append("Speakers added here: " + (", ".join(f"{escape(s.name)} ({escape(s.email)})" for s in speakers[:30])
                                            if speakers else "none yet (`/airmeet speaker add`)."))
    return Reply([Message("\n".join(lines), buttons=())])


# --- duplicate ---------------------------------------------------------------------------------


class DuplicateArgs(Arguments):
    """``duplicate <event> <start> [tz]``: a copy of the event starting then (in ``tz``, else the event's zone)."""

    event: str = positional(metavar="event")
    start: str = positional(metavar="start", usage="<start>")
    timezone: str | None = positional(None, metavar="tz")


def read_duplicate(text: str, ctx: Context, services: Services) -> DuplicateArgs:
    """The event, then the start phrase (several words), then a zone name when the last word is one."""
    tokens = tokenize(text)
    given = {t.key: t.value for t in tokens if t.key is not None}
    words = [t.text for t in tokens if t.key is None]
    unknown = [key for key in given if key not in DuplicateArgs.model_fields]
    if unknown:
        raise UserError("`/airmeet duplicate` takes `event=`, `start=` and `timezone=`; "
                        "e.g. `/airmeet duplicate k7m2qx 2027-01-14 16:00 Europe/Zurich`.")
    if words and "event" not in given:
        given["event"] = words.pop(0)
    if len(words) > 1 and "timezone" not in given and is_tz_name(words[-1]):
        given["timezone"] = words.pop()
    if words and "start" not in given:
        given["start"] = " ".join(words)
    if not given.get("event") or not given.get("start"):
        raise UserError("Give the event and the new start, e.g. `/airmeet duplicate k7m2qx 2027-01-14 16:00 "
                        "Europe/Zurich` (the zone is the event's when left out).")
    return DuplicateArgs.model_validate(given)


async def duplicate_command(arguments: DuplicateArgs, ctx: Context, services: Services) -> Reply:
    """Airmeet copies the event; the copy is stored as a meeting with the original's length."""
    event = await resolve_event(arguments.event, ctx, services)
    await require_manager(event, ctx, services)
    default_zone = event.meeting.timezone if event.meeting and is_tz_name(event.meeting.timezone) else None
    zone = zone_of(arguments.timezone or default_zone, ctx)
    start = when(arguments.start, field="start", zone=zone, services=services)
    length = timedelta(minutes=event.meeting.duration_minutes) if event.meeting else timedelta(hours=1)
    async with event_adapter(event, services, team_id=ctx.team_id) as airmeet:
        room = await airmeet.duplicate_event(event.uuid, start=start, timezone=zone)
    new = NewMeeting(provider="airmeet", title=event.title, start=start, duration=length, account=event.account)
    copy = await store_meeting(new, room, dataclasses.replace(ctx, user_tz=zone), services)
    return Reply([Message(f"Copied {event.label} to `{copy.id}` (Airmeet id `{room.room_id}`).",
                          fields=(Shown("Starts", start), Shown("Time zone", zone)))])
