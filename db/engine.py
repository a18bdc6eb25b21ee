"""Engine creation, with errors an operator can act on.

    engine = make_engine("sqlite:///meetbot.db", vault=vault)         # db.storage.Storage, Alembic
    engine = make_async_engine("sqlite:///meetbot.db", vault=vault)   # aiosqlite / psycopg async: `meetbot migrate`

The schema itself is Alembic's (db/schema.py, db/migrations/).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import create_engine

import db.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from db.crypto import VAULT_ATTRIBUTE, Vault
from db.errors import StorageError

E = TypeVar("E", Engine, AsyncEngine)
log = logging.getLogger(__name__)


class DatabaseUnavailable(StorageError):
    """The database URL is wrong or the server cannot be reached; the message says which."""


def normalise_url(url: str) -> str:
    """Let operators write ``postgresql://`` or ``postgres://``: we always drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def async_url(url: str) -> str:
    """The async driver's URL for what operators write: ``sqlite:///x.db`` -> ``sqlite+aiosqlite:///x.db``.

    ``postgresql://``, ``postgres://`` and ``postgresql+psycopg://`` all become psycopg 3, whose
    ``postgresql+psycopg`` dialect is async under ``create_async_engine``.
    """
    url = normalise_url(url)
    for prefix in ("sqlite://", "sqlite+pysqlite://"):
        if url.startswith(prefix):
            return "sqlite+aiosqlite://" + url[len(prefix):]
    return url


def sync_url(url: str) -> str:
    """The reverse of ``async_url``, for Alembic's checks and the storage's sync engine."""
    url = normalise_url(url)
    if url.startswith("sqlite+aiosqlite://"):
        return "sqlite://" + url[len("sqlite+aiosqlite://"):]
    return url


def make_engine(url: str, *, vault: Vault | None) -> Engine:
    """A sync engine whose ``Encrypted`` columns use ``vault``."""
    return _made(create_engine, sync_url(url), vault)


def make_async_engine(url: str, *, vault: Vault | None) -> AsyncEngine:
    """An async engine (aiosqlite or psycopg 3) whose ``Encrypted`` columns use ``vault``."""
    engine: AsyncEngine = _made(create_async_engine, async_url(url), vault)
    return engine


def _made(factory: Callable[..., E], url: str, vault: Vault | None) -> E:
    """``factory(url)`` with our options; the vault and SQLite's pragmas on its (sync) core."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(f"DATABASE_URL {url!r} is not a database URL (e.g. sqlite:///meetbot.db).") from None
    options: dict[str, Any] = {"pool_pre_ping": True}  # a server may have closed an idle connection
    if parsed.get_backend_name() == "sqlite":
        # A file has no server to drop the connection: no SELECT 1 before every checkout.
        options = {"pool_pre_ping": False, "connect_args": {"check_same_thread": False, "timeout": 30}}
        create_private(parsed.database)
    try:
        engine = factory(url, **options)
    except (ArgumentError, ImportError) as error:
        raise DatabaseUnavailable(f"DATABASE_URL cannot be used: {error}") from None
    core: Engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    if vault is not None:  # None: schema work only; an Encrypted column then raises, naming the cause
        setattr(core.dialect, VAULT_ATTRIBUTE, vault)
    if parsed.get_backend_name() == "sqlite":
        event.listen(core, "connect", _sqlite_pragmas)
    return engine


def create_private(database: str | None) -> None:
    """Create a SQLite file that does not exist yet as 0600: it holds encrypted secrets and the
    meetings of a workspace, none of it for other users of the machine. SQLite gives its -wal and
    -shm files the database file's mode. Memory databases and existing files are left alone."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as error:  # a missing directory: SQLite's own error names the path later
        log.debug("could not create %s: %s", database, error.strerror)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
