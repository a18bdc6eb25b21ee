"""The last line against unbounded text: no string longer than its column's cap is written.

    with Session(engine) as session:
        guard_lengths(session)           # db.repos.base does this for every repository session

The commands refuse long input in words first (a title's 150 characters, a form field's 3,000, a
command line's 4,000); this guard makes the same true of the paths that write rows, so a forged or
buggy request cannot fill the database: the ORM's flushes, and the rows given as parameters to an
insert or update executed on the table (the batch writes: meetings, outbox rows, workspaces). A
value over its cap raises ``ValueTooLong`` (a ``StorageError``: the user hears that nothing was
saved) and nothing of that flush or statement is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from db.crypto import Encrypted
from db.errors import StorageError

TEXT_MAX = 4_000  # a plain text column: ids, names, URLs, offsets
SECRET_MAX = 64_000  # an encrypted column's plaintext: keys, tokens, provider JSON
COLUMN_MAX = {
    "meeting.title": 255,  # the commands allow 150 (a Slack header); providers allow no more than 255
    "meeting.cohost_ids": 20_000,  # JSON lists of user ids: hundreds of people fit
    "meeting.invitee_ids": 20_000,
}


class ValueTooLong(StorageError):
    """A text value over its column's cap; the message names the column, never the value."""


def cap(table: str, column: Any) -> int:
    """The most characters ``table.column`` stores."""
    default = SECRET_MAX if isinstance(column.type, Encrypted) else TEXT_MAX
    return COLUMN_MAX.get(f"{table}.{column.name}", default)


def _refuse_long(table: Table, column: Any, value: object) -> None:
    """``ValueTooLong`` when ``value`` is text longer than ``table.column`` may hold."""
    if isinstance(value, str) and len(value) > (most := cap(table.name, column)):
        raise ValueTooLong(f"A {table.name}.{column.name} value of {len(value):,} characters is longer than "
                           f"the {most:,} it may hold, so nothing was saved.")


def _check_rows(state: ORMExecuteState) -> None:
    table = getattr(state.statement, "table", None)
    if not (state.is_insert or state.is_update) or not isinstance(table, Table):
        return
    parameters = state.parameters or {}
    rows = [parameters] if isinstance(parameters, Mapping) else parameters
    for row in rows:
        for key, value in row.items():
            if key in table.columns:  # an update's where-clause binds have names of their own
                _refuse_long(table, table.columns[key], value)


def _check(session: Session, _context: UOWTransaction, _instances: object) -> None:
    for instance in (*session.new, *session.dirty):
        model = getattr(type(instance), "__table__", None)
        if not isinstance(model, Table):
            continue
        state = inspect(instance)
        for column in model.columns:
            if column.key in state.dict:
                _refuse_long(model, column, state.dict[column.key])


def guard_lengths(session: Session) -> Session:
    """Refuse over-long text in ``session``'s flushes and table writes (see the module's docstring)."""
    event.listen(session, "before_flush", _check)
    event.listen(session, "do_orm_execute", _check_rows)
    return session
