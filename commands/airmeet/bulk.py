"""``/airmeet … bulk``: speakers, sessions, booths and registrations of an event from a CSV.

    reply = await open_import(SPEAKERS, "k7m2qx", ctx, services)                   # a shared CSV, or the paste form
    reply = await open_import(SESSIONS, uuid, ctx, services, add_speakers=True, csv=text)

The CSV comes from a file the user shared in the conversation in the last few minutes (the shell
reads it with Slack's files API), else from the paste form (``BulkForm``), or inline as
``csv=…`` in the console (``\\n`` between rows). Rows are validated first and previewed with
Import / Cancel (commands.imports); each row (``bulk_rows``) is then one call of the seed's "call
this API multiple times": ``POST /airmeet/{id}/speaker``, ``/session``, ``/booths``, ``/attendee``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from commands.airmeet.bulk_rows import BoothRow, RegistrationRow, SessionRow, SpeakerRow, person
from commands.airmeet.event_ref import EventRef, find_event
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import State, Values
from commands.framework.replies import Input, Modal, Reply, escape
from commands.imports import Kind, Outcome, columns_help, preview, require_postable
from commands.lifecycle import open_adapter
from db.records import ImportJob
from providers.airmeet.client import unix_ms
from providers.errors import Rejected

CALLBACK = "airmeet_bulk"


class Sending:
    """One adapter for the whole run; each kind's ``send``/``exists`` below."""

    def __init__(self, adapter: Any, job: ImportJob) -> None:
        self.airmeet = adapter
        self.job = job
        self.event = job.target
        self.added_speakers: set[str] = set()

    async def exists(self, row: Any) -> bool:
        # Speakers and registrations answer "already exists" (400) to a second send, which counts
        # as present; sessions and booths have no such answer, so they override this.
        return False


class SpeakerSending(Sending):
    async def send(self, row: SpeakerRow) -> Outcome:
        try:
            await self.airmeet.add_speaker(self.event, name=row.name, email=row.email, organisation=row.organisation,
                                           designation=row.designation, image_url=row.image_url, bio=row.bio,
                                           city=row.city, country=row.country)
        except Rejected as error:
            # Seed §4.2: "400 Bad Request - in case the speaker with the same name or email already exists".
            if error.status == 400:
                return "present"
            raise
        return "done"


class SessionSending(Sending):
    async def send(self, row: SessionRow) -> Outcome:
        if self.job.options.get("add_speakers"):
            for item in row.speakers:
                await self.add_speaker(item)
        try:
            await self.airmeet.create_session(
                self.event, title=row.title, start=row.starts_at(self.job.options.get("timezone") or "UTC"),
                duration_minutes=row.duration, host_email=row.host_email, summary=row.summary,
                speaker_emails=[person(item)[1] for item in row.speakers],
                cohost_emails=[person(item)[1] for item in row.cohosts],
            )
        except Rejected as error:
            if error.field == "speakerEmails":
                # Seed §4.3: "Speakers should be added to the Airmeet before creating the session".
                raise Rejected("A speaker of this session is not on the event yet: add them first, or import "
                               "with --add-speakers.", provider="airmeet", status=error.status,
                               field=error.field, raw=error.raw) from error
            raise
        return "done"

    async def add_speaker(self, item: str) -> None:
        name, email = person(item)
        if email.lower() in self.added_speakers:
            return
        try:
            await self.airmeet.add_speaker(self.event, name=name, email=email)
        except Rejected as error:
            if error.status != 400:  # 400: already a speaker, which is what we want
                raise
        self.added_speakers.add(email.lower())

    async def exists(self, row: SessionRow) -> bool:
        # Assumption: /info lists sessions with the fields they were created with (NOTES.md names
        # only ``sessionid``); a session with the same title and start is this row's.
        info = await self.airmeet.event_info(self.event)
        start = unix_ms(row.starts_at(self.job.options.get("timezone") or "UTC"))
        return any(s.get("sessionTitle") == row.title and s.get("sessionStartTime") == start
                   for s in info.get("sessions") or [] if isinstance(s, dict))


class BoothSending(Sending):
    async def send(self, row: BoothRow) -> Outcome:
        await self.airmeet.create_booth(self.event, name=row.name, exhibitors=row.exhibitors, tags=row.tags)
        return "done"

    async def exists(self, row: BoothRow) -> bool:
        return any(b.get("name") == row.name for b in await self.airmeet.booths(self.event) if isinstance(b, dict))


class RegistrationSending(Sending):
    async def send(self, row: RegistrationRow) -> Outcome:
        try:
            await self.airmeet.add_attendee(self.event, email=row.email, first_name=row.first_name,
                                            last_name=row.last_name)
        except Rejected as error:
            # Assumption (NOTES.md does not say): a second registration is a 400 saying "already".
            if "already" in (error.raw or "").lower():
                return "present"
            raise
        return "done"


def opener(sending: type[Sending]) -> Any:
    @asynccontextmanager
    async def open_sender(job: ImportJob, services: Services) -> AsyncIterator[Sending]:
        async with open_adapter(services, team_id=job.team_id, provider="airmeet") as adapter:
            yield sending(adapter, job)

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
