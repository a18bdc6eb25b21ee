"""``/airmeet … bulk``: speakers, sessions, booths and registrations of an event from a CSV.

    reply = await open_import(SPEAKERS, "k7m2qx", ctx, services)                   # a shared CSV, or the paste form
    reply = await open_import(SESSIONS, uuid, ctx, services, add_speakers=True, csv=text)

The CSV comes from a file the user shared in the conversation in the last few minutes (the shell
reads it with Slack's files API), else from the paste form (``BulkForm``), or inline as
``csv=…`` in the console (``\\n`` between rows). Rows are validated first and previewed with
Import / Cancel (commands.imports); each row (``rows``, the same model as the single add) is then
sent by the single-row add — the seed's "call this API multiple times": ``POST /airmeet/{id}/speaker``,
``/session``, ``/booths``, ``/attendee`` — and remembered as that add remembers it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from commands.airmeet.booths import add_booth, add_registration
from commands.airmeet.event_ref import EventRef, find_event
from commands.airmeet.forms import FieldProblem
from commands.airmeet.resolve import SLUG, AirmeetEvent, event_adapter, is_session, resolve_event
from commands.airmeet.rows import BoothRow, RegistrationRow, SessionRow, SpeakerRow, person
from commands.airmeet.sessions import add_session, session_times, store_session
from commands.airmeet.speakers import add_speaker
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import State, Values
from commands.framework.replies import Input, Modal, Reply, escape
from commands.imports import Kind, Outcome, columns_help, preview, require_postable
from db.records import ImportJob
from providers.airmeet import AirmeetProvider
from providers.airmeet.client import unix_ms
from providers.errors import ProviderError, Rejected

CALLBACK = "airmeet_bulk"
NOT_A_SPEAKER = "A speaker of this session is not on the event yet: add them first, or import with --add-speakers."


class Sending:
    """One adapter for the whole run, and the importer as the context each row is added in.

    Each kind's ``send`` is the single-row add (``speakers.add_speaker`` …) with the run's adapter, so
    a row is checked, sent and remembered exactly as one added by hand; ``exists`` is asked only for a
    row in doubt after a crash.
    """

    def __init__(self, airmeet: AirmeetProvider, event: AirmeetEvent, job: ImportJob, services: Services) -> None:
        self.airmeet, self.event, self.services = airmeet, event, services
        self.ctx = importer(job)
        self.options = job.options

    async def exists(self, row: Any) -> bool:
        # Speakers and registrations answer "already exists" (400) to a second send, which counts
        # as present; sessions and booths have no such answer, so they override this.
        return False


def refused(error: UserError) -> Rejected:
    """A row the single-row add refused (a check before sending): that row fails with its sentence."""
    return Rejected(str(error), provider=SLUG)


class SpeakerSending(Sending):
    async def send(self, row: SpeakerRow) -> Outcome:
        result = await add_speaker(self.event, row, self.ctx, self.services, airmeet=self.airmeet)
        return "done" if result.added else "present"


class SessionSending(Sending):
    def __init__(self, airmeet: AirmeetProvider, event: AirmeetEvent, job: ImportJob, services: Services) -> None:
        super().__init__(airmeet, event, job, services)
        self.adding: dict[str, asyncio.Future[Any]] = {}  # --add-speakers: each added once per run, rows wait for it

    async def send(self, row: SessionRow) -> Outcome:
        if self.options.get("add_speakers"):
            for item in (*row.speakers, *row.cohosts):
                await self.add_speaker(*person(item))
        try:
            await add_session(self.event, row, self.ctx, self.services, airmeet=self.airmeet)
        except FieldProblem as error:
            if error.field in ("speakers", "cohosts"):
                # Seed §4.3: "Speakers should be added to the Airmeet before creating the session".
                raise Rejected(NOT_A_SPEAKER, provider=SLUG) from error
            raise refused(error) from error
        except Rejected as error:
            if error.field == "speakerEmails":
                raise Rejected(NOT_A_SPEAKER, provider=SLUG, status=error.status, field=error.field,
                               raw=error.raw) from error
            raise
        return "done"

    async def add_speaker(self, name: str, email: str) -> None:
        """Add (and remember) a speaker once; a row naming them while that is under way waits for it."""
        adding = self.adding.get(email.lower())
        if adding is None:
            adding = self.adding[email.lower()] = asyncio.ensure_future(add_speaker(
                self.event, SpeakerRow(name=name, email=email), self.ctx, self.services, airmeet=self.airmeet))
        try:
            await asyncio.shield(adding)
        except ProviderError:
            self.adding.pop(email.lower(), None)  # the next row naming them tries again
            raise

    async def exists(self, row: SessionRow) -> bool:
        """Stored by meetbot already, or made at Airmeet before the crash (then stored now, as a send would)."""
        try:
            start, length = session_times(row, self.ctx, self.services)
        except UserError as error:
            raise refused(error) from error
        # A session stored without its id keeps the event's uuid as its room (``store_session``).
        stored = [m for m in await self.services.storage.airmeet.by_room(self.ctx.team_id, self.event.uuid)
                  if is_session(m) and m.title == row.title and m.starts_at == start]
        if stored:
            return True
        # Assumption: /info lists sessions with the fields they were created with (NOTES.md names only
        # ``sessionid``; the spellings are the adapter's ``find_session``'s); same title and start is this row's.
        info = await self.airmeet.event_info(self.event.uuid)
        wanted = unix_ms(start)
        if not any((s.get("name") or s.get("sessionTitle")) == row.title
                   and (s.get("start_time") or s.get("sessionStartTime")) == wanted
                   for s in info.get("sessions") or [] if isinstance(s, dict)):
            return False
        sid = await self.airmeet.find_session(self.event.uuid, title=row.title, start=start)
        if not await self.services.storage.airmeet.by_room(self.ctx.team_id, sid or ""):
            await store_session(self.event, row.title, start, length, sid, self.ctx, self.services)
        return True


class BoothSending(Sending):
    async def send(self, row: BoothRow) -> Outcome:
        await add_booth(self.event, row, self.ctx, self.services, airmeet=self.airmeet)
        return "done"

    async def exists(self, row: BoothRow) -> bool:
        booths = await self.airmeet.booths(self.event.uuid)
        return any(b.get("name") == row.name for b in booths if isinstance(b, dict))


class RegistrationSending(Sending):
    async def send(self, row: RegistrationRow) -> Outcome:
        return "done" if await add_registration(self.event, row, self.ctx, self.services,
                                                airmeet=self.airmeet) else "present"


def importer(job: ImportJob) -> Context:
    """The person who clicked Import, as the context each row is added in (their zone, their e-mail as host)."""
    return Context(team_id=job.team_id, user_id=job.requested_by, channel_id=job.channel_id,
                   user_tz=str(job.options.get("timezone") or "UTC"))


def opener(sending: type[Sending]) -> Any:
    @asynccontextmanager
    async def open_sender(job: ImportJob, services: Services) -> AsyncIterator[Sending]:
        event = await resolve_event(job.target, importer(job), services)  # with the account it was made with
        async with event_adapter(event, services, team_id=job.team_id) as adapter:
            yield sending(adapter, event, job, services)

    return open_sender


SPEAKERS = Kind(name="airmeet.speaker", noun="speaker", row=SpeakerRow, key=lambda row: row.email.lower(),
                open=opener(SpeakerSending), actions="airmeet")
SESSIONS = Kind(name="airmeet.session", noun="session", row=SessionRow,
                key=lambda row: f"{row.title.lower()}|{row.start}", open=opener(SessionSending), actions="airmeet")
BOOTHS = Kind(name="airmeet.booth", noun="booth", row=BoothRow, key=lambda row: row.name.lower(),
              open=opener(BoothSending), actions="airmeet")
REGISTRATIONS = Kind(name="airmeet.registration", noun="registration", row=RegistrationRow,
                     key=lambda row: row.email.lower(), open=opener(RegistrationSending), actions="airmeet")
KINDS = {kind.name: kind for kind in (SPEAKERS, SESSIONS, BOOTHS, REGISTRATIONS)}


# ------------------------------------------------------------------ entry points


async def open_import(kind: Kind, event_ref: str, ctx: Context, services: Services, *, add_speakers: bool = False,
                      csv: str | None = None) -> Reply:
    """The preview of ``csv`` (or of a CSV just shared here), else the paste form."""
    event = await find_event(event_ref, ctx, services)
    await require_postable(ctx, services)
    options = {"timezone": ctx.user_tz, **({"add_speakers": True} if add_speakers else {})}
    if csv is not None:
        return await preview(kind, csv.replace("\\n", "\n"), target=event.uuid, label=event.label, ctx=ctx,
                             services=services, options=options)
    shared = await services.files.latest_csv(ctx.team_id, ctx.channel_id, ctx.user_id) if ctx.channel_id else None
    if shared is not None:
        return await preview(kind, shared.content, target=event.uuid, label=event.label, ctx=ctx, services=services,
                             options=options)
    return Reply(modal=paste_form(kind, event_ref, event, ctx, add_speakers=add_speakers))


def paste_form(kind: Kind, event_ref: str, event: EventRef, ctx: Context, *, add_speakers: bool) -> Modal:
    # The event as typed (meetbot id or uuid): submitting looks it up, and checks the speaker, again.
    state = {"kind": kind.name, "event": event_ref, "add_speakers": "1" if add_speakers else ""}
    if ctx.channel_id:
        state["channel_id"] = ctx.channel_id
    return Modal(
        callback=CALLBACK, title=f"Import {kind.noun}s"[:24], submit="Preview", state=state,
        intro=(f"{kind.noun.capitalize()}s for *{escape(event.label)}*. Paste the CSV, header first — columns: "
               f"{columns_help(kind)}. A bigger file: share the .csv in this conversation and run the command again."),
        inputs=(Input("csv", "CSV", kind="multiline", hint="e.g. " + ",".join(kind.row.model_fields)[:140]),),
    )


class BulkForm:
    """The paste form: Preview shows the same "N rows ready" message as a shared file."""

    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]:
        if not str(values.get("csv") or "").strip():
            return {"csv": "Paste the CSV, its header row first."}
        return {}

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply:
        kind = KINDS.get(state.get("kind", ""))
        if kind is None:
            raise UserError("That form is from an older meetbot; run the command again.")
        options = {"timezone": ctx.user_tz, **({"add_speakers": True} if state.get("add_speakers") else {})}
        event = await find_event(state.get("event", ""), ctx, services)
        return await preview(kind, str(values.get("csv") or ""), target=event.uuid, label=event.label, ctx=ctx,
                             services=services, options=options)

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None:
        return None
