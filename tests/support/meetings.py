"""Seeding meetings straight into the repository (no provider call), for list/cancel/link/home tests.

    meeting = seed_meeting(repo, now=NOW, title="Standup", start=timedelta(hours=2), reminders=1)
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from db.models import Meeting
from db.repo import Repository, new_meeting_id


def seed_meeting(repo: Repository, *, now: datetime, title: str = "Standup", start: timedelta = timedelta(hours=2),
                 team: str = "T1", organiser: str = "U1", channel: str | None = "C1", reminders: int = 0,
                 **extra: Any) -> Meeting:
    """A stored kMeet meeting starting ``start`` after ``now``, with ``reminders`` pending reminders
    10, 20, … minutes before it; ``cohost_ids``/``invitee_ids`` are given as lists."""
    for key in ("cohost_ids", "invitee_ids"):
        if key in extra:
            extra[key] = json.dumps(extra[key])
    meeting = Meeting(id=new_meeting_id(), team_id=team, provider=extra.pop("provider", "kmeet"), title=title,
                      starts_at=now + start, duration_minutes=30, timezone="UTC", channel_id=channel,
                      organiser_id=organiser, room_id=extra.pop("room_id", f"room-{title}"),
                      join_url=extra.pop("join_url", f"https://join.example/{title}"), **extra)
    due = [(now + start - timedelta(minutes=10 * (i + 1)), 10 * (i + 1)) for i in range(reminders)]
    return repo.add_meeting(meeting, reminder_times=due)
