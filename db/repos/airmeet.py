"""What meetbot keeps of Airmeet beyond the meeting rows: the speakers it added, the exports in preparation,
and the lookups ``/airmeet`` needs (an event by its Airmeet uuid, a workspace's events).

    await storage.airmeet.add_speaker("T1", event_id, email="ada@example.com", name="Ada")
    job = await storage.airmeet.queue_export("T1", user_id="U1", event_id=uuid, kind="polls", due_at=later)
    for job in await storage.airmeet.claim_exports(now=now): ...
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from db import models
from db.records import AirmeetExport, AirmeetSpeaker, Meeting
from db.repos.base import RepositoryBase, off_loop

PROVIDER = "airmeet"


class AirmeetStore(RepositoryBase):
    """Airmeet speakers, exports, and Airmeet meetings by uuid."""

    # ------------------------------------------------------------------ events and sessions

    @off_loop
    def by_room(self, team_id: str, room_id: str) -> list[Meeting]:
        """The workspace's Airmeet meetings (events and sessions) whose provider id is ``room_id``."""
        with self.session() as session:
            rows = session.scalars(
                select(models.Meeting).where(models.Meeting.team_id == team_id, models.Meeting.provider == PROVIDER,
                                             models.Meeting.room_id == room_id)
                .order_by(col(models.Meeting.created_at))
            )
            return [Meeting.from_row(row) for row in rows]

    @off_loop
    def meetings(self, team_id: str, *, limit: int = 200) -> list[Meeting]:
        """The workspace's Airmeet meetings, not cancelled, latest start first (``limit`` at most)."""
        with self.session() as session:
            rows = session.scalars(
                select(models.Meeting).where(models.Meeting.team_id == team_id, models.Meeting.provider == PROVIDER,
                                             models.Meeting.status == "scheduled")
                .order_by(col(models.Meeting.starts_at).desc()).limit(limit)
            )
            return [Meeting.from_row(row) for row in rows]

    @off_loop
    def update_details(self, team_id: str, meeting_id: str, changes: dict[str, Any]) -> None:
        """Merge ``changes`` into a meeting's provider data (an event's status, a session's id)."""
        with self.session() as session:
            row = session.scalars(
                select(models.Meeting).where(models.Meeting.team_id == team_id, models.Meeting.id == meeting_id)
                .with_for_update()
            ).first()
            if row is None:
                return
            row.provider_data = json.dumps({**json.loads(row.provider_data or "{}"), **changes}, default=str)
            session.add(row)
            session.commit()

    # ------------------------------------------------------------------ speakers

    @off_loop
    def add_speaker(self, team_id: str, event_id: str, *, email: str, name: str) -> None:
        """Remember a speaker of the event (again: nothing changes)."""
        with self.session() as session:
            if session.get(models.AirmeetSpeaker, (team_id, event_id, email.lower())) is not None:
                return
            session.add(models.AirmeetSpeaker(team_id=team_id, event_id=event_id, email=email.lower(), name=name))
            try:
                session.commit()
            except IntegrityError:  # two adds at once: the first one stored it
                session.rollback()

    @off_loop
    def speakers(self, team_id: str, event_id: str) -> list[AirmeetSpeaker]:
        """The event's speakers meetbot added, in the order they were added."""
        with self.session() as session:
            rows = session.scalars(
                select(models.AirmeetSpeaker)
                .where(models.AirmeetSpeaker.team_id == team_id, models.AirmeetSpeaker.event_id == event_id)
                .order_by(col(models.AirmeetSpeaker.added_at), col(models.AirmeetSpeaker.email))
            )
            return [AirmeetSpeaker(event_id=row.event_id, email=row.email, name=row.name) for row in rows]

    # ------------------------------------------------------------------ exports being prepared

    @off_loop
    def queue_export(self, team_id: str, *, user_id: str, event_id: str, kind: str, due_at: datetime,
                     target_id: str = "", account_name: str | None = None, title: str = "") -> tuple[AirmeetExport, bool]:
        """The pending export of this person, event, kind and target, made now or found; True when new."""
        with self.session() as session:
            found = session.scalars(
                select(models.AirmeetExport).where(
                    models.AirmeetExport.team_id == team_id, models.AirmeetExport.user_id == user_id,
                    models.AirmeetExport.event_id == event_id, models.AirmeetExport.kind == kind,
                    models.AirmeetExport.target_id == target_id, models.AirmeetExport.status == "pending",
                )
            ).first()
            if found is not None:
                return AirmeetExport.from_row(found), False
            row = models.AirmeetExport(team_id=team_id, user_id=user_id, event_id=event_id, kind=kind,
                                       target_id=target_id, account_name=account_name, title=title, due_at=due_at)
            session.add(row)
            session.commit()
            return AirmeetExport.from_row(row), True

    @off_loop
    def claim_exports(self, *, now: datetime, lease: timedelta = timedelta(minutes=2),
                      limit: int = 20) -> list[AirmeetExport]:
        """Lease due exports of every workspace (PostgreSQL: ``SKIP LOCKED``, so replicas never share one)."""
        with self.session() as session:
            rows = list(session.scalars(
                select(models.AirmeetExport)
                .where(
                    models.AirmeetExport.status == "pending",
                    col(models.AirmeetExport.due_at) <= now,
                    col(models.AirmeetExport.lease_until).is_(None) | (col(models.AirmeetExport.lease_until) < now),
                )
                .order_by(col(models.AirmeetExport.due_at)).limit(limit)
                .with_for_update(skip_locked=True)
            ))
            for row in rows:
                row.lease_until = now + lease
                row.attempts += 1
                session.add(row)
            session.commit()
            return [AirmeetExport.from_row(row) for row in rows]

    @off_loop
    def retry_export(self, team_id: str, export_id: int, *, due_at: datetime) -> None:
        """Not ready yet: ask again at ``due_at``."""
        self._set(team_id, export_id, due_at=due_at, lease_until=None)

    @off_loop
    def finish_export(self, team_id: str, export_id: int, *, status: str = "done") -> None:
        """Sent (``done``) or given up (``failed``)."""
        self._set(team_id, export_id, status=status, lease_until=None, finished_at=models.utcnow())

    @off_loop
    def exports(self, team_id: str) -> list[AirmeetExport]:
        """Every export of the workspace, oldest first."""
        with self.session() as session:
            rows = session.scalars(select(models.AirmeetExport).where(models.AirmeetExport.team_id == team_id)
                                   .order_by(col(models.AirmeetExport.id)))
            return [AirmeetExport.from_row(row) for row in rows]

    def _set(self, team_id: str, export_id: int, **values: Any) -> None:
        with self.session() as session:
            session.execute(update(models.AirmeetExport)
                            .where(col(models.AirmeetExport.team_id) == team_id,
                                   col(models.AirmeetExport.id) == export_id)
                            .values(**values))
            session.commit()
