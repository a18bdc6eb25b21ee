"""Shared fixtures: databases (SQLite always, PostgreSQL when configured), the vault, the storage.

PostgreSQL tests read ``MEETBOT_TEST_POSTGRES_URL`` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test).
Without it they skip with that reason; under ``CI=true`` a missing URL fails instead, so CI never
silently skips them. Each test gets a schema of its own, dropped afterwards.

``database_url`` is a database at Alembic's head, as ``meetbot migrate`` leaves it (``meetbot serve``
refuses anything else); ``blank_database_url`` is an empty one, for the migration tests.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from hypothesis import settings
from sqlalchemy import create_engine, text

from db import schema
from db.crypto import Vault
from db.engine import make_engine, normalise_url
from db.storage import Storage

# CI replays the same examples every run (a landing must not depend on luck); developers' runs
# explore new ones, and a failure they find is kept in .hypothesis/ and replayed first.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

POSTGRES_ENV = "MEETBOT_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return normalise_url(url)
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {POSTGRES_ENV} is not set: PostgreSQL tests must run in CI, not skip.")
    pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL variant skipped (set it to run against PostgreSQL).")
    return None


@pytest.fixture
def vault() -> Vault:
    return Vault.from_keys([Fernet.generate_key().decode()])


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for each backend; PostgreSQL's points into a schema made for this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'meetbot.db'}"
        return
    url = postgres_url()
    assert url is not None
    name = f"t_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file upgraded to head per run; each test copies it (a copy is faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "meetbot.db"
    engine = make_engine(f"sqlite:///{path}", vault=None)
    schema.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def database_url(blank_database_url: str, migrated_sqlite_template: Path) -> str:
    """A database upgraded to Alembic's head, for each backend."""
    if blank_database_url.startswith("sqlite:///"):
        shutil.copyfile(migrated_sqlite_template, blank_database_url.removeprefix("sqlite:///"))
        return blank_database_url
    engine = make_engine(blank_database_url, vault=None)
    schema.upgrade(engine)
    engine.dispose()
    return blank_database_url


@pytest.fixture
async def storage(database_url: str, vault: Vault) -> AsyncIterator[Storage]:
    """The async repositories over a database at head."""
    opened = Storage.open(database_url, vault=vault)
    yield opened
    await opened.close()
