"""Engine creation and schema set-up, with errors an operator can act on.

    engine = make_engine("sqlite:///meetbot.db", vault=vault)
    create_schema(engine)            # DatabaseUnavailable with one clear sentence if unreachable
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlmodel import SQLModel, create_engine

import db.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from db.crypto import VAULT_ATTRIBUTE, Vault


class DatabaseUnavailable(RuntimeError):
    """The database URL is wrong or the server cannot be reached; the message says which."""


def normalise_url(url: str) -> str:
    """Let operators write ``postgresql://`` or ``postgres://``: we always drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, *, vault: Vault) -> Engine:
    """An engine whose ``Encrypted`` columns use ``vault``."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(f"DATABASE_URL {url!r} is not a database URL (e.g. sqlite:///meetbot.db).") from None
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as error:
        raise DatabaseUnavailable(f"DATABASE_URL cannot be used: {error}") from None
    setattr(engine.dialect, VAULT_ATTRIBUTE, vault)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def create_schema(engine: Engine) -> None:
    """Create missing tables; ``DatabaseUnavailable`` (one sentence, no traceback) if it cannot."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        SQLModel.metadata.create_all(engine)
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"Cannot reach the database at {where}: {reason}") from None
    except SQLAlchemyError as error:
        raise DatabaseUnavailable(f"The database refused the schema set-up: {error}") from None
