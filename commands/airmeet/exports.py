"""``/airmeet attendance <event> [session|booth]``, ``/airmeet polls <event>``, ``/airmeet questions <event>``:
a summary in Slack and the full data as a CSV file, sent to the asker by DM.

    await registry.dispatch("/airmeet", "attendance k7m2qx", ctx, services)
    reply = await advance_export(job, services)      # the export worker: None while Airmeet still prepares it

Airmeet prepares some exports first and answers "Preparing your results. Try after 5 minutes"
(``NotReady``). Then the request is kept (``storage.airmeet.queue_export``), the asker is told once
that the file is on its way, and the export worker asks again every ``RETRY_AFTER`` until it is
ready (the file goes out) or ``MAX_ATTEMPTS`` have passed (the asker is told to try later).
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from commands.airmeet.resolve import (
    MEETING_ID,
    AirmeetEvent,
    clean_ref,
    event_adapter,
    is_session,
    require_manager,
    resolve_event,
)
from commands.framework.arguments import Arguments, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError, provider_sentence
from commands.framework.replies import Attachment, Audience, Message, Reply, escape
from db.records import AirmeetExport
from providers.airmeet import AirmeetProvider
from providers.errors import NotReady, ProviderError

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=5)  # Airmeet: "Try after 5 minutes"
MAX_ATTEMPTS = 12  # an hour of asking, then the asker is told to try again later
ROW_MAX = 50_000  # a file past this is cut, and the summary says so
WHAT = {
    "attendance": "attendance", "session_attendance": "session attendance",
    "booth_attendance": "booth attendance", "polls": "poll answers", "questions": "questions",
}


class EventTarget(Arguments):
    """``attendance <event> [session|booth]``: a session (meetbot or Airmeet id) or a booth (Airmeet id)."""

    event: str = positional(metavar="event")
    target: str | None = positional(None, metavar="session|booth")


class EventOnly(Arguments):
    """``polls <event>``, ``questions <event>``."""

    event: str = positional(metavar="event")


async def rows_of(airmeet: AirmeetProvider, kind: str, event_id: str, target: str) -> list[dict[str, Any]]:
    """Every row of one export; ``NotReady`` while Airmeet prepares it."""
    if kind == "questions":
        return [row for row in await airmeet.questions(event_id) if isinstance(row, dict)]
    source: AsyncIterator[dict[str, Any]]
    if kind == "attendance":
        source = airmeet.attendees(event_id)
    elif kind == "session_attendance":
        source = airmeet.session_attendees(target)
    elif kind == "booth_attendance":
        source = airmeet.booth_attendees(event_id, target)
    else:
        source = airmeet.poll_responses(event_id)
    rows: list[dict[str, Any]] = []
    async for row in source:
        if len(rows) >= ROW_MAX + 1:
            break
        rows.append(row)
    return rows


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """Rows as CSV: every key a column (first seen first); nested values as JSON."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
    return out.getvalue().encode()


def cell(value: Any) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    # A spreadsheet runs a cell starting with = + - @ as a formula: quote it as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def file_message(job_title: str, kind: str, rows: list[dict[str, Any]], *, user_id: str, event_id: str) -> Message:
    """The DM carrying the CSV, with a one-line summary."""
    cut = len(rows) > ROW_MAX
    rows = rows[:ROW_MAX]
    count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}" + (f" (the first {ROW_MAX})" if cut else "")
    extra = ""
    if kind == "questions":
        asked = sum(len(row.get("questions") or []) for row in rows if isinstance(row.get("questions"), list))
        extra = f", {asked} question{'s' if asked != 1 else ''} asked"
    elif kind == "polls":
        answers = sum(len(row.get("polls") or []) for row in rows if isinstance(row.get("polls"), list))
        extra = f", {answers} poll answer{'s' if answers != 1 else ''}"
    name = f"airmeet-{kind.replace('_', '-')}-{event_id[:12]}.csv"
    return Message(f"The {WHAT[kind]} of *{escape(job_title)}*: {count}{extra}.", audience=Audience.DM, to=user_id,
                   attachment=Attachment(name, csv_bytes(rows), title=f"{WHAT[kind].capitalize()} — {job_title}"))


async def target_kind(event: AirmeetEvent, airmeet: AirmeetProvider, ref: str | None, ctx: Context,
                      services: Services) -> tuple[str, str]:
    """(kind, target id): the event, a session (stored or by Airmeet id) or a booth of the event."""
    if ref is None:
        return "attendance", ""
    ref = clean_ref(ref)
    stored = await services.storage.meetings.get(ctx.team_id, ref) if MEETING_ID.fullmatch(ref) else None
    if stored is not None and is_session(stored) and stored.provider_data.get("event_id") == event.uuid:
        sid = stored.provider_data.get("session_id")
        if not sid:
            raise UserError(f"Airmeet never told meetbot the id of the session `{stored.id}`; give its id from "
                            "the Airmeet dashboard instead.")
        return "session_attendance", str(sid)
    if any(str(booth.get("uid") or booth.get("uuid") or booth.get("id")) == ref for booth in await airmeet.booths(event.uuid)):
        return "booth_attendance", ref
    return "session_attendance", ref


async def export(kind: str | None, event_ref: str, target: str | None, ctx: Context, services: Services) -> Reply:
    """Fetch the export now; when Airmeet is still preparing it, keep the request and say so once."""
    event = await resolve_event(event_ref, ctx, services)
    await require_manager(event, ctx, services)
    async with event_adapter(event, services, team_id=ctx.team_id) as airmeet:
        kind, target_id = (kind, "") if kind else await target_kind(event, airmeet, target, ctx, services)
        try:
            rows = await rows_of(airmeet, kind, event.uuid, target_id)
        except NotReady:
            return await queue(event, kind, target_id, ctx, services)
    message = file_message(event.title, kind, rows, user_id=ctx.user_id, event_id=event.uuid)
    return Reply([message, Message(f"{message.text} I sent you the CSV file by direct message.")])


async def queue(event: AirmeetEvent, kind: str, target_id: str, ctx: Context, services: Services) -> Reply:
    _, new = await services.storage.airmeet.queue_export(
        ctx.team_id, user_id=ctx.user_id, event_id=event.uuid, kind=kind, target_id=target_id,
        account_name=event.account, title=event.title, due_at=services.clock() + RETRY_AFTER,
    )
    if not new:
        return Reply.ephemeral(f"Airmeet is still preparing the {WHAT[kind]} of {event.label}; I will send you the "
                               "file by direct message as soon as it is ready.")
    return Reply.ephemeral(f"Airmeet is preparing the {WHAT[kind]} of {event.label}. I will ask again every "
                           f"{int(RETRY_AFTER.total_seconds() // 60)} minutes and send you the CSV file by direct "
                           "message when it is ready.")


async def attendance_command(arguments: EventTarget, ctx: Context, services: Services) -> Reply:
    return await export(None, arguments.event, arguments.target, ctx, services)


async def polls_command(arguments: EventOnly, ctx: Context, services: Services) -> Reply:
    return await export("polls", arguments.event, None, ctx, services)


async def questions_command(arguments: EventOnly, ctx: Context, services: Services) -> Reply:
    return await export("questions", arguments.event, None, ctx, services)


# --- the export worker's step ------------------------------------------------------------------


@dataclass(frozen=True)
class ExportStep:
    """What one try of a kept export gives the worker: a reply to send (or None: asked again later),
    and whether the job is over already (``finished``) or ends once the file is sent (``finish_export``)."""

    reply: Reply | None
    finished: bool = False


async def advance_export(job: AirmeetExport, services: Services) -> ExportStep:
    """One more try of a kept export: the DM with the file; no reply while Airmeet still prepares it
    (asked again later); a DM saying why when it failed or took too long (the job is then over)."""
    event = AirmeetEvent(uuid=job.event_id, account=job.account_name)
    store = services.storage.airmeet
    try:
        async with event_adapter(event, services, team_id=job.team_id) as airmeet:
            rows = await rows_of(airmeet, job.kind, job.event_id, job.target_id)
    except NotReady:
        if job.attempts < MAX_ATTEMPTS:
            await store.retry_export(job.team_id, job.id, due_at=services.clock() + RETRY_AFTER)
            return ExportStep(None)
        await store.finish_export(job.team_id, job.id, status="failed")
        return ExportStep(Reply([Message(
            f"Airmeet has still not prepared the {WHAT[job.kind]} of *{escape(job.title)}* after an hour, so I "
            "stopped asking; please ask again later.", audience=Audience.DM, to=job.user_id)]), finished=True)
    except ProviderError as error:
        await store.finish_export(job.team_id, job.id, status="failed")
        return ExportStep(Reply([Message(
            f"I could not get the {WHAT[job.kind]} of *{escape(job.title)}*: {provider_sentence(error)}",
            audience=Audience.DM, to=job.user_id)]), finished=True)
    return ExportStep(Reply([file_message(job.title, job.kind, rows, user_id=job.user_id, event_id=job.event_id)]))


async def due_exports(services: Services) -> list[AirmeetExport]:
    """Claim the kept exports whose time to ask again has come (every workspace)."""
    return await services.storage.airmeet.claim_exports(now=services.clock())


async def finish_export(job: AirmeetExport, services: Services, *, delivered: bool) -> None:
    """After the worker sent the file: done; if Slack refused it, try once more later."""
    if delivered or job.attempts >= MAX_ATTEMPTS:
        await services.storage.airmeet.finish_export(job.team_id, job.id, status="done" if delivered else "failed")
    else:
        await services.storage.airmeet.retry_export(job.team_id, job.id, due_at=services.clock() + RETRY_AFTER)
