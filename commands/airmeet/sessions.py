"""``/airmeet session add <event>`` (a form in Slack) and ``/airmeet session delete <event> <session>``.

    await registry.dispatch("/airmeet", 'session add k7m2qx title=Keynote start="2026-12-10 16:00" '
                                        "duration=45 speakers=ada@example.com", ctx, services)
    created = await add_session(event, SessionRow(...), ctx, services)       # one row, as a bulk job calls it

Sessions are HOSTING sessions (seed §5) and may name only speakers already on the event (§4.3),
so the form offers just those meetbot added. A session is a meeting too: it is listed and reminded.
Airmeet answers a new session with "200 OK" and no body, so its id comes from the event's info
when it can be told apart there; without it ``session delete`` needs the id from the dashboard.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from zoneinfo import ZoneInfo

from pydantic_core import PydanticCustomError

from commands.airmeet.forms import FieldProblem, RowForm
from commands.airmeet.resolve import (
    MEETING_ID,
    AirmeetEvent,
    clean_ref,
    event_adapter,
    is_session,
    require_manager,
    resolve_event,
)
from commands.airmeet.rows import SessionRow, minutes
from commands.framework.arguments import Arguments, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import Action
from commands.framework.replies import Button, Choice, Field as Shown, Input, Message, Reply, escape
from commands.framework.when import WhenError, parse_when
from commands.lifecycle.create import NewMeeting, store_meeting
from db.records import Meeting
from providers.airmeet import AirmeetProvider
from providers.base import Room

PICKER_MAX = 10  # Slack shows at most 10 checkboxes; more speakers are typed as e-mails
CONFIRM = "airmeet_session_delete"
CANCEL = "airmeet_session_keep"
NO_ID = ("Airmeet does not answer a new session with its id, and the event's details did not tell this one "
         "apart, so deleting it needs the session id from the Airmeet dashboard: "
         "`/airmeet session delete {event} <session id>`.")


def session_times(row: SessionRow, ctx: Context, services: Services) -> tuple[datetime, int]:
    """The start and the length in minutes; ``FieldProblem`` naming the field.

    The start is read in the row's time zone, else the speaker's; a ``2030-05-06T09:00+02:00`` keeps its offset."""
    zone = ZoneInfo(row.timezone) if row.timezone else ctx.zone()
    try:
        given = datetime.fromisoformat(row.start)
        start = given if given.tzinfo is not None else given.replace(tzinfo=zone)
    except ValueError:
        try:
            start = parse_when(row.start, now=services.clock(), tz=zone)
        except WhenError as error:
            raise FieldProblem("start", str(error)) from None
    try:
        return start, minutes(row.duration)
    except PydanticCustomError as error:
        raise FieldProblem("duration", f"Duration {error.message()}.") from None


def check_session_row(row: SessionRow, ctx: Context, services: Services) -> None:
    session_times(row, ctx, services)


async def add_session(event: AirmeetEvent, row: SessionRow, ctx: Context, services: Services, *,
                      airmeet: AirmeetProvider | None = None) -> Meeting:
    """Create one session on the event and store it as a meeting; refusals name the field.

    ``airmeet``: an adapter already open (a bulk run's), else one is opened for this call."""
    start, length = session_times(row, ctx, services)
    known = {s.email for s in await services.storage.airmeet.speakers(ctx.team_id, event.uuid)}
    for field in ("speakers", "cohosts"):
        strangers = [email for email in row.speaker_emails(field) if email.lower() not in known]
        if strangers:
            raise FieldProblem(field, f"{escape(strangers[0][:60])} is not a speaker of {event.label} yet: Airmeet "
                                      "needs speakers on the event first (`/airmeet speaker add`).")
    host = row.host_email
    if host is None:
        person = await services.directory.person(ctx.team_id, ctx.user_id)
        host = person.email if person else None
    if not host:
        raise FieldProblem("host_email", "Slack shares no e-mail address for you, so give the host's: host_email=…")
    async with event_adapter(event, services, team_id=ctx.team_id, airmeet=airmeet) as adapter:
        created = await adapter.create_session(
            event.uuid, title=row.title, start=start, duration_minutes=length, host_email=host,
            summary=row.summary, speaker_emails=row.speaker_emails("speakers"),
            cohost_emails=row.speaker_emails("cohosts"),
        )
    return await store_session(event, row.title, start, length, created.session_id, ctx, services)


async def store_session(event: AirmeetEvent, title: str, start: datetime, length: int, session_id: str | None,
                        ctx: Context, services: Services) -> Meeting:
    """The session as a meetbot meeting (listed, reminded); its Airmeet id when known."""
    room = Room(provider="airmeet", room_id=session_id or event.uuid, join_url=event.join_url,
                starts_at=start, ends_at=start + timedelta(minutes=length),
                details={"kind": "session", "event_id": event.uuid, "session_id": session_id})
    new = NewMeeting(provider="airmeet", title=title, start=start, duration=timedelta(minutes=length),
                     account=event.account)
    return await store_meeting(new, room, ctx, services)


async def session_reply(row: SessionRow, event: AirmeetEvent, ctx: Context, services: Services) -> Reply:
    meeting = await add_session(event, row, ctx, services)
    tail = "" if meeting.provider_data.get("session_id") else " " + NO_ID.format(
        event=event.meeting.id if event.meeting else event.uuid)
    return Reply([Message(f"Added the session *{escape(row.title)}* (`{meeting.id}`) to {event.label}.{tail}",
                          fields=(Shown("Starts", meeting.starts_at),))])


async def session_inputs(event: AirmeetEvent, ctx: Context, services: Services) -> dict[str, Input]:
    """Speaker and co-host pickers offering only the event's speakers (or a typed list past 10)."""
    speakers = await services.storage.airmeet.speakers(ctx.team_id, event.uuid)
    if not speakers:
        hint = "None yet: add speakers first with /airmeet speaker add"
        return {name: Input(name, label, optional=True, hint=hint) for name, label in
                (("speakers", "Speakers"), ("cohosts", "Co-hosts"))}
    if len(speakers) > PICKER_MAX:
        return {}
    picks = tuple(Choice(s.email, f"{s.name} ({s.email})") for s in speakers)
    return {name: Input(name, label, kind="checkbox", optional=True, choices=picks)
            for name, label in (("speakers", "Speakers"), ("cohosts", "Co-hosts"))}


FORM: RowForm[SessionRow] = RowForm(
    callback="airmeet_session_add", title="Add a session", submit_label="Add", row=SessionRow,
    perform=session_reply, command="/airmeet session add", refine=check_session_row, inputs=session_inputs,
)



# --- delete ------------------------------------------------------------------------------------


class SessionRef(Arguments):
    """``session delete <event> <session>``: the session's meetbot id or its Airmeet id."""

    event: str = positional(metavar="event")
    session: str = positional(metavar="session")


async def find_session(event: AirmeetEvent, ref: str, ctx: Context, services: Services) -> tuple[str, Meeting | None]:
    """The Airmeet session id named by ``ref``, and the stored session meeting if there is one."""
    ref = clean_ref(ref)
    if MEETING_ID.fullmatch(ref):
        meeting = await services.storage.meetings.get(ctx.team_id, ref)
        if meeting and is_session(meeting) and meeting.provider_data.get("event_id") == event.uuid:
            if meeting.status == "cancelled":
                raise UserError(f"The session `{meeting.id}` was already deleted.")
            sid = meeting.provider_data.get("session_id")
            if not sid:
                raise UserError(NO_ID.format(event=event.meeting.id if event.meeting else event.uuid))
            return str(sid), meeting
    stored = [m for m in await services.storage.airmeet.by_room(ctx.team_id, ref)
              if is_session(m) and m.status != "cancelled"]
    if not stored and len(ref) < 8:
        raise UserError(f"`{escape(ref[:20])}` is not a session of {event.label}; `/airmeet event info` lists them.")
    return ref, stored[0] if stored else None


async def session_delete_command(arguments: SessionRef, ctx: Context, services: Services) -> Reply:
    """Asks first: deleting a session cannot be undone."""
    event = await resolve_event(arguments.event, ctx, services)
    await require_manager(event, ctx, services)
    sid, meeting = await find_session(event, arguments.session, ctx, services)
    name = f"*{escape(meeting.title)}* (`{meeting.id}`)" if meeting else f"`{sid}`"
    ref = event.meeting.id if event.meeting else event.uuid
    return Reply([Message(
        f"Delete the session {name} of {event.label}? This cannot be undone.",
        buttons=(Button("Delete it", action_id=CONFIRM, value=f"{ref} {sid}", style="danger"),
                 Button("Keep it", action_id=CANCEL, value=ref)),
    )])


async def delete_confirmed(value: str, ctx: Context, services: Services) -> Reply:
    ref, _, sid = value.partition(" ")
    event = await resolve_event(ref, ctx, services)
    await require_manager(event, ctx, services)
    sid, meeting = await find_session(event, sid, ctx, services)
    async with event_adapter(event, services, team_id=ctx.team_id) as airmeet:
        await airmeet.delete_session(event.uuid, sid)
    if meeting is not None:
        await services.storage.meetings.cancel(ctx.team_id, meeting.id)  # its reminders stop too
    return Reply.ephemeral(f"Deleted the session `{sid}` of {event.label}.")


async def kept(value: str, ctx: Context, services: Services) -> Reply:
    return Reply.ephemeral("Nothing changed.")


ACTIONS = (Action(CONFIRM, delete_confirmed), Action(CANCEL, kept))
