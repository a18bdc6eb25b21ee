"""What a running import shows: one progress message (edited in place), then a summary and the failed rows as CSV.

    message = progress_message(job, kind, tally, ts=job.progress_ts)   # ts given: edit that message
    summary = summary_message(job, kind, tally)
    data = failed_csv(await storage.imports.rows(job.id, ("failed", "invalid")))   # None when nothing failed
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from commands.framework.replies import Audience, Button, Message, escape
from commands.imports.kinds import Kind
from commands.imports.preview import CANCEL
from commands.imports.runner import Tally
from db.records import ImportJob, ImportRow

BAR_WIDTH = 20


def bar(done: int, total: int) -> str:
    """``[██████░░░░░░░░░░░░░░] 30%``."""
    share = done / total if total else 1.0
    filled = round(share * BAR_WIDTH)
    return f"`[{'█' * filled}{'░' * (BAR_WIDTH - filled)}]` {round(share * 100)}%"


def progress_message(job: ImportJob, kind: Kind, tally: Tally, *, ts: str | None) -> Message:
    """The progress message, in the conversation the import was started from (``ts``: edit it)."""
    finished = tally.remaining == 0 or tally.cancelled
    verb = "Cancelled importing" if tally.cancelled else "Imported" if finished else "Importing"
    text = (f"{verb} {kind.noun}s into *{escape(job.label)}*: {tally.done} done, {tally.failed} failed, "
            f"{tally.remaining} remaining\n{bar(tally.done + tally.failed, tally.total)}")
    buttons = () if finished else (Button("Cancel", action_id=f"{kind.actions}_{CANCEL}", value=job.id),)
    return Message(text, audience=Audience.CHANNEL, to=job.channel_id or job.requested_by, buttons=buttons,
                   replace_ts=ts, purpose=f"import:{job.id}")


def summary_message(job: ImportJob, kind: Kind, tally: Tally, *, file_attached: bool) -> Message:
    """The final word: added, already there, skipped, failed (and that the failed rows are attached)."""
    counts = tally.counts
    parts = [f"{counts['done']} added"]
    if counts["present"]:
        parts.append(f"{counts['present']} already there")
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} skipped (imported by an earlier run)")
    if counts["invalid"]:
        parts.append(f"{counts['invalid']} with errors in the file")
    parts.append(f"{tally.failed} failed")
    if tally.cancelled:
        parts.append(f"{tally.remaining} not sent (cancelled)")
    head = "Import cancelled" if tally.cancelled else "Import finished"
    text = f"{head} — {kind.noun}s into *{escape(job.label)}*: {', '.join(parts)}."
    if file_attached:
        text += " The rows that were not imported, with the reason, are in the attached CSV."
    return Message(text, audience=Audience.CHANNEL, to=job.channel_id or job.requested_by)


def failed_csv(rows: Sequence[ImportRow]) -> bytes | None:
    """``row,reason,<columns…>`` for every failed or invalid row (UTF-8 with BOM, so Excel reads it); None if none."""
    if not rows:
        return None
    columns = list(dict.fromkeys(name for row in rows for name in row.data if not name.startswith("__")))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "reason", *columns])
    for row in rows:
        writer.writerow([row.number, row.reason or "", *(_cell(row.data.get(name)) for name in columns)])
    return ("\ufeff" + out.getvalue()).encode()


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = ";".join(map(str, value)) if isinstance(value, list) else str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: keep it text (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
