"""A CSV file → its rows as ``{column: text}``, headers matched case-insensitively to a row model's fields.

    rows = read_table(b"Name,E-mail\\nAda,ada@example.com\\n", columns=columns_of(SpeakerRow))
    rows == [TableRow(number=2, cells={"name": "Ada", "email": "ada@example.com"})]

``number`` is the row as a spreadsheet shows it (the header is row 1). Anything wrong with the
file as a whole (not text, no header, an unknown or missing column, too big) is one ``UserError``
sentence naming what to fix; nothing else escapes (tests/unit/commands/imports/test_table.py
feeds it random bytes).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from pydantic import BaseModel

from commands.framework.errors import UserError
from commands.framework.tokenizer import echo

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
SHARED_MINUTES = 10  # a CSV shared this recently in the conversation is the one a bulk command imports
ENCODINGS = ("utf-8-sig", "cp1252")  # what spreadsheets save; cp1252 is Excel's "CSV" on Windows


@dataclass(frozen=True)
class TableRow:
    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Columns:
    """The columns a row model takes: header spelling (normalised) → field name, and the required fields."""

    names: dict[str, str]
    required: tuple[str, ...]
    shown: tuple[str, ...]  # the field names in order, as the help and errors show them


def normalise(header: str) -> str:
    """``"E-mail "`` → ``"e_mail"``: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower()).strip("_")


def columns_of(model: type[BaseModel]) -> Columns:
    """Each field by its name, plus the spellings listed as ``json_schema_extra={"aliases": [...]}``."""
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        aliases = extra.get("aliases") or []
        for spelling in (name, *(aliases if isinstance(aliases, list) else [])):
            names[normalise(str(spelling))] = name
    required = tuple(name for name, info in model.model_fields.items() if info.is_required())
    return Columns(names=names, required=required, shown=tuple(model.model_fields))


def decode(data: bytes | str) -> str:
    """The file as text; a sentence when it is too big or not text."""
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise UserError(f"That file is larger than {MAX_BYTES // 1_000_000} MB; split it into smaller files.")
        for encoding in ENCODINGS:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError("I could not read that file as text; save it as CSV (UTF-8) and try again.")
    if len(text) > MAX_BYTES:
        raise UserError(f"That CSV is longer than {MAX_BYTES // 1_000_000} MB of text; split it into smaller files.")
    if "\x00" in text:
        raise UserError("That file is not a CSV (it holds binary data); save it as CSV (UTF-8) and try again.")
    return text.lstrip("\ufeff")


def delimiter(header_line: str) -> str:
    """Comma, or the semicolon or tab some spreadsheets write instead."""
    counts = {mark: header_line.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def read_table(data: bytes | str, *, columns: Columns) -> list[TableRow]:
    """The rows with cells named by field; blank rows are left out. ``UserError`` for a bad file."""
    text = decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise UserError(f"That CSV is empty; its first row names the columns, e.g. `{','.join(columns.shown)}`.")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(first), strict=True))
    except csv.Error:
        raise UserError("I could not read that CSV (a quote is not closed, or a cell is too long); "
                        "check the file and try again.") from None
    header_index = next((i for i, record in enumerate(records) if any(cell.strip() for cell in record)), None)
    if header_index is None:
        raise UserError(f"That CSV is empty; its first row names the columns, e.g. `{','.join(columns.shown)}`.")
    fields = header_fields(records[header_index], columns)
    rows: list[TableRow] = []
    for offset, record in enumerate(records[header_index + 1:], start=header_index + 2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= MAX_ROWS:
            raise UserError(f"That CSV has more than {MAX_ROWS} rows; split it into smaller files.")
        cells = {field: (record[i].strip() if i < len(record) else "") for i, field in enumerate(fields)}
        if len(record) > len(fields) and any(cell.strip() for cell in record[len(fields):]):
            cells[EXTRA_CELLS] = "yes"
        rows.append(TableRow(number=offset, cells=cells))
    if not rows:
        raise UserError("That CSV has a header but no rows under it; add a row per item and try again.")
    return rows


EXTRA_CELLS = "__extra__"  # a row with more cells than the header has columns (the row model refuses it)


def header_fields(header: list[str], columns: Columns) -> list[str]:
    """The field of each header cell; one sentence naming the unknown and missing columns otherwise."""
    fields = [columns.names.get(normalise(cell), "") for cell in header]
    unknown = [cell.strip() for cell, field in zip(header, fields, strict=True) if not field and cell.strip()]
    missing = [name for name in columns.required if name not in fields]
    repeated = sorted({field for field in fields if field and fields.count(field) > 1})
    problems = []
    if unknown:
        problems.append(f"unknown column{'s' if len(unknown) > 1 else ''} {quoted(unknown)}")
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''} {quoted(missing)}")
    if repeated:
        problems.append(f"column{'s' if len(repeated) > 1 else ''} {quoted(repeated)} given twice")
    if problems:
        raise UserError(f"The CSV header has {' and '.join(problems)}: the columns are "
                        f"{quoted(list(columns.shown))} ({quoted(list(columns.required))} required), "
                        "in any order and any case.")
    return fields


def quoted(names: list[str]) -> str:
    """```a`, `b``` — at most eight, each one line of at most 40 characters (a header may be anything)."""
    shown = ["`" + echo(name).replace("`", "'") + "`" for name in names[:8]]
    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
    return ", ".join(shown) + more
