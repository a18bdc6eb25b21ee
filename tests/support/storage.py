"""Storage test helpers: a meeting record with sensible defaults, and raw SQL reads.

    meeting = await storage.meetings.add(meeting_record("T1", start=NOW + timedelta(hours=2)))
    rows = await raw_rows(storage, "SELECT host_url FROM meeting")
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from db.records import Meeting, new_meeting_id
from db.storage import Storage

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def meeting_record(team_id: str, *, start: datetime = NOW + timedelta(hours=2), organiser: str = "U1",
                   **fields: Any) -> Meeting:
    """A kMeet meeting of 30 minutes; any record field may be given."""
    values: dict[str, Any] = {"id": new_meeting_id(), "team_id": team_id, "provider": "kmeet", "title": "Standup",
                              "starts_at": start, "duration_minutes": 30, "timezone": "UTC",
                              "organiser_id": organiser, "room_id": "r", "join_url": "https://kmeet.example/r"}
    values.update(fields)
    return Meeting(**values)


async def raw_rows(storage: Storage, sql: str) -> list[tuple[Any, ...]]:
    """Rows exactly as stored (ciphertext stays ciphertext)."""
    with storage.engine.connect() as connection:  # a test may block its own loop
        return [tuple(row) for row in connection.execute(text(sql))]
