"""``/airmeet``: events, speakers, sessions, booths, registrations; ``GROUP`` is the value bot/runtime.py adds.

    await registry.dispatch("/airmeet", "speaker add k7m2qx bulk", ctx, services)

The groups hold the bulk entry points (``bulk_entry`` over commands.airmeet.bulk), each one
``Subcommand`` row, so they sit beside the single-row subcommands of the same groups.
"""

from __future__ import annotations

from typing import Literal

from commands.airmeet import bulk
from commands.framework.arguments import Arguments, flag, option, positional
from commands.framework.context import Context, Services
from commands.framework.replies import Reply
from commands.framework.router import Group, Subcommand
from commands.imports import Kind, columns_help, import_actions
from commands.imports.table import SHARED_MINUTES

CSV_HELP = ("The CSV: a .csv file you shared in this conversation in the last {minutes} minutes, else a form to "
            "paste it into (in the console: `csv=\"header\\nrow\\nrow\"`). Columns, any order and case: {columns}.")


class BulkArgs(Arguments):
    """``speaker add k7m2qx bulk``: the event (meetbot id or Airmeet uuid) and the word ``bulk``."""

    event: str = positional(metavar="event")
    bulk: Literal["bulk"] = positional(metavar="bulk", usage="bulk")
    csv: str | None = option(None, metavar="csv text")


class SessionBulkArgs(BulkArgs):
    """``session add k7m2qx bulk --add-speakers``: also add each row's speakers to the event first."""

    add_speakers: bool = flag("--add-speakers", "—add-speakers", "-add-speakers")


def bulk_entry(kind: Kind, *, name: str, example: str, summary: str) -> Subcommand:
    """The subcommand ``<name> <event> bulk`` importing ``kind``."""

    async def handler(arguments: BulkArgs, ctx: Context, services: Services) -> Reply:
        return await bulk.open_import(kind, arguments.event, ctx, services, csv=arguments.csv,
                                      add_speakers=getattr(arguments, "add_speakers", False))

    arguments = SessionBulkArgs if kind is bulk.SESSIONS else BulkArgs
    return Subcommand(name=name, handler=handler, arguments=arguments, example=example, summary=summary,
                      details=lambda: CSV_HELP.format(minutes=SHARED_MINUTES, columns=columns_help(kind)))


GROUP = Group(
    name="/airmeet",
    summary="Airmeet virtual events: speakers, sessions, booths and registrations, one by one or from a CSV",
    entries=(
        Group(name="speaker", summary="an event's speakers", entries=(
            bulk_entry(bulk.SPEAKERS, name="add", example="add k7m2qx bulk",
                       summary="add speakers from a CSV (name, email, …): a preview first, then Import"),
        )),
        Group(name="session", summary="an event's sessions", entries=(
            bulk_entry(bulk.SESSIONS, name="add", example="add k7m2qx bulk --add-speakers",
                       summary="create sessions from a CSV (title, start, duration, host_email, speakers, …); "
                               "their speakers must be on the event, or say `--add-speakers`"),
        )),
        Group(name="booth", summary="an event's booths", entries=(
            bulk_entry(bulk.BOOTHS, name="add", example="add k7m2qx bulk",
                       summary="create booths from a CSV (name, exhibitors, tags)"),
        )),
        bulk_entry(bulk.REGISTRATIONS, name="register", example="register k7m2qx bulk",
                   summary="register attendees from a CSV (email, first_name, last_name)"),
    ),
    forms={bulk.CALLBACK: bulk.BulkForm()},
    actions=import_actions("airmeet"),
)
