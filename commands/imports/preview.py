"""Read a CSV into a stored job and answer "N rows ready, M with errors (row 7: …)" with Import / Cancel.

    reply = await preview(SPEAKERS, csv_bytes, target=event_uuid, label="Summit", ctx=ctx, services=services)
    actions = import_actions("airmeet")     # the group that offers the kinds lists these buttons

Nothing is sent before Import is pressed; pressing it twice queues the job once, and only the
person who started the import (or a workspace admin) may press it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import Action
from commands.framework.policy import is_admin
from commands.framework.replies import Button, Message, Reply, escape
from commands.imports.kinds import Kind
from commands.imports.table import EXTRA_CELLS, TableRow, columns_of, read_table
from db.records import ImportJob, ImportRow, new_import_id

SHOWN_ERRORS = 5  # row errors named in the preview; the rest are in the CSV of failed rows
START, CANCEL = "import_start", "import_cancel"


def row_error(error: ValidationError) -> str:
    """The first problem of a row as "e-mail is not a valid e-mail address" (the value is not quoted)."""
    problem = error.errors(include_input=False, include_url=False)[0]
    where = str(problem["loc"][0]) if problem["loc"] else ""
    name = "a cell" if where == EXTRA_CELLS else where.replace("_", " ") or "the row"
    kind = problem["type"]
    if kind == "missing":
        return f"{name} is empty"
    if kind == "extra_forbidden":
        return "it has more cells than the header has columns" if where == EXTRA_CELLS else f"{name} is unknown"
    if kind == "string_too_long":
        return f"{name} is longer than {problem.get('ctx', {}).get('max_length', 'allowed')} characters"
    message = str(problem["msg"]).removeprefix("Value error, ").rstrip(".")
    return f"{name} {message}" if kind == "value_error" else f"{name}: {message[:1].lower()}{message[1:]}"


def validate_rows(kind: Kind, table: Sequence[TableRow], *, job_id: str) -> list[ImportRow]:
    """Each row as a pending ``ImportRow`` (validated values and key) or an invalid one with its reason."""
    rows: list[ImportRow] = []
    first_of: dict[str, int] = {}
    for line in table:
        cells: dict[str, Any] = {name: value for name, value in line.cells.items() if value != ""}
        try:
            model = kind.row.model_validate(cells)
        except ValidationError as error:
            rows.append(ImportRow(job_id=job_id, number=line.number, key="", data=dict(line.cells),
                                  status="invalid", reason=row_error(error)))
            continue
        key = kind.key(model)
        if key in first_of:
            rows.append(ImportRow(job_id=job_id, number=line.number, key=key, data=dict(line.cells),
                                  status="invalid", reason=f"it repeats row {first_of[key]}"))
            continue
        first_of[key] = line.number
        rows.append(ImportRow(job_id=job_id, number=line.number, key=key, data=model.model_dump(mode="json")))
    return rows


async def require_postable(ctx: Context, services: Services) -> None:
    """The progress and the summary go where the import was started: the bot must be able to post there."""
    if ctx.channel_id and not await services.directory.can_post(ctx.team_id, ctx.channel_id):
        raise UserError("I can't post in this channel, so you would not see the import's progress: invite me "
                        "with `/invite @meetbot`, or run the command in a DM with me.")


async def preview(kind: Kind, data: bytes | str, *, target: str, label: str, ctx: Context, services: Services,
                  options: dict[str, Any] | None = None) -> Reply:
    """Store the job (status preview) and say what Import would do; a bad header is one ``UserError``."""
    await require_postable(ctx, services)
    table = read_table(data, columns=columns_of(kind.row))
    job = ImportJob(id=new_import_id(), team_id=ctx.team_id, kind=kind.name, target=target, label=label,
                    options=options or {}, requested_by=ctx.user_id, channel_id=ctx.channel_id)
    await services.storage.imports.create(job, validate_rows(kind, table, job_id=job.id))
    counts = await services.storage.imports.counts(job.id)
    ready, invalid, skipped = counts["pending"], counts["invalid"], counts["skipped"]
    text = f"*{ready} row{'s' if ready != 1 else ''} ready*, {invalid} with errors"
    if invalid:
        bad = await services.storage.imports.rows(job.id, ("invalid",))
        named = "; ".join(f"row {row.number}: {row.reason}" for row in bad[:SHOWN_ERRORS])
        more = f"; and {invalid - SHOWN_ERRORS} more" if invalid > SHOWN_ERRORS else ""
        text += f" ({escape(named)}{more})"
    if skipped:
        text += f", {skipped} already imported (skipped)"
    where = f"*{escape(label)}*"
    if not ready:
        await services.storage.imports.cancel(ctx.team_id, job.id)
        return Reply.ephemeral(f"{text}. Nothing to import into {where}; fix the rows and try again.")
    text += f".\nImport {kind.plural(ready)} into {where}? Rows with errors are left out."
    buttons = (Button("Import", action_id=f"{kind.actions}_{START}", value=job.id, style="primary"),
               Button("Cancel", action_id=f"{kind.actions}_{CANCEL}", value=job.id))
    return Reply([Message(text, buttons=buttons)])


async def owned_job(job_id: str, ctx: Context, services: Services) -> ImportJob:
    """The job, when the speaker started it or is an admin; one sentence otherwise."""
    job = await services.storage.imports.get(ctx.team_id, job_id)
    if job is None:
        raise UserError("I no longer know that import; run the command again.")
    if job.requested_by != ctx.user_id and not await is_admin(ctx, services):
        raise UserError(f"Only <@{job.requested_by}>, who started this import, or a workspace admin can do that.")
    return job


async def start_clicked(job_id: str, ctx: Context, services: Services) -> Reply:
    """Import: queue the job once; the import worker picks it up within a tick."""
    job = await owned_job(job_id, ctx, services)
    if not await services.storage.imports.queue(ctx.team_id, job.id):
        state = {"queued": "is already running", "done": "has already finished", "cancelled": "was cancelled"}
        return Reply.ephemeral(f"That import {state.get(job.status, 'has already started')}.")
    return Reply.ephemeral(f"Importing into *{escape(job.label)}*: I post the progress here and a summary when done.")


async def cancel_clicked(job_id: str, ctx: Context, services: Services) -> Reply:
    """Cancel: before Import nothing is sent; while importing it stops before the next row."""
    job = await owned_job(job_id, ctx, services)
    if not await services.storage.imports.cancel(ctx.team_id, job.id):
        return Reply.ephemeral("That import has already finished or was cancelled; nothing changed.")
    if job.status == "preview":
        return Reply.ephemeral("Cancelled; nothing was imported.")
    return Reply.ephemeral("Cancelling: the rows already sent stay; no further row is sent.")


def import_actions(prefix: str) -> tuple[Action, ...]:
    """The Import and Cancel buttons of the kinds whose ``actions`` is ``prefix`` (one group lists them)."""
    return (Action(f"{prefix}_{START}", start_clicked), Action(f"{prefix}_{CANCEL}", cancel_clicked))


def columns_help(kind: Kind) -> str:
    """``name, email (required); organisation, …`` for help texts and the paste form."""
    columns = columns_of(kind.row)
    optional = [name for name in columns.shown if name not in columns.required]
    text = ", ".join(columns.required) + " (required)"
    return text + (f"; {', '.join(optional)}" if optional else "")


__all__ = ["cancel_clicked", "columns_help", "import_actions", "preview", "require_postable", "start_clicked"]
