"""Reminder rows: listed per meeting, leased by the reminder tick, dispatched into the outbox.

    claimed = await storage.reminders.claim_due(now=now)   # every workspace: the one cross-team call
    await storage.reminders.dispatch_many([("T1", 7, "dispatched", outbox_entries), ...])
    storage.reminders.replace_pending("T1", "k7m2qx", [(due_at, 15)])   # /meeting remind, /meeting move
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select

from db import models
from db.records import DueReminder, Meeting, OutboxEntry, Reminder
from db.repos.base import RepositoryBase, off_loop
from db.repos.outbox_rows import insert_entries

Status = str  # dispatched | missed | cancelled | failed (sent: delivered before the outbox existed)


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
        self, *, now: datetime, lease: timedelta = timedelta(seconds=30), limit: int = 200,
        ahead: timedelta = timedelta(0),
    ) -> list[DueReminder]:
        """Lease reminders of every workspace due by ``now + ahead``; a replica that dies lets the lease run out.

        PostgreSQL: ``FOR UPDATE SKIP LOCKED`` so replicas never claim the same row.
        SQLite ignores it; there the scheduler runs in one process.
        """
        with self.session() as session:
            rows = list(session.scalars(
                select(models.Reminder)
                .where(
                    models.Reminder.status == "pending",
                    col(models.Reminder.due_at) <= now + ahead,
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

    @off_loop
    def dispatch_many(self, outcomes: Sequence[tuple[str, int, Status, Sequence[OutboxEntry]]]) -> int:
        """In one transaction, for each (team, id, status, entries): queue the reminder's messages in the
        outbox and mark it ``status`` (dispatched, missed, cancelled), unless it is no longer pending
        (another replica did it; the idempotency keys would make a second queueing a no-op anyway).
        A tick's worth costs one commit. Returns how many were still pending (and are now done)."""
        # One UPDATE … RETURNING per status and one outbox insert for the lot, not three statements a
        # reminder: a tick of 200 reminders was ~0.5 s of round trips (benchmarks/reminders.py).
        by_status: dict[str, list[int]] = defaultdict(list)
        entries_of: dict[int, Sequence[OutboxEntry]] = {}
        for team_id, reminder_id, status, entries in outcomes:
            by_status[status].append(reminder_id)
            entries_of[reminder_id] = entries
        teams = sorted({team_id for team_id, *_ in outcomes})
        with self.session() as session:
            updated: list[int] = []
            for status, ids in by_status.items():
                updated += (reminder_id for reminder_id in session.scalars(
                    update(models.Reminder)
                    .where(col(models.Reminder.team_id).in_(teams), col(models.Reminder.id).in_(ids),
                           col(models.Reminder.status) == "pending")
                    .values(status=status, sent_at=models.utcnow(), lease_until=None)
                    .returning(col(models.Reminder.id))
                ) if reminder_id is not None)
            insert_entries(session, [entry for reminder_id in updated for entry in entries_of[reminder_id]])
            session.commit()
        return len(updated)

    @off_loop
    def stop_meeting(self, team_id: str, meeting_id: str, *, status: Status = "cancelled") -> int:
        """Every pending reminder of the meeting gets ``status`` (the room is gone at the provider)."""
        with self.session() as session:
            result = session.execute(
                update(models.Reminder)
                .where(col(models.Reminder.team_id) == team_id, col(models.Reminder.meeting_id) == meeting_id,
                       col(models.Reminder.status) == "pending")
                .values(status=status, lease_until=None)
            )
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    @off_loop
    def missed(self, team_id: str, organiser_id: str | None = None) -> list[Reminder]:
        """Reminders not sent because they were overdue past the grace period, latest first."""
        with self.session() as session:
            query = (select(models.Reminder)
                     .where(models.Reminder.team_id == team_id, models.Reminder.status == "missed")
                     .order_by(col(models.Reminder.due_at).desc()))
            if organiser_id is not None:
                mine = select(models.Meeting.id).where(models.Meeting.team_id == team_id,
                                                       models.Meeting.organiser_id == organiser_id)
                query = query.where(col(models.Reminder.meeting_id).in_(mine))
            return [Reminder.from_row(row) for row in session.scalars(query)]
