"""Alembic on SQLite and PostgreSQL: an empty database reaches head and agrees with the models."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from db import schema
from db.crypto import Vault
from db.engine import make_async_engine, make_engine
from db.storage import Storage
from tests.support.storage import NOW, raw_rows


def differences(url: str) -> list[object]:
    engine = make_engine(url, vault=None)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def upgrade_to(url: str, revision: str) -> None:
    engine = make_engine(url, vault=None)
    with engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), revision)
    engine.dispose()


async def test_an_empty_database_upgrades_to_head_through_the_async_engine(blank_database_url: str) -> None:
    engine = make_async_engine(blank_database_url, vault=None)
    try:
        state = await schema.upgrade_async(engine)
    finally:
        await engine.dispose()
    assert (state.was, state.current, state.behind) == (None, schema.head_revision(), False)
    assert differences(blank_database_url) == []  # autogenerate finds nothing between models and schema


def test_check_says_behind_until_upgraded(blank_database_url: str) -> None:
    engine = make_engine(blank_database_url, vault=None)
    before = schema.check(engine)
    assert before.behind and before.empty and before.current is None
    assert schema.upgrade(engine).current == schema.head_revision()
    again = schema.upgrade(engine)
    assert again.was == again.current == schema.head_revision() and not schema.check(engine).behind
    engine.dispose()


def test_downgrade_to_nothing_and_back(blank_database_url: str) -> None:
    upgrade_to(blank_database_url, "head")
    engine = make_engine(blank_database_url, vault=None)
    with engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "base")
    with engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade_to(blank_database_url, "head")
    assert differences(blank_database_url) == []


async def test_0002_fills_ends_at_and_participants_of_existing_meetings(blank_database_url: str, vault: Vault) -> None:
    upgrade_to(blank_database_url, "0001")
    meeting = sa.table("meeting", *(sa.column(name) for name in (
        "id", "team_id", "provider", "title", "duration_minutes", "timezone", "organiser_id", "cohost_ids",
        "invitee_ids", "room_id", "join_url", "status")), sa.column("starts_at", UTCDateTime()),
        sa.column("created_at", UTCDateTime()))
    engine = make_engine(blank_database_url, vault=None)
    with engine.begin() as connection:
        connection.execute(meeting.insert(), [{
            "id": "abcdef", "team_id": "T1", "provider": "kmeet", "title": "Old", "starts_at": NOW,
            "duration_minutes": 90, "timezone": "UTC", "organiser_id": "U1", "cohost_ids": json.dumps(["U2", "U2"]),
            "invitee_ids": json.dumps(["U3", "U1"]), "room_id": "r", "join_url": "https://x", "status": "scheduled",
            "created_at": NOW}])
    state = schema.upgrade(engine)
    engine.dispose()
    assert (state.was, state.current) == ("0001", schema.head_revision())
    storage = Storage.open(blank_database_url, vault=vault)
    try:
        page = await storage.meetings.upcoming("T1", after=NOW + timedelta(minutes=80), involving_user="U3")
        assert [m.id for m in page.items] == ["abcdef"] and page.items[0].ends_at == NOW + timedelta(minutes=90)
        assert (await storage.meetings.upcoming("T1", after=NOW + timedelta(minutes=91))).total == 0
        people = sorted(await raw_rows(storage, "SELECT user_id, role FROM meetingparticipant"))
        assert people == [("U1", "invitee"), ("U1", "organiser"), ("U2", "cohost"), ("U3", "invitee")]
    finally:
        await storage.close()


def test_a_database_made_before_alembic_is_adopted(blank_database_url: str) -> None:
    upgrade_to(blank_database_url, "0001")
    engine = make_engine(blank_database_url, vault=None)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE alembic_version"))  # as create_schema left databases
    state = schema.upgrade(engine)
    engine.dispose()
    assert (state.was, state.current) == (None, schema.head_revision())
    assert differences(blank_database_url) == []


def test_a_database_from_a_newer_meetbot_is_left_alone(blank_database_url: str) -> None:
    upgrade_to(blank_database_url, "head")
    engine = make_engine(blank_database_url, vault=None)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
    state = schema.upgrade(engine)
    engine.dispose()
    assert state.ahead and not state.behind and state.current == "ffff"
