"""Seeding meetings straight into the storage (no provider call), for list/cancel/link/home tests.

    meeting = await seed_meeting(storage, now=NOW, title="Standup", start=timedelta(hours=2), reminders=1)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from db.records import Meeting, new_meeting_id
from db.storage import Storage


async def seed_meeting(storage: Storage, *, now: datetime, title: str = "Standup",
                       start: timedelta = timedelta(hours=2), team: str = "T1", organiser: str = "U1",
                       channel: str | None = "C1", reminders: int = 0, **extra: Any) -> Meeting:
    """A stored kMeet meeting starting ``start`` after ``now``, with ``reminders`` pending reminders
    10, 20, … minutes before it; ``cohost_ids``/``invitee_ids`` may be given as lists."""
    for key in ("cohost_ids", "invitee_ids"):
        if key in extra:
            extra[key] = tuple(extra[key])
    meeting = Meeting(id=new_meeting_id(), team_id=team, provider=extra.pop("provider", "kmeet"), title=title,
                      starts_at=now + start, duration_minutes=30, timezone="UTC", channel_id=channel,
                      organiser_id=organiser, room_id=extra.pop("room_id", f"room-{title}"),
                      join_url=extra.pop("join_url", f"https://join.example/{title}"), **extra)
    due = [(now + start - timedelta(minutes=10 * (i + 1)), 10 * (i + 1)) for i in range(reminders)]
    return await storage.meetings.add(meeting, reminder_times=due)
