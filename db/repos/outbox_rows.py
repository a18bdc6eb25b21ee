"""Writing outbox rows, for the outbox and for the reminder tick that queues its messages.

    insert_entries(session, entries)                          # queued; a key already there is left alone
    insert_entries(session, entries, sent={key: Sent(0, ts, started)})   # posted already: stored as sent
    ids = ids_of(session, entries)                            # their row ids, in order

The caller's transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import tuple_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from db import models
from db.records import OutboxEntry
from db.repos.base import chunks, dialect_of, table_of
from db.repos.pacing import WORKSPACE

O = models.OutboxMessage
P = models.ChannelPace


@dataclass(frozen=True)
class Sent:
    """A row Slack accepted: its message ts and when its post started (its channel's pacing counts from there)."""

    row_id: int
    ts: str | None
    started: datetime


def insert_entries(session: Session, entries: Sequence[OutboxEntry], *, sent: dict[str, Sent] | None = None) -> None:
    """INSERT … ON CONFLICT DO NOTHING on the idempotency key (both dialects have it), and each
    workspace's budget row (claims lock it, never create it). Entries whose key is in ``sent`` were
    posted already and are stored as sent. The caller commits."""
    if not entries:
        return
    dialect = dialect_of(session)
    # Lists of rows (executemany), not VALUES lists: one cached statement whatever the batch size. On
    # the table (Core): the ORM's bulk insert sent the rows in several statements (benchmarks/ack_latency.py).
    session.execute(dialect.insert(table_of(O)).on_conflict_do_nothing(index_elements=["team_id", "idem_key"]),
                    [_row_values(entry, (sent or {}).get(entry.idem_key)) for entry in entries])
    session.execute(dialect.insert(P).on_conflict_do_nothing(index_elements=["team_id", "channel"]),
                    [{"team_id": team, "channel": WORKSPACE, "next_post_at": models.utcnow()}
                     for team in sorted({entry.team_id for entry in entries})])


def ids_of(session: Session, entries: Sequence[OutboxEntry]) -> list[int]:
    """The row ids of ``entries`` by their (team, idempotency key), in order."""
    keys = [(entry.team_id, entry.idem_key) for entry in entries]
    found: dict[tuple[str, str], int] = {}
    for chunk in chunks(keys, 500):
        for row_id, team_id, key in session.execute(
            select(O.id, O.team_id, O.idem_key).where(tuple_(col(O.team_id), col(O.idem_key)).in_(chunk))
        ):
            found[(team_id, key)] = int(row_id)
    return [found[key] for key in keys if key in found]


def _row_values(entry: OutboxEntry, sent: Sent | None = None) -> dict[str, Any]:
    values = {"team_id": entry.team_id, "channel": entry.channel, "idem_key": entry.idem_key,
              "payload": entry.payload, "purpose": entry.purpose, "not_before": entry.not_before,
              "status": "pending", "attempts": 0, "created_at": models.utcnow(), "sent_at": None, "ts": None}
    if sent is not None:
        values.update(status="sent", attempts=1, sent_at=sent.started, ts=sent.ts)
    return values
