r"""Alembic's entry point for meetbot: run by db/schema.py (``meetbot migrate``), rarely by hand.

    meetbot migrate                                   # upgrade DATABASE_URL to head
    printf '[alembic]\nscript_location = db/migrations\n' > /tmp/alembic.ini
    DATABASE_URL=sqlite:///dev.db alembic -c /tmp/alembic.ini current     # Alembic's own commands
    python -c 'from db import schema; schema.new_revision("what changed")'  # the next revision

db/schema.py hands over a live connection in ``config.attributes["connection"]`` (a sync one, or
the sync face of an ``AsyncConnection`` through ``run_sync``). Run standalone, this file opens the
async engine itself from ``DATABASE_URL``, with the vault from ``MEETBOT_SECRET_KEYS`` when set, so
a migration that reads or writes ``Encrypted`` columns can.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import db.models  # noqa: F401  (the tables autogenerate compares against)
from db.crypto import Vault
from db.engine import make_async_engine

TARGET = SQLModel.metadata


def run_with(connection: Connection) -> None:
    # Batch mode lets a future migration alter SQLite tables (it cannot ALTER most things).
    context.configure(connection=connection, target_metadata=TARGET, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    keys = os.environ.get("MEETBOT_SECRET_KEYS", "")
    vault = Vault.from_setting(keys) if keys.strip() else None
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL", "sqlite:///meetbot.db")
    engine = make_async_engine(url, vault=vault)  # without keys, touching an Encrypted column says so
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_with)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("meetbot's migrations run online only: use `meetbot migrate`.")
given = context.config.attributes.get("connection")
if given is not None:
    run_with(given)
else:
    asyncio.run(run_standalone())
