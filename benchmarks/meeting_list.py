"""One page of ``/meeting list`` over a team with 30,000 meetings: today's Repository against the
paged-in-SQL ``Storage.meetings.upcoming``, measured in the same run on the same database.

    .venv/bin/python benchmarks/meeting_list.py                    # SQLite
    MEETBOT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python benchmarks/meeting_list.py --postgres     # SQLite and PostgreSQL

``Repository.upcoming_meetings`` reads every scheduled row of the team from a day ago on, decrypts
each, then filters and slices in Python; ``Storage.meetings.upcoming`` filters, counts and pages in
SQL and decrypts only the page. Three listings, each the first page of 20: all upcoming, one
channel, one user (organiser, co-host or invitee). Printed: the median of ``--repeat`` runs each,
and how long the event loop was blocked (the old call runs on the loop; the new one does not).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from storage_setup import NOW, bench_database, new_vault, seed_meetings

from db.engine import make_engine
from db.repo import Repository
from db.storage import Storage

TEAM = "T1"
LISTINGS: dict[str, dict[str, Any]] = {
    "upcoming": {},
    "in #C3": {"channel_id": "C3"},
    "involving U7": {"involving_user": "U7"},
}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


async def run_backend(url: str, *, count: int, repeat: int) -> dict[str, tuple[float, float, int]]:
    vault = new_vault()
    started = time.perf_counter()
    seed_meetings(url, vault, team_id=TEAM, count=count)
    print(f"  seeded {count} meetings in {time.perf_counter() - started:.1f} s")
    engine = make_engine(url, vault=vault)
    repo = Repository(engine)
    storage = Storage.open(url, vault=vault)
    results = {}
    try:
        for name, narrowing in LISTINGS.items():
            old_times, new_times = [], []
            for _ in range(repeat):
                seconds, old = timed(lambda: repo.upcoming_meetings(TEAM, after=NOW, limit=20, **narrowing))
                old_times.append(seconds)
                start = time.perf_counter()
                page = await storage.meetings.upcoming(TEAM, after=NOW, limit=20, **narrowing)
                new_times.append(time.perf_counter() - start)
                # The same page: the old order breaks ties between equal start times arbitrarily.
                assert [m.starts_at for m in page.items] == [m.starts_at for m in old], "both list the same page"
            results[name] = (statistics.median(old_times), statistics.median(new_times), page.total)
    finally:
        await storage.close()
        engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--meetings", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL at $MEETBOT_TEST_POSTGRES_URL")
    args = parser.parse_args()
    for backend in ["sqlite"] + (["postgresql"] if args.postgres else []):
        print(f"\n{backend}: first page of 20, {args.meetings} meetings in the team, median of {args.repeat}")
        with bench_database(backend, os.environ.get("MEETBOT_TEST_POSTGRES_URL")) as url:
            results = asyncio.run(run_backend(url, count=args.meetings, repeat=args.repeat))
        print(f"  {'listing':<14} {'old ms (on loop)':>17} {'new ms (off loop)':>18} {'speed-up':>9} {'matching':>9}")
        for name, (old, new, total) in results.items():
            print(f"  {name:<14} {old * 1000:>17.1f} {new * 1000:>18.1f} {old / new:>8.0f}x {total:>9}")


if __name__ == "__main__":
    main()
