"""Slack requests already taken on, shared by every replica through the database (issue 11, finding 1).

    claim = await storage.handled.claim("3f9c…", team_id="T1", now=now, ttl=timedelta(hours=1))
    if claim.first:                       # nobody had it: answer, then
        await storage.handled.answer("3f9c…", status=200, content_type="application/json", body="")
    elif claim.answer is not None:        # a repeat: send the stored first answer again
        ...
    await storage.handled.release("3f9c…")  # the first attempt failed: let Slack's retry run it

The primary key is the unique key: two replicas claiming at once both try one INSERT, and the
database lets exactly one of them commit. Claims are group-committed: those that arrive while one
write is under way go together in the next (a burst of 50 commands: a few transactions, not 50).
"""

from __future__ import annotations

import time
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from db import models
from db.repos.base import Grouped, RepositoryBase, dialect_of, off_loop

PURGE_EVERY = 60.0  # seconds between sweeps of expired keys (a claim also takes over an expired key itself)


@dataclass(frozen=True)
class StoredAnswer:
    """The HTTP answer the first request got."""

    status: int
    content_type: str | None
    body: str


@dataclass(frozen=True)
class ClaimRequest:
    """One caller's claim: its key, team, when it would expire, and the caller's now."""

    key: str
    team_id: str
    expires_at: datetime
    now: datetime


@dataclass(frozen=True)
class Claim:
    """``first``: this caller took the request on; otherwise ``answer`` is the first answer, or None
    while the first request is still being answered."""

    first: bool
    answer: StoredAnswer | None = None


class HandledRequests(RepositoryBase):
    """Claim a request key once; keep its answer until it expires."""

    def __init__(self, engine: Engine, executor: Executor) -> None:
        super().__init__(engine, executor)
        self._next_purge = 0.0
        self._claims = Grouped(executor, self.claim_many)

    async def claim(self, key: str, *, team_id: str, now: datetime, ttl: timedelta) -> Claim:
        """Take the request ``key`` on, or learn who has: one group-committed write."""
        return await self._claims.submit(ClaimRequest(key, team_id, now + ttl, now))

    def claim_many(self, requests: list[ClaimRequest]) -> list[Claim]:
        """The claims of ``requests`` in order, in as few transactions as the database allows: one
        INSERT … ON CONFLICT DO NOTHING RETURNING for all; a key it did not insert (taken, expired,
        or twice in the batch) is settled one by one as before."""
        with self.session() as session:
            if self._purge_due():  # expired keys are swept now and then, not on every request
                session.execute(delete(models.HandledRequest).where(
                    col(models.HandledRequest.expires_at) <= min(request.now for request in requests)))
            firsts = {request.key: request for request in reversed(requests)}  # a key's first request
            inserted = set(session.scalars(
                dialect_of(session).insert(models.HandledRequest).on_conflict_do_nothing(index_elements=["key"])
                .returning(col(models.HandledRequest.key)),
                [{"key": r.key, "team_id": r.team_id, "expires_at": r.expires_at} for r in firsts.values()]))
            session.commit()
            return [Claim(first=True) if request.key in inserted and firsts[request.key] is request
                    else self._claim_one(session, request) for request in requests]

    def _claim_one(self, session: Session, request: ClaimRequest) -> Claim:
        key, now = request.key, request.now
        for _ in range(2):
            row = session.get(models.HandledRequest, key, populate_existing=True)
            if row is not None and row.expires_at > now:
                answer = None if row.status is None else StoredAnswer(row.status, row.content_type, row.body or "")
                return Claim(first=False, answer=answer)
            # Gone (the first attempt failed) or expired: take it over; if another replica does
            # so first, the INSERT fails again and its row is the answer.
            session.execute(delete(models.HandledRequest).where(col(models.HandledRequest.key) == key,
                                                                col(models.HandledRequest.expires_at) <= now))
            session.commit()
            session.add(models.HandledRequest(key=key, team_id=request.team_id, expires_at=request.expires_at))
            try:
                session.commit()
                return Claim(first=True)
            except IntegrityError:
                session.rollback()
        return Claim(first=False)

    def _purge_due(self) -> bool:
        now = time.monotonic()
        if now < self._next_purge:
            return False
        self._next_purge = now + PURGE_EVERY
        return True

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
