"""``/meeting list`` over a team with 30,000 meetings: the code before reshape/switch against today's,
measured in the same run on the same database.

    .venv/bin/python benchmarks/meeting_list.py                    # SQLite
    MEETBOT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python benchmarks/meeting_list.py --postgres     # SQLite and PostgreSQL

Two tables. **Repository**: the first page of 20, three listings (all upcoming, one channel, one
user), with the old ``Repository.upcoming_meetings`` (reads every scheduled row of the team from a
day ago on, decrypts each, filters and slices in Python, on the event loop; copied below as
``old_upcoming_meetings`` since db/repo.py is gone) against ``Storage.meetings.upcoming`` (filters,
counts and pages in SQL, decrypts the page only, off the loop). **Command**: page 1 of
``/meeting list`` for an admin and for a member who may read 7 of the 10 channels: before, the
old listing (up to 1000 rows from the old query, ``policy.may_see`` per row, paged in Python);
now, the whole command through the registry (one membership question per distinct channel, one
SQL page with its count). The directory answers from memory, as a warm cache does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select
from storage_setup import NOW, bench_database, new_vault, seed_meetings

from bot.runtime import command_registry
from commands.framework.context import Context, Person, Services
from commands.framework.policy import is_admin, may_see
from commands.meeting.listing import PAGE_SIZE, ListQuery, page_message
from db import models
from db.engine import make_engine
from db.records import Meeting, Page, utc
from db.storage import Storage

TEAM = "T1"
LISTINGS: dict[str, dict[str, Any]] = {
    "upcoming": {},
    "in #C3": {"channel_id": "C3"},
    "involving U7": {"involving_user": "U7"},
}
OLD_MAX_LISTED = 1000  # what listing.py asked the old repository for
PRIVATE = {f"C{n}" for n in (8, 9, 10)}  # the member reads C1..C7 only
READERS = {"admin": "UADMIN", "member": "U99"}  # U99 organises, co-hosts and is invited to nothing


class MemoryDirectory:
    """A warm directory: people and channel membership from memory."""

    async def person(self, team_id: str, user_id: str) -> Person | None:
        return Person(id=user_id, name=user_id, is_admin=user_id == READERS["admin"])

    async def can_read(self, team_id: str, channel_id: str, user_id: str) -> bool:
        return channel_id not in PRIVATE


def old_upcoming_meetings(engine: Any, team_id: str, *, after: datetime, channel_id: str | None = None,
                          involving_user: str | None = None, limit: int = 20) -> list[models.Meeting]:
    """db/repo.py's ``Repository.upcoming_meetings`` as it was (the naive SQLite times read as UTC)."""
    with Session(engine, expire_on_commit=False) as session:
        query = select(models.Meeting).where(
            models.Meeting.team_id == team_id,
            models.Meeting.status == "scheduled",
            col(models.Meeting.starts_at) >= after - timedelta(hours=24),
        )
        if channel_id:
            query = query.where(models.Meeting.channel_id == channel_id)
        rows = list(session.exec(query.order_by(col(models.Meeting.starts_at))))
    rows = [m for m in rows if utc(m.starts_at) + timedelta(minutes=m.duration_minutes) > after]
    if involving_user:
        rows = [m for m in rows if m.organiser_id == involving_user or involving_user in json.loads(m.cohost_ids)
                or involving_user in json.loads(m.invitee_ids)]
    return rows[:limit]


async def old_list_page(engine: Any, ctx: Context, services: Services) -> tuple[list[Meeting], int]:
    """The old ``list_meetings`` up to its message: 1000 rows, ``may_see`` each, page 1 in Python."""
    admin = await is_admin(ctx, services)
    rows = [Meeting.from_row(row) for row in old_upcoming_meetings(engine, ctx.team_id, after=NOW,
                                                                   limit=OLD_MAX_LISTED)]
    rows = [meeting for meeting in rows if await may_see(meeting, ctx, services, admin=admin)]
    shown = rows[:PAGE_SIZE]
    pages = -(-len(rows) // PAGE_SIZE)
    page_message(Page(items=tuple(shown), total=len(rows), offset=0, limit=PAGE_SIZE), ListQuery(),
                 where="in this workspace", pages=pages, ctx=ctx, now=NOW)
    return shown, len(rows)


async def timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await call()
    return time.perf_counter() - start, result


async def repository_rows(engine: Any, storage: Storage, repeat: int) -> dict[str, tuple[float, float, int]]:
    results = {}
    for name, narrowing in LISTINGS.items():
        old_times, new_times = [], []
        for _ in range(repeat):
            async def old_call() -> list[models.Meeting]:
                return old_upcoming_meetings(engine, TEAM, after=NOW, limit=20, **narrowing)
            seconds, old = await timed(old_call)
            old_times.append(seconds)
            seconds, page = await timed(lambda: storage.meetings.upcoming(TEAM, after=NOW, limit=20, **narrowing))
            new_times.append(seconds)
            # The same page: the old order breaks ties between equal start times arbitrarily.
            assert [m.starts_at for m in page.items] == [utc(m.starts_at) for m in old], "both list the same page"
        results[name] = (statistics.median(old_times), statistics.median(new_times), page.total)
    return results


async def command_rows(engine: Any, storage: Storage, repeat: int) -> dict[str, tuple[float, float, int, int]]:
    registry = command_registry()
    services = Services(storage=storage, directory=MemoryDirectory(), clock=lambda: NOW)
    results = {}
    for reader, user_id in READERS.items():
        ctx = Context(team_id=TEAM, user_id=user_id, channel_id="C1")
        old_times, new_times = [], []
        for _ in range(repeat):
            seconds, (shown, old_total) = await timed(lambda: old_list_page(engine, ctx, services))
            old_times.append(seconds)
            seconds, reply = await timed(lambda: registry.dispatch("/meeting", "list", ctx, services))
            new_times.append(seconds)
            assert [f.value for f in reply.messages[0].fields] == [m.starts_at for m in shown], "the same page 1"
        listed = re.search(r"— (\d+) meetings?", reply.messages[0].text)  # "… — 23,401 meetings, page 1 of …"
        new_total = int(listed.group(1)) if listed else 0
        results[reader] = (statistics.median(old_times), statistics.median(new_times), old_total, new_total)
    return results


async def run_backend(url: str, *, count: int, repeat: int) -> tuple[dict[str, Any], dict[str, Any]]:
    vault = new_vault()
    started = time.perf_counter()
    seed_meetings(url, vault, team_id=TEAM, count=count)
    print(f"  seeded {count} meetings in {time.perf_counter() - started:.1f} s")
    engine = make_engine(url, vault=vault)
    storage = Storage.open(url, vault=vault)
    try:
        return await repository_rows(engine, storage, repeat), await command_rows(engine, storage, repeat)
    finally:
        await storage.close()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--meetings", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL at $MEETBOT_TEST_POSTGRES_URL")
    args = parser.parse_args()
    for backend in ["sqlite"] + (["postgresql"] if args.postgres else []):
        print(f"\n{backend}: {args.meetings} meetings in the team, median of {args.repeat}")
        with bench_database(backend, os.environ.get("MEETBOT_TEST_POSTGRES_URL")) as url:
            repository, command = asyncio.run(run_backend(url, count=args.meetings, repeat=args.repeat))
        print(f"  repository, first page of 20\n  {'listing':<14} {'old ms (on loop)':>17} {'new ms (off loop)':>18} "
              f"{'speed-up':>9} {'matching':>9}")
        for name, (old, new, total) in repository.items():
            print(f"  {name:<14} {old * 1000:>17.1f} {new * 1000:>18.1f} {old / new:>8.0f}x {total:>9}")
        print(f"  /meeting list, page 1\n  {'reader':<14} {'before ms':>17} {'after ms':>18} {'speed-up':>9} "
              f"{'listed before/after':>20}")
        for reader, (old, new, old_total, new_total) in command.items():
            listed = f"{old_total}/{new_total}"
            print(f"  {reader:<14} {old * 1000:>17.1f} {new * 1000:>18.1f} {old / new:>8.0f}x {listed:>20}")


if __name__ == "__main__":
    main()
