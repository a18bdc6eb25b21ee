"""Bulk imports: CSV rows → typed rows with per-row errors → a durable job that a worker sends, resumably.

    reply = await preview(kind, csv_bytes, target=uuid, label="Summit", ctx=ctx, services=services)
    GROUP = Group(..., actions=(*import_actions("airmeet"), ...))   # Import / Cancel buttons
    tally = await run_job(job, kind, services, report=on_progress)    # bot/workers/imports.py

A command group declares each importable kind (``Kind``: its row model, its key, how a row is
sent); ``table`` reads the file, ``preview`` validates and stores the job, ``runner`` sends it,
``progress`` says how it went. Layered below the command packages, above ``lifecycle``.
"""

from commands.imports.kinds import Kind, Outcome, Row, Sender, column, email_address, not_blank, optional
from commands.imports.preview import (
    cancel_clicked,
    columns_help,
    import_actions,
    preview,
    require_postable,
    start_clicked,
)
from commands.imports.progress import failed_csv, progress_message, summary_message
from commands.imports.runner import Pace, Tally, run_job

__all__ = [
    "Kind", "Outcome", "Pace", "Row", "Sender", "Tally", "cancel_clicked", "column", "columns_help",
    "email_address", "failed_csv", "import_actions", "not_blank", "optional", "preview", "progress_message",
    "require_postable",
    "run_job", "start_clicked", "summary_message",
]
