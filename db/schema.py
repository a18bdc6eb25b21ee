"""Where the schema is: Alembic revisions in db/migrations, applied and checked from here.

    state = upgrade(engine)               # sync engine: console start-up on SQLite
    state = await upgrade_async(engine)   # async engine: `meetbot migrate`
    check(engine).behind                  # `meetbot serve` refuses to start when True

    python -c 'from db import schema; schema.new_revision("add meeting.topic")'   # after a models change

A database that ``create_schema`` made before Alembic (today's tables, no ``alembic_version``) is
adopted: it is stamped at 0001 first, then upgraded like any other.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseUnavailable
from db.errors import first_line

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST_REVISION = "0001"


@dataclass(frozen=True)
class SchemaState:
    """The database's revision against this code's head: ``SchemaState(current="0001", head="0002").behind``."""

    current: str | None
    head: str
    known: bool = True  # False: a newer meetbot migrated this database past our head
    was: str | None = None  # after ``upgrade``: the revision it started from
    empty: bool = False  # no tables at all: a brand-new database

    @property
    def behind(self) -> bool:
        return self.known and self.current != self.head

    @property
    def ahead(self) -> bool:
        return not self.known


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for our scripts; ``connection`` is the one env.py migrates."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "db/migrations/versions holds at least the first revision"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _state(connection: Connection) -> SchemaState:
    current = current_revision(connection)
    scripts = ScriptDirectory.from_config(alembic_config())
    known = current is None or current in {script.revision for script in scripts.walk_revisions()}
    empty = current is None and not inspect(connection).get_table_names()
    return SchemaState(current=current, head=head_revision(), known=known, empty=empty)


def _upgrade(connection: Connection) -> SchemaState:
    config = alembic_config(connection)
    before = _state(connection)
    if before.ahead:
        return before  # never "upgrade" a database a newer meetbot has moved on
    if before.current is None and inspect(connection).has_table("workspace"):
        command.stamp(config, FIRST_REVISION)  # tables made by create_schema before Alembic managed them
    command.upgrade(config, "head")
    return replace(_state(connection), was=before.current)


def check(engine: Engine) -> SchemaState:
    """Where the database stands; ``DatabaseUnavailable`` (one sentence) when it cannot be read."""
    with _reachable(engine):
        with engine.connect() as connection:
            return _state(connection)


def upgrade(engine: Engine) -> SchemaState:
    """Upgrade to head in one transaction; ``DatabaseUnavailable`` (one sentence) when it fails."""
    with _reachable(engine):
        with engine.begin() as connection:
            return _upgrade(connection)


async def upgrade_async(engine: AsyncEngine) -> SchemaState:
    """``upgrade`` over the async engine (env.py runs on its connection through ``run_sync``)."""
    with _reachable(engine.sync_engine):
        async with engine.begin() as connection:
            return await connection.run_sync(_upgrade)


@contextmanager
def _reachable(engine: Engine) -> Iterator[None]:
    """SQLAlchemy's errors become ``DatabaseUnavailable`` naming the (password-less) URL."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        yield
    except OperationalError as error:
        raise DatabaseUnavailable(f"Cannot reach the database at {where}: {first_line(error)}") from None
    except SQLAlchemyError as error:
        raise DatabaseUnavailable(f"The database at {where} refused the schema check or upgrade: "
                                  f"{first_line(error)}") from None
    except CommandError as error:
        raise DatabaseUnavailable(f"Cannot migrate the database at {where}: {error}") from None


def new_revision(message: str) -> Path:
    """Write the next revision (``0003_<message>.py``) from what db/models.py changed; returns its path.

    Autogenerate compares the models with a scratch SQLite database at head; read the result and
    add the data migration (and PostgreSQL specifics) it cannot guess.
    """
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/scratch.db")
        try:
            with engine.begin() as connection:
                _upgrade(connection)
                config = alembic_config(connection)
                number = f"{int(head_revision()) + 1:04d}"
                script = command.revision(config, message=message, autogenerate=True, rev_id=number)
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)
