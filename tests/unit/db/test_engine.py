"""DATABASE_URL as operators write it, turned into the sync and async drivers' URLs; the vault on both."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.crypto import Vault
from db.engine import DatabaseUnavailable, async_url, make_async_engine, sync_url
from db.errors import StorageError


@pytest.mark.parametrize(("written", "driven"), [
    ("sqlite:///meetbot.db", "sqlite+aiosqlite:///meetbot.db"),
    ("sqlite:////var/lib/meetbot.db", "sqlite+aiosqlite:////var/lib/meetbot.db"),
    ("postgresql://user@host/db", "postgresql+psycopg://user@host/db"),
    ("postgres://user:pw@host:5432/db", "postgresql+psycopg://user:pw@host:5432/db"),
    ("postgresql+psycopg://user@host/db", "postgresql+psycopg://user@host/db"),
])
def test_documented_url_forms_get_the_async_drivers(written: str, driven: str) -> None:
    assert async_url(written) == driven
    assert sync_url(driven) == sync_url(written)


def test_the_async_engine_carries_the_vault(vault: Vault) -> None:
    engine = make_async_engine("sqlite:///x.db", vault=vault)
    assert engine.dialect.name == "sqlite" and engine.dialect.driver == "aiosqlite"
    assert getattr(engine.sync_engine.dialect, "meetbot_vault") is vault


def test_a_url_that_is_not_one_is_one_clear_storage_error(vault: Vault) -> None:
    with pytest.raises(DatabaseUnavailable, match="not a database URL") as caught:
        make_async_engine("nonsense", vault=vault)
    assert isinstance(caught.value, StorageError)


async def test_encrypted_columns_work_on_the_async_engine(database_url: str, vault: Vault) -> None:
    engine = make_async_engine(database_url, vault=vault)
    try:
        async with AsyncSession(engine) as session:
            session.add(models.Workspace(team_id="T1", bot_token="bot-token-async-secret"))
            await session.commit()
        async with engine.connect() as connection:
            stored = (await connection.execute(text("SELECT bot_token FROM workspace"))).scalar_one()
        async with AsyncSession(engine) as session:
            row = await session.get(models.Workspace, "T1")
    finally:
        await engine.dispose()
    assert stored.startswith("gAAAA") and "bot-token-async-secret" not in stored
    assert row is not None and row.bot_token == "bot-token-async-secret"
