"""Reminder rows: listed per meeting, leased by the scheduler, finished once posted.

    for due in storage.reminders.claim_due(now=now):       # every workspace: the one cross-team call
        ...
        storage.reminders.finish(due.reminder.team_id, due.reminder.id)
    storage.reminders.replace_pending("T1", "k7m2qx", [(due_at, 15)])   # /meeting remind, /meeting move
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select

from db import models
from db.records import DueReminder, Meeting, Reminder
from db.repos.base import RepositoryBase, off_loop

Status = str  # sent | cancelled | failed


class Reminders(RepositoryBase):
    """Reminders of every meeting; the scheduler leases them so replicas never post one twice."""

    @off_loop
    def for_meeting(self, team_id: str, meeting_id: str) -> list[Reminder]:
        with self.session() as session:
            rows = session.scalars(
                select(models.Reminder)
                .where(models.Reminder.team_id == team_id, models.Reminder.meeting_id == meeting_id)
                .order_by(col(models.Reminder.due_at))
            )
            return [Reminder.from_row(row) for row in rows]

    @off_loop
    def replace_pending(self, team_id: str, meeting_id: str, reminder_times: Iterable[tuple[datetime, int]]) -> int:
        """The meeting's pending reminders become ``reminder_times`` (aware due times with their offsets in
        minutes), in one transaction; sent and failed ones stay as history. Returns how many were pending."""
        with self.session() as session:
            result = session.execute(
                delete(models.Reminder).where(
                    col(models.Reminder.team_id) == team_id,
                    col(models.Reminder.meeting_id) == meeting_id,
                    col(models.Reminder.status) == "pending",
                )
            )
            session.add_all(
                models.Reminder(team_id=team_id, meeting_id=meeting_id, due_at=due_at, offset_minutes=offset_minutes)
                for due_at, offset_minutes in reminder_times
            )
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    @off_loop
    def claim_due(
        self, *, now: datetime, lease: timedelta = timedelta(minutes=2), limit: int = 50
    ) -> list[DueReminder]:
        """Lease due reminders of every workspace; a replica that dies lets the lease run out.

        PostgreSQL: ``FOR UPDATE SKIP LOCKED`` so replicas never claim the same row.
        SQLite ignores it; there the scheduler runs in one process.
        """
        with self.session() as session:
            rows = list(session.scalars(
                select(models.Reminder)
                .where(
                    models.Reminder.status == "pending",
                    col(models.Reminder.due_at) <= now,
                    col(models.Reminder.lease_until).is_(None) | (col(models.Reminder.lease_until) < now),
                )
                .order_by(col(models.Reminder.due_at))
                .limit(limit)
                .with_for_update(skip_locked=True)
            ))
            meetings = {
                row.id: Meeting.from_row(row)
                for row in session.scalars(
                    select(models.Meeting).where(col(models.Meeting.id).in_({r.meeting_id for r in rows}))
                )
            } if rows else {}
            for row in rows:
                row.lease_until = now + lease
                row.attempts += 1
                session.add(row)
            session.commit()
            return [DueReminder(reminder=Reminder.from_row(row), meeting=meetings[row.meeting_id])
                    for row in rows if row.meeting_id in meetings]

    @off_loop
    def finish(self, team_id: str, reminder_id: int, *, status: Status = "sent") -> None:
        """Record the outcome (sent, cancelled, failed) and drop the lease."""
        with self.session() as session:
            session.execute(
                update(models.Reminder)
                .where(col(models.Reminder.team_id) == team_id, col(models.Reminder.id) == reminder_id)
                .values(status=status, sent_at=models.utcnow(), lease_until=None)
            )
            session.commit()
