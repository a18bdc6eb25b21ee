"""The outbox: Slack messages waiting to be posted, claimed by any replica, paced per channel.

    ids = await storage.outbox.enqueue([OutboxEntry("T1", "C1", "announcement:k7m2qx", payload, not_before=now)])
    for item in await storage.outbox.claim(now=now, owner="replica-1", pacing=Pacing()):
        ...  # post it, then one of:
        await storage.outbox.sent([Sent(item.id, ts="1700.1", started=now)], owner="replica-1", pacing=Pacing())
        await storage.outbox.retry(item.id, owner="replica-1", not_before=now + backoff, error="timeout")
        await storage.outbox.push_channel("T1", "C1", until=now + retry_after)   # a 429
        await storage.outbox.miss(item, owner="replica-1", notice=missed_dm)    # a reminder past the grace

A claim gives each channel at most one message in flight across every replica (a channel with a
leased row is skipped), and only channels whose ``next_post_at`` comes within ``Pacing.ahead``: the
item says when to post (``post_at``), and the channel's pacing counts from then. So N replicas post
no faster than one. PostgreSQL: ``FOR UPDATE SKIP LOCKED`` on the rows and on the pacing rows, so
replicas never claim the same row or wait for each other; SQLite ignores it (one process).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, exists, func, or_, update
from sqlalchemy import select as sa_select  # sqlmodel's select takes at most four columns
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased
from sqlmodel import col, select

from db import models
from db.records import Meeting, OutboxEntry, OutboxItem, utc
from db.repos.base import Grouped, RepositoryBase, chunks, off_loop, table_of
from db.repos.outbox_rows import Sent, ids_of, insert_entries
from db.repos.pacing import (
    WORKSPACE,
    Pacing,
    channel_turns,
    lanes_free,
    pace_channels,
    workspace_budgets,
)

O = models.OutboxMessage
P = models.ChannelPace


class Outbox(RepositoryBase):
    """Queued Slack messages of every workspace; see the module docstring for the life of a row."""

    def __init__(self, engine: Engine, executor: Executor) -> None:
        super().__init__(engine, executor)
        self._lane_checks = Grouped(executor, self.free_lanes_many)

    @off_loop
    def enqueue(self, entries: Sequence[OutboxEntry]) -> list[int]:
        """Queue messages; one whose ``idem_key`` is already queued for its team is not queued again.
        Returns the ids of the rows for ``entries`` (new or already there), in order."""
        if not entries:
            return []
        with self.session() as session:
            insert_entries(session, entries)
            ids = ids_of(session, entries)
            session.commit()
            return ids

    @off_loop
    def claim(self, *, now: datetime, owner: str, pacing: Pacing, only: Iterable[int] | None = None) -> list[OutboxItem]:
        """Lease the next message of each channel that may be posted to now (within each workspace's
        budget); ``only`` restricts the claim to those rows (the interactive path's own messages), each
        only when it is its channel's next."""
        with self.session() as session:
            candidates = self._candidates(session, now=now, pacing=pacing, only=only)
            if not candidates:
                session.commit()
                return []
            budgets = workspace_budgets(session, {row.team_id for row in candidates}, now=now, pacing=pacing)
            chosen = []
            used: dict[str, int] = defaultdict(int)
            for row in candidates:  # earliest first
                if row.team_id in budgets and used[row.team_id] < budgets[row.team_id][1]:
                    used[row.team_id] += 1
                    chosen.append(row)
            for team_id, (budget_row, _allowed) in budgets.items():
                # GCRA: the budget's theoretical time moves on by what was taken, from now at the earliest.
                budget_row.next_post_at = max(utc(budget_row.next_post_at), now) + used[team_id] * pacing.workspace_step
                session.add(budget_row)
            turns = channel_turns(session, {(row.team_id, row.channel) for row in chosen})
            items = [replace(OutboxItem.from_row(row), attempts=row.attempts + 1,
                             post_at=max(now, utc(row.not_before), turns.get((row.team_id, row.channel), now)))
                     for row in chosen]
            session.flush()  # the budgets; the rows are leased by one UPDATE below, not one each at commit
            session.expunge_all()
            for chunk in chunks([item.id for item in items], 500):
                session.execute(update(O).where(col(O.id).in_(chunk))
                                .values(lease_until=now + pacing.lease, lease_owner=owner, attempts=col(O.attempts) + 1))
            pace_channels(session, {(item.team_id, item.channel): (item.post_at or now) + pacing.per_channel
                                 for item in items})
            session.commit()
            return items

    def _candidates(self, session: Session, *, now: datetime, pacing: Pacing,
                    only: Iterable[int] | None) -> list[models.OutboxMessage]:
        """The first free row of each channel that is due and ready (within ``pacing.ahead``) and has
        nothing in flight, locked."""
        horizon = now + pacing.ahead
        free = and_(col(O.status) == "pending", col(O.not_before) <= horizon,
                    or_(col(O.lease_until).is_(None), col(O.lease_until) < now))
        busy = aliased(O)
        in_flight = exists().where(col(busy.team_id) == col(O.team_id), col(busy.channel) == col(O.channel),
                                   col(busy.status) == "pending", col(busy.lease_until) >= now)
        stopped = select(P.team_id).where(P.channel == WORKSPACE, col(P.stopped).is_not(None))
        ranked: Any = (
            select(col(O.id).label("id"), col(O.not_before).label("not_before"),
                   func.row_number().over(partition_by=(col(O.team_id), col(O.channel)),
                                          order_by=(col(O.not_before), col(O.id))).label("rank"))
            .outerjoin(P, and_(col(P.team_id) == col(O.team_id), col(P.channel) == col(O.channel)))
            .where(free, ~in_flight, col(O.team_id).not_in(stopped),
                   or_(col(P.next_post_at).is_(None), col(P.next_post_at) <= horizon))
        )
        firsts = ranked.subquery()
        ids = select(firsts.c.id).where(firsts.c.rank == 1).order_by(firsts.c.not_before).limit(pacing.limit)
        if only is not None:
            # After the ranking: a row queued behind older ones in its channel is not its channel's first,
            # so the interactive path's claim does not let it jump them (the loop posts it in turn).
            ids = ids.where(firsts.c.id.in_(list(only)))
        # The conditions again on the locked rows: PostgreSQL re-checks them on a row another replica
        # leased and committed while we waited, so it is skipped rather than claimed twice.
        return list(session.scalars(
            select(O).where(col(O.id).in_(ids.scalar_subquery()), free)
            .order_by(col(O.not_before), col(O.id)).with_for_update(skip_locked=True)
        ))

    async def free_lanes(self, team_id: str, entries: Sequence[OutboxEntry], *, now: datetime) -> set[str]:
        """Which of the entries' channels may be posted to at once, bypassing the queue: nothing of
        theirs queued or in flight, their pacing passed, the workspace not stopped. None when one of
        the keys is already in the outbox (a replay goes through the queue, which posts a key once).
        The checks asked at the same moment go in one statement (a burst's 50 announcements, one trip)."""
        return await self._lane_checks.submit((team_id, tuple(entries), now))

    def free_lanes_many(self, asks: list[tuple[str, tuple[OutboxEntry, ...], datetime]]) -> list[set[str]]:
        """``free_lanes`` for each (team_id, entries, now), in one statement."""
        with self.session() as session:
            return lanes_free(session, asks)

    @off_loop
    def sent(self, done: Sequence[Sent], *, owner: str, pacing: Pacing,
             posted: Sequence[tuple[OutboxEntry, Sent]] = ()) -> set[int]:
        """Slack answered ok to these rows: they are done, in one transaction, each channel waits one
        interval from when its post started, and an announcement's ts is kept on its meeting.
        ``posted`` are messages posted without being queued first (the interactive path): they are
        stored as sent. Returns the ids whose lease was lost meanwhile (another replica may post them
        again: a duplicate)."""
        if not done and not posted:
            return set()
        lost: set[int] = set()
        pace: dict[tuple[str, str], datetime] = {}
        announced: list[tuple[str, str | None, str | None]] = []

        def paced(team_id: str, channel: str, started: datetime) -> None:
            until = started + pacing.per_channel
            pace[(team_id, channel)] = max(until, pace.get((team_id, channel), until))

        with self.session() as session:
            by_id = {entry.row_id: entry for entry in done}
            for chunk in chunks(sorted(by_id), 500):
                rows = session.execute(sa_select(*(col(c) for c in (O.id, O.team_id, O.channel, O.purpose, O.lease_owner, O.status)))
                                       .where(col(O.id).in_(chunk))).all()
                lost.update(set(chunk) - {row.id for row in rows if row.lease_owner == owner and row.status == "pending"})
                for row in rows:
                    paced(row.team_id, row.channel, by_id[row.id].started)
                    announced.append((row.team_id, row.purpose, by_id[row.id].ts))
                if rows:
                    session.execute(update(O), [{"id": row.id, "status": "sent", "sent_at": by_id[row.id].started,
                                                 "ts": by_id[row.id].ts, "lease_until": None} for row in rows])
            if posted:
                insert_entries(session, [entry for entry, _ in posted],
                               sent={entry.idem_key: result for entry, result in posted})
                for entry, result in posted:
                    paced(entry.team_id, entry.channel, result.started)
                    announced.append((entry.team_id, entry.purpose, result.ts))
            pace_channels(session, pace)
            # Each announcement's ts on its meeting (as commands.lifecycle.record_announcement), one
            # executemany: Core on the table, as the ORM's bulk UPDATE would match the id alone.
            announcements = [{"b_team": team_id, "b_meeting": purpose.split(":", 1)[1], "b_ts": ts}
                             for team_id, purpose, ts in announced
                             if ts and purpose and purpose.startswith("announcement:")]
            if announcements:
                meeting = table_of(models.Meeting)
                session.execute(update(meeting).where(meeting.c.team_id == bindparam("b_team"),
                                                      meeting.c.id == bindparam("b_meeting"))
                                .values(announcement_ts=bindparam("b_ts")), announcements)
            session.commit()
        return lost

    @off_loop
    def retry(self, row_id: int, *, owner: str, not_before: datetime, error: str) -> None:
        """Give the row back, to be claimed again from ``not_before`` (5xx, timeout, 429)."""
        with self.session() as session:
            session.execute(
                update(O).where(col(O.id) == row_id, col(O.lease_owner) == owner, col(O.status) == "pending")
                .values(lease_until=None, lease_owner=None, not_before=not_before, error=error[:200])
            )
            session.commit()

    @off_loop
    def fail(self, row_id: int, *, error: str) -> None:
        """Slack refused the message for good (e.g. channel_not_found): it is never posted."""
        with self.session() as session:
            session.execute(update(O).where(col(O.id) == row_id)
                            .values(status="failed", lease_until=None, error=error[:200]))
            session.commit()

    @off_loop
    def miss(self, item: OutboxItem, *, owner: str, notice: Callable[[Meeting], OutboxEntry]) -> bool | None:
        """A reminder row (key ``reminder:<id>:<recipient>``) that waited past the grace is not posted:
        in one transaction the row is missed, its reminder too (``/meeting list`` shows it), and
        ``notice(meeting)`` is queued for its organiser, once per key (so once per meeting however many
        rows). A meeting no longer scheduled only loses the row. Returns whether the reminder became
        missed (count it once), None when the row's lease was lost (another replica has it)."""
        reminder_id = int(item.idem_key.split(":")[1])
        R = models.Reminder
        with self.session() as session:
            taken = session.execute(
                update(O).where(col(O.id) == item.id, col(O.lease_owner) == owner, col(O.status) == "pending")
                .values(status="missed", lease_until=None, error="past the reminder grace"))
            if not taken.rowcount:  # type: ignore[attr-defined]
                session.rollback()
                return None
            meeting = session.scalars(
                select(models.Meeting).join(R, and_(col(R.team_id) == col(models.Meeting.team_id),
                                                    col(R.meeting_id) == col(models.Meeting.id)))
                .where(col(R.team_id) == item.team_id, col(R.id) == reminder_id)).first()
            became = False
            if meeting is not None and meeting.status == "scheduled":
                # Only a dispatched reminder: of its several rows, the first one late turns it missed.
                result = session.execute(update(R).where(col(R.team_id) == item.team_id, col(R.id) == reminder_id,
                                                         col(R.status) == "dispatched")
                                         .values(status="missed", lease_until=None))
                became = bool(result.rowcount)  # type: ignore[attr-defined]
                insert_entries(session, [notice(Meeting.from_row(meeting))])
            session.commit()
            return became

    @off_loop
    def push_channel(self, team_id: str, channel: str, *, until: datetime) -> None:
        """Slack said 429 for this channel: nothing goes to it before ``until`` (Retry-After)."""
        with self.session() as session:
            pace_channels(session, {(team_id, channel): until})
            session.commit()

    @off_loop
    def stop_workspace(self, team_id: str, *, reason: str) -> int:
        """Slack refuses the workspace's token (invalid_auth, account_inactive, token_revoked): its
        queued messages are stopped and nothing more is claimed for it. Returns how many were stopped."""
        with self.session() as session:
            row = session.get(P, (team_id, WORKSPACE))
            if row is None:
                session.add(P(team_id=team_id, channel=WORKSPACE, next_post_at=models.utcnow(), stopped=reason))
            else:
                row.stopped = reason
                session.add(row)
            result = session.execute(
                update(O).where(col(O.team_id) == team_id, col(O.status) == "pending")
                .values(status="stopped", lease_until=None, error=reason)
            )
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    @off_loop
    def stopped_reason(self, team_id: str) -> str | None:
        """Why the workspace's messages are stopped, or None."""
        with self.session() as session:
            row = session.get(P, (team_id, WORKSPACE))
            return row.stopped if row is not None else None

    @off_loop
    def resume_workspace(self, team_id: str, *, since: datetime | None = None) -> int:
        """The workspace has a working token again (reinstalled): new messages go out, and so do the
        rows its dead token stopped that were due after ``since`` (older ones stay stopped: a reminder
        hours late is no reminder). Returns how many stopped rows were queued again."""
        with self.session() as session:
            session.execute(update(P).where(col(P.team_id) == team_id, col(P.channel) == WORKSPACE)
                            .values(stopped=None))
            again = 0
            if since is not None:
                result = session.execute(
                    update(O).where(col(O.team_id) == team_id, col(O.status) == "stopped", col(O.not_before) >= since)
                    .values(status="pending", lease_until=None, lease_owner=None, attempts=0, error=None))
                again = int(result.rowcount)  # type: ignore[attr-defined]
            session.commit()
            return again

    @off_loop
    def renew(self, row_ids: Sequence[int], *, owner: str, until: datetime) -> None:
        """Extend the lease of rows still being posted, so a slow post is not claimed again meanwhile."""
        if not row_ids:
            return
        with self.session() as session:
            for chunk in chunks(list(row_ids), 500):
                session.execute(update(O).where(col(O.id).in_(chunk), col(O.lease_owner) == owner,
                                                col(O.status) == "pending").values(lease_until=until))
            session.commit()

    @off_loop
    def get(self, row_ids: Sequence[int]) -> list[OutboxItem]:
        with self.session() as session:
            rows = session.scalars(select(O).where(col(O.id).in_(list(row_ids))).order_by(col(O.id)))
            return [OutboxItem.from_row(row) for row in rows]

    @off_loop
    def find(self, team_id: str, keys: Sequence[str]) -> dict[str, OutboxItem]:
        """The workspace's rows with these idempotency keys, by key (whatever their status)."""
        with self.session() as session:
            rows = session.scalars(select(O).where(col(O.team_id) == team_id, col(O.idem_key).in_(list(keys))))
            return {row.idem_key: OutboxItem.from_row(row) for row in rows}

    @off_loop
    def next_due(self, *, now: datetime) -> datetime | None:
        """When the earliest pending row could be claimed (its own time or its channel's), for the worker's sleep."""
        with self.session() as session:
            ready = case((and_(col(P.next_post_at).is_not(None), col(P.next_post_at) > col(O.not_before)),
                          col(P.next_post_at)), else_=col(O.not_before))
            first = session.execute(
                select(func.min(ready))
                .select_from(O).outerjoin(P, and_(col(P.team_id) == col(O.team_id), col(P.channel) == col(O.channel)))
                .where(col(O.status) == "pending")
            ).scalar()
            return None if first is None else max(utc(first), now)

    @off_loop
    def counts(self) -> dict[str, int]:
        """Rows per status (for /metrics and the benchmarks)."""
        with self.session() as session:
            return {status: int(n) for status, n in session.execute(
                select(O.status, func.count()).group_by(col(O.status)))}

    @off_loop
    def depth(self, *, now: datetime) -> tuple[int, float]:
        """For /metrics: rows waiting (pending) and how long the oldest due one has waited, in seconds."""
        with self.session() as session:
            waiting, oldest = session.execute(
                select(func.count(), func.min(O.not_before)).where(col(O.status) == "pending")).one()
        age = max(0.0, (now - utc(oldest)).total_seconds()) if oldest is not None else 0.0
        return int(waiting), age

    @off_loop
    def cleanup(self, *, before: datetime) -> int:
        """Delete finished rows (sent, failed, stopped, missed) older than ``before``; returns how many."""
        with self.session() as session:
            result = session.execute(delete(O).where(col(O.status).in_(("sent", "failed", "stopped", "missed")),
                                                     col(O.created_at) < before))
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]
