"""Bulk import jobs and their rows: stored at preview, leased by one worker at a time, row by row.

    job = await storage.imports.create(job, rows)            # rows already imported by an earlier job -> skipped
    await storage.imports.queue("T1", job.id)                # the Import button (once: True, again: False)
    job = await storage.imports.claim(now=now)               # every workspace: the one cross-team call
    status = await storage.imports.renew(job.id, now=now)    # keep the lease; "cancelled" tells the worker to stop
    if await storage.imports.start_row(job.id, 7):           # False once the job was cancelled
        await storage.imports.set_row(job.id, 7, "done")

A job is claimed like a reminder: PostgreSQL ``FOR UPDATE SKIP LOCKED`` and a lease, so replicas
never run one job together and a job whose replica died is claimed again after its lease.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select

from db import models
from db.records import ImportJob, ImportRow
from db.repos.base import RepositoryBase, off_loop

LEASE = timedelta(minutes=2)
IMPORTED = ("done", "present")  # statuses that mean "the provider has it"
OPEN = ("preview", "queued")  # a job that may still be cancelled


class Imports(RepositoryBase):
    """Import jobs of every workspace; each method is one short transaction."""

    @off_loop
    def create(self, job: ImportJob, rows: Sequence[ImportRow]) -> ImportJob:
        """Store the job and its rows; valid rows whose key an earlier job (same team, kind and target)
        already imported become ``skipped``, so running the same file again sends nothing twice."""
        with self.session() as session:
            keys = {row.key for row in rows if row.status == "pending"}
            earlier: set[str] = set()
            if keys:
                earlier = set(session.scalars(
                    select(models.ImportRow.key)
                    .join(models.ImportJob, col(models.ImportJob.id) == col(models.ImportRow.job_id))
                    .where(models.ImportJob.team_id == job.team_id, models.ImportJob.kind == job.kind,
                           models.ImportJob.target == job.target, col(models.ImportRow.status).in_(IMPORTED),
                           col(models.ImportRow.key).in_(sorted(keys)))
                ))
            session.add(job.to_row())
            session.flush()
            for row in rows:
                skipped = row.status == "pending" and row.key in earlier
                session.add(models.ImportRow(
                    job_id=job.id, number=row.number, team_id=job.team_id, key=row.key,
                    data=_json(row.data), status="skipped" if skipped else row.status,
                    reason="already imported by an earlier run" if skipped else row.reason,
                ))
            session.commit()
            return job

    @off_loop
    def get(self, team_id: str, job_id: str) -> ImportJob | None:
        with self.session() as session:
            row = session.get(models.ImportJob, job_id)
            return ImportJob.from_row(row) if row is not None and row.team_id == team_id else None

    @off_loop
    def queue(self, team_id: str, job_id: str) -> bool:
        """preview -> queued; False when it was not a preview any more (a second click changes nothing)."""
        return self._move(team_id, job_id, ("preview",), "queued")

    @off_loop
    def cancel(self, team_id: str, job_id: str) -> bool:
        """preview or queued -> cancelled; a running job stops before its next row."""
        return self._move(team_id, job_id, OPEN, "cancelled")

    def _move(self, team_id: str, job_id: str, from_statuses: Sequence[str], to: str) -> bool:
        with self.session() as session:
            result = session.execute(
                update(models.ImportJob)
                .where(col(models.ImportJob.id) == job_id, col(models.ImportJob.team_id) == team_id,
                       col(models.ImportJob.status).in_(from_statuses))
                .values(status=to)
            )
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    @off_loop
    def claim(self, *, now: datetime, lease: timedelta = LEASE) -> ImportJob | None:
        """Lease the oldest queued job whose lease is free (any workspace); None when there is none.

        PostgreSQL skips rows another replica has locked; the lease is then set only if it is still
        free (compare and set), so two claims racing on SQLite's threads cannot both win either.
        """
        free = col(models.ImportJob.lease_until).is_(None) | (col(models.ImportJob.lease_until) < now)
        with self.session() as session:
            row = session.scalars(
                select(models.ImportJob)
                .where(models.ImportJob.status == "queued", free)
                .order_by(col(models.ImportJob.created_at))
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            won = session.execute(
                update(models.ImportJob)
                .where(col(models.ImportJob.id) == row.id, col(models.ImportJob.status) == "queued", free)
                .values(lease_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            if not won.rowcount:  # type: ignore[attr-defined]
                return None
            session.refresh(row)
            return ImportJob.from_row(row)

    @off_loop
    def renew(self, job_id: str, *, now: datetime, lease: timedelta = LEASE, progress_ts: str | None = None) -> str:
        """Extend the lease (and remember the progress message); returns the job's status now."""
        with self.session() as session:
            row = session.get(models.ImportJob, job_id)
            if row is None:
                return "cancelled"
            row.lease_until = now + lease
            if progress_ts is not None:
                row.progress_ts = progress_ts
            session.add(row)
            session.commit()
            return row.status

    @off_loop
    def finish(self, job_id: str, *, now: datetime) -> None:
        """done (unless cancelled meanwhile), lease dropped."""
        with self.session() as session:
            row = session.get(models.ImportJob, job_id)
            if row is None:
                return
            if row.status != "cancelled":
                row.status = "done"
            row.lease_until = None
            row.finished_at = now
            session.add(row)
            session.commit()

    @off_loop
    def rows(self, job_id: str, statuses: Iterable[str] | None = None) -> list[ImportRow]:
        """The job's rows in file order, optionally only those in ``statuses``."""
        with self.session() as session:
            query = select(models.ImportRow).where(models.ImportRow.job_id == job_id)
            if statuses is not None:
                query = query.where(col(models.ImportRow.status).in_(list(statuses)))
            return [ImportRow.from_row(row) for row in session.scalars(query.order_by(col(models.ImportRow.number)))]

    @off_loop
    def start_row(self, job_id: str, number: int) -> bool:
        """Mark the row ``sending`` (one more attempt) unless the job was cancelled; False then.

        One transaction for both, so Cancel is seen before every row at no extra round trip."""
        with self.session() as session:
            job = session.get(models.ImportJob, job_id)
            if job is None or job.status == "cancelled":
                return False
            session.execute(
                update(models.ImportRow)
                .where(col(models.ImportRow.job_id) == job_id, col(models.ImportRow.number) == number)
                .values(status="sending", attempts=models.ImportRow.attempts + 1)
            )
            session.commit()
            return True

    @off_loop
    def set_row(self, job_id: str, number: int, status: str, *, reason: str | None = None) -> None:
        """Record a row's outcome."""
        with self.session() as session:
            session.execute(
                update(models.ImportRow)
                .where(col(models.ImportRow.job_id) == job_id, col(models.ImportRow.number) == number)
                .values(status=status, reason=reason)
            )
            session.commit()

    @off_loop
    def set_rows(self, job_id: str, outcomes: Sequence[tuple[int, str, str | None]]) -> None:
        """Record many rows' outcomes, ``(number, status, reason)``, in one transaction."""
        if not outcomes:
            return
        table = models.SQLModel.metadata.tables["importrow"]
        statement = (
            table.update()
            .where(table.c.job_id == bindparam("j"), table.c.number == bindparam("n"))
            .values(status=bindparam("s"), reason=bindparam("r"))
        )
        with self.session() as session:
            session.connection().execute(statement, [{"j": job_id, "n": number, "s": status, "r": reason}
                                                     for number, status, reason in outcomes])
            session.commit()

    @off_loop
    def counts(self, job_id: str) -> Counter[str]:
        """Rows per status."""
        with self.session() as session:
            pairs = session.execute(
                select(models.ImportRow.status, func.count())
                .where(models.ImportRow.job_id == job_id)
                .group_by(col(models.ImportRow.status))
            )
            return Counter({status: int(count) for status, count in pairs})


def _json(data: dict[str, object]) -> str:
    return json.dumps(data, default=str)
