"""Shared fixtures: databases (SQLite always, PostgreSQL when configured) and the vault.

PostgreSQL tests read ``MEETBOT_TEST_POSTGRES_URL`` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test).
Without it they skip with that reason; under ``CI=true`` a missing URL fails instead, so CI never
silently skips them. Each test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from db.crypto import Vault
from db.engine import create_schema, make_engine, normalise_url
from db.repo import Repository

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
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A database URL for each backend; PostgreSQL's points into a schema made for this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'meetbot.db'}"
        return
    url = postgres_url()
    assert url is not None
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def repo(database_url: str, vault: Vault) -> Iterator[Repository]:
    engine = make_engine(database_url, vault=vault)
    create_schema(engine)
    yield Repository(engine)
    engine.dispose()
