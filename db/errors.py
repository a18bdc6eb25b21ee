"""One error for everything the database can do wrong, worded for an operator or a Slack user.

    try:
        meeting = await storage.meetings.get("T1", "k7m2qx")
    except StorageError as error:
        reply(str(error))            # "The database cannot be reached right now: ..."

SQLAlchemy's own exceptions never leave db/: their text quotes the statement and its parameters,
and parameters may be secrets (provider keys, Slack tokens, host links). ``StorageError`` keeps
only the driver's first line (psycopg puts the offending values on the DETAIL line after it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError


class StorageError(RuntimeError):
    """The database refused or failed a call; ``str(error)`` is one sentence without parameters."""


def first_line(error: SQLAlchemyError) -> str:
    """The driver's reason, first line only (never the statement, never the parameters)."""
    original = error.orig if isinstance(error, DBAPIError) else None
    text = str(original if original is not None else type(error).__name__).strip()
    return (text.splitlines() or [type(error).__name__])[0]


def storage_error(error: SQLAlchemyError) -> StorageError:
    """The ``StorageError`` a SQLAlchemy error becomes: ``raise storage_error(e) from None``."""
    if isinstance(error, OperationalError):
        return StorageError(f"The database cannot be reached right now: {first_line(error)}.")
    if isinstance(error, IntegrityError):
        return StorageError(f"The database refused a change that conflicts with stored data: {first_line(error)}.")
    return StorageError(f"The database failed a request: {first_line(error)}.")


@contextmanager
def translated() -> Iterator[None]:
    """Run a block whose SQLAlchemy errors become ``StorageError`` (the cause is dropped: it quotes parameters)."""
    try:
        yield
    except SQLAlchemyError as error:
        raise storage_error(error) from None
