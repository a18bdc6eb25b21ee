"""Does a database call block the event loop? SQLAlchemy's async engine against sync calls moved off
the loop into threads (what ``db.storage.Storage`` does), and against today's sync calls made on
the loop (the baseline: what every caller did before reshape/switch).

    .venv/bin/python benchmarks/storage_loop.py                    # SQLite
    MEETBOT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python benchmarks/storage_loop.py --postgres     # SQLite and PostgreSQL

Each round fires ``--calls`` (200) concurrent "get meeting" calls, each for a random one of 500
stored meetings, and returns typed records (host link and provider data decrypted) in every
variant:
  on-loop     the old db/repo.py's sync ``Repository.get_meeting`` (copied here) awaited nowhere
  to_thread   ``Storage.meetings.get``: the same sync query in the storage's thread pool (chosen)
  async       the same query through an ``AsyncSession`` on the async engine (aiosqlite / psycopg
              async), written here as db/repos had it before the measurement decided
Meanwhile a ticker sleeps 1 ms in a loop and records how late it wakes: that is the event-loop lag
a Slack ack queued behind the calls would see. Printed per variant: the median over the rounds of
the wall time of the 200 calls, and of the p99 and max ticker lag. Everything is in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from storage_setup import bench_database, new_vault, seed_meetings

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Session, select

from db import models, records
from db.crypto import Vault
from db.engine import make_async_engine, make_engine
from db.storage import Storage

TEAM = "T1"


@dataclass
class Round:
    wall: float
    lag_p99: float
    lag_max: float


async def measure(calls: list[Callable[[], Awaitable[object]]]) -> Round:
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - start - 0.001)

    watcher = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    results = await asyncio.gather(*(call() for call in calls))
    wall = time.perf_counter() - start
    done.set()
    await watcher
    assert all(isinstance(result, records.Meeting) for result in results)
    lags.sort()
    return Round(wall=wall, lag_p99=lags[int(len(lags) * 0.99) - 1] if lags else 0.0, lag_max=lags[-1] if lags else 0.0)


async def run_backend(url: str, vault: Vault, *, calls: int, rounds: int) -> dict[str, list[Round]]:
    ids = seed_meetings(url, vault, team_id=TEAM, count=500)
    sync_engine = make_engine(url, vault=vault)
    storage = Storage.open(url, vault=vault)
    async_engine = make_async_engine(url, vault=vault)
    sessions = async_sessionmaker(async_engine, expire_on_commit=False)
    chance = random.Random(1)

    def old_get_meeting(meeting_id: str) -> models.Meeting | None:
        # The old db/repo.py's Repository.get_meeting, as it was.
        with Session(sync_engine, expire_on_commit=False) as session:
            return session.exec(
                select(models.Meeting).where(models.Meeting.team_id == TEAM, models.Meeting.id == meeting_id.lower())
            ).first()

    async def on_loop(meeting_id: str) -> records.Meeting:
        row = old_get_meeting(meeting_id)  # blocks the loop, as every caller did
        assert row is not None
        return records.Meeting.from_row(row)

    async def in_thread(meeting_id: str) -> records.Meeting | None:
        return await storage.meetings.get(TEAM, meeting_id)

    async def with_async_engine(meeting_id: str) -> records.Meeting | None:
        async with sessions() as session:
            row = (await session.scalars(
                select(models.Meeting).where(models.Meeting.team_id == TEAM, models.Meeting.id == meeting_id)
            )).first()
            return records.Meeting.from_row(row) if row else None

    variants: dict[str, Callable[[str], Awaitable[object]]] = {
        "on-loop": on_loop, "to_thread": in_thread, "async": with_async_engine}
    results: dict[str, list[Round]] = {name: [] for name in variants}
    try:
        for round_number in range(rounds + 1):  # round 0 warms pools and caches, not counted
            order = list(variants.items())
            chance.shuffle(order)
            for name, call in order:
                picks = [chance.choice(ids) for _ in range(calls)]
                measured = await measure([lambda m=m, call=call: call(m) for m in picks])  # type: ignore[misc]
                if round_number:
                    results[name].append(measured)
    finally:
        await storage.close()
        await async_engine.dispose()
        sync_engine.dispose()
    return results


def report(backend: str, results: dict[str, list[Round]], calls: int) -> None:
    print(f"\n{backend}: {calls} concurrent get-meeting calls, median of {len(results['async'])} rounds")
    print(f"  {'variant':<10} {'wall ms':>9} {'calls/s':>9} {'loop lag p99 ms':>16} {'lag max ms':>11}")
    base = statistics.median(r.wall for r in results["on-loop"])
    for name, rounds in results.items():
        wall = statistics.median(r.wall for r in rounds)
        p99 = statistics.median(r.lag_p99 for r in rounds)
        worst = statistics.median(r.lag_max for r in rounds)
        print(f"  {name:<10} {wall * 1000:>9.1f} {calls / wall:>9.0f} {p99 * 1000:>16.1f} {worst * 1000:>11.1f}"
              f"   (wall x{wall / base:.2f} of on-loop)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL at $MEETBOT_TEST_POSTGRES_URL")
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    for backend in backends:
        with bench_database(backend, os.environ.get("MEETBOT_TEST_POSTGRES_URL")) as url:
            results = asyncio.run(run_backend(url, new_vault(), calls=args.calls, rounds=args.rounds))
        report(backend, results, args.calls)


if __name__ == "__main__":
    main()
