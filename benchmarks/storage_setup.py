"""What the storage benchmarks share: a database at head (SQLite file or a throw-away PostgreSQL
schema), a vault, and seeding many meetings in one transaction.

    with bench_database("sqlite") as url:
        ids = seed_meetings(url, vault, team_id="T1", count=30_000, now=NOW)
"""

from __future__ import annotations

import contextlib
import random
import secrets
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from the repo root: `python benchmarks/storage_loop.py`
    sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from db import schema  # noqa: E402
from db.crypto import Vault  # noqa: E402
from db.engine import make_engine, normalise_url  # noqa: E402
from db.records import Meeting, new_meeting_id  # noqa: E402
from db.repos.meetings import participant_rows  # noqa: E402

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def new_vault() -> Vault:
    return Vault.from_keys([Fernet.generate_key().decode()])


@contextlib.contextmanager
def bench_database(backend: str, postgres_url: str | None = None) -> Iterator[str]:
    """A database at head: a temp SQLite file, or a schema of its own in ``postgres_url`` (dropped after)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            _upgrade(url)
            yield url
        return
    assert postgres_url, "PostgreSQL needs a URL"
    base = normalise_url(postgres_url)
    name = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{name}"
        _upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _upgrade(url: str) -> None:
    engine = make_engine(url, vault=None)
    schema.upgrade(engine)
    engine.dispose()


def seed_meetings(url: str, vault: Vault, *, team_id: str, count: int, now: datetime = NOW) -> list[str]:
    """``count`` meetings of one team over the past month and the next year (a quarter over),
    50 organisers, 10 channels, a co-host and two invitees each, host links and provider data
    encrypted as the app stores them; one transaction, then ANALYZE on PostgreSQL. Returns the ids."""
    chance = random.Random(7)
    engine = make_engine(url, vault=vault)
    ids = []
    with Session(engine) as session:
        for _ in range(count):
            users = chance.sample(range(1, 51), 4)
            meeting = Meeting(
                id=new_meeting_id() + secrets.token_hex(2), team_id=team_id, provider="whereby", title="Weekly sync",
                starts_at=now + timedelta(minutes=chance.randint(-60 * 24 * 30, 60 * 24 * 365)), duration_minutes=30,
                timezone="Europe/Zurich", organiser_id=f"U{users[0]}", cohost_ids=(f"U{users[1]}",),
                invitee_ids=(f"U{users[2]}", f"U{users[3]}"), channel_id=f"C{chance.randint(1, 10)}", room_id="r",
                join_url="https://whereby.example/r", host_url="https://whereby.example/r?roomKey=secret",
                provider_data={"meetingId": "123", "roomName": "/r"},
            )
            session.add(meeting.to_row())
            session.add_all(participant_rows(meeting))
            ids.append(meeting.id)
        session.commit()
        if engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk insert (and migration 0002 after its backfill);
            # without statistics the planner guesses one row per table. SQLite has no such daemon.
            session.execute(text("ANALYZE"))
            session.commit()
    engine.dispose()
    return ids
