"""The ``bulk`` form of ``/airmeet`` add subcommands: ``speaker add k7m2qx bulk`` imports a CSV.

    SPEAKER_ADD = with_bulk(single_add, bulk.SPEAKERS, bulk_example="add k7m2qx bulk", bulk_summary="…")

One row of the group answers both ``add <event> key=value…`` (one speaker) and ``add <event> bulk``
(many): the word after the event decides which arguments model reads the line.
"""

from __future__ import annotations

from typing import Any, Literal

from commands.airmeet import bulk
from commands.framework.arguments import Arguments, flag, option, positional, read, usage
from commands.framework.context import Context, Services
from commands.framework.replies import Reply
from commands.framework.router import Subcommand
from commands.framework.tokenizer import tokenize
from commands.imports import Kind, columns_help
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


def with_bulk(single: Subcommand, kind: Kind, *, command: str, bulk_example: str, bulk_summary: str) -> Subcommand:
    """``single`` (``<name> <event> key=value…``) that also reads ``<name> <event> bulk`` as a CSV import of ``kind``.

    ``command`` is how errors name it (``/airmeet speaker add``)."""
    bulk_model: type[BulkArgs] = SessionBulkArgs if kind is bulk.SESSIONS else BulkArgs

    def reader(text: str, ctx: Context, services: Services) -> Any:
        tokens = tokenize(text)
        words = [token for token in tokens if token.key is None]
        wants_bulk = len(words) >= 2 and not words[1].quoted and words[1].text.lower() == "bulk"
        return read(bulk_model if wants_bulk else single.arguments, tokens, command=command)

    async def handler(arguments: Any, ctx: Context, services: Services) -> Reply:
        if isinstance(arguments, BulkArgs):
            return await bulk.open_import(kind, arguments.event, ctx, services, csv=arguments.csv,
                                          add_speakers=getattr(arguments, "add_speakers", False))
        return await single.handler(arguments, ctx, services)

    def details() -> str:
        lines = [single.details()] if single.details is not None else []
        lines.append(f"from a CSV: `{command.rsplit(' ', 1)[0]} {usage(single.name, bulk_model)}` — {bulk_summary}; "
                     f"e.g. `{command.rsplit(' ', 1)[0]} {bulk_example}`")
        lines.append(CSV_HELP.format(minutes=SHARED_MINUTES, columns=columns_help(kind)))
        return "\n".join(lines)

    return Subcommand(name=single.name, handler=handler, arguments=single.arguments, summary=single.summary,
                      example=single.example, admin=single.admin, reader=reader, details=details)
