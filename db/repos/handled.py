"""Slack requests already taken on, shared by every replica through the database (issue 11, finding 1).

    claim = await storage.handled.claim("3f9c…", team_id="T1", now=now, ttl=timedelta(hours=1))
    if claim.first:                       # nobody had it: answer, then
        await storage.handled.answer("3f9c…", status=200, content_type="application/json", body="")
    elif claim.answer is not None:        # a repeat: send the stored first answer again
        ...
    await storage.handled.release("3f9c…")  # the first attempt failed: let Slack's retry run it

The primary key is the unique key: two replicas claiming at once both try one INSERT, and the
database lets exactly one of them commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from db import models
from db.repos.base import RepositoryBase, off_loop


@dataclass(frozen=True)
class StoredAnswer:
    """The HTTP answer the first request got."""

    status: int
    content_type: str | None
    body: str


@dataclass(frozen=True)
class Claim:
    """``first``: this caller took the request on; otherwise ``answer`` is the first answer, or None
    while the first request is still being answered."""

    first: bool
    answer: StoredAnswer | None = None


class HandledRequests(RepositoryBase):
    """Claim a request key once; keep its answer until it expires."""

    @off_loop
    def claim(self, key: str, *, team_id: str, now: datetime, ttl: timedelta) -> Claim:
        with self.session() as session:
            # Expired keys go first (an indexed range), so a key older than its TTL counts as new.
            session.execute(delete(models.HandledRequest).where(col(models.HandledRequest.expires_at) <= now))
            session.add(models.HandledRequest(key=key, team_id=team_id, expires_at=now + ttl))
            try:
                session.commit()
                return Claim(first=True)
            except IntegrityError:
                session.rollback()
            row = session.get(models.HandledRequest, key)
            if row is None:  # released between our INSERT and this read: the first attempt failed
                return Claim(first=False)
            if row.status is None:
                return Claim(first=False)
            return Claim(first=False, answer=StoredAnswer(row.status, row.content_type, row.body or ""))

    @off_loop
    def answer(self, key: str, *, status: int, content_type: str | None, body: str) -> None:
        with self.session() as session:
            row = session.get(models.HandledRequest, key)
            if row is None:
                return
            row.status, row.content_type, row.body = status, content_type, body
            session.add(row)
            session.commit()

    @off_loop
    def release(self, key: str) -> None:
        with self.session() as session:
            session.execute(delete(models.HandledRequest).where(col(models.HandledRequest.key) == key))
            session.commit()
