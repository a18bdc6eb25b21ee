"""Reminders at volume: 10,000 falling due within one minute over 1,000 channels, through the outbox.

    MEETBOT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/reminders.py [--replicas 3] [--latency 0.1] [--kill-after 20]
    .venv/bin/python benchmarks/reminders.py --future 100000        # RSS with 100,000 future reminders

Each replica is a child process running what `meetbot serve` runs for reminders: the APScheduler
tick (due reminders -> outbox rows) and the outbox worker with the real SlackPoster, on one
PostgreSQL schema made for the run. The fake Slack (tests/fakes/slack) runs in this process and
allows one chat.postMessage per second per channel, answering 429 with Retry-After past it, after
``--latency`` seconds. Channels are uneven: 100 channels get 50 reminders, 900 get 5-6.

Printed: total time from the first due time to the last post, next to the floor measured from the
same plan (each channel paced at 1 message a second from its own due times); lateness p50/p99/max
beyond that floor, per message; lost, duplicated, 429s received, the replicas' peak RSS.
``--kill-after S`` SIGKILLs replica 0 S seconds after the first due time and follows the rows it had
claimed: when the others delivered them, and how many went out twice. No timing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import re
import secrets
import signal
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from db import models, schema  # noqa: E402
from db.crypto import Vault  # noqa: E402
from db.engine import make_engine, normalise_url  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402

TEAM, TOKEN = "T1", "bench-reminders-bot-token"  # the fake Slack accepts the tokens it is given
TITLE = re.compile(r"\bR(\d+)\b")
SPACING = 1.0  # the fake's (and Slack's) one message per second per channel
LEAD = 8.0  # seconds between starting the replicas and the first due time


def plan(count: int, channels: int, *, window: float, seed: int = 7) -> list[tuple[str, float]]:
    """(channel, due offset in seconds) per reminder: 100 busy channels with 50 each, the rest even."""
    rng = random.Random(seed)
    busy = min(100, channels // 10)
    rows = [(f"CH{c:04d}", rng.uniform(0, window)) for c in range(busy) for _ in range(50)][:count]
    quiet = [f"CH{c:04d}" for c in range(busy, channels)]
    rows += [(quiet[n % len(quiet)], rng.uniform(0, window)) for n in range(count - len(rows))]
    return rows


def floor_times(rows: list[tuple[str, float]]) -> list[float]:
    """Each reminder's earliest possible post: its channel paced at SPACING from its own due times."""
    ideal = [0.0] * len(rows)
    by_channel: dict[str, list[int]] = defaultdict(list)
    for index, (channel, _) in enumerate(rows):
        by_channel[channel].append(index)
    for indexes in by_channel.values():
        last = -1e9
        for index in sorted(indexes, key=lambda i: rows[i][1]):
            last = ideal[index] = max(rows[index][1], last + SPACING)
    return ideal


def seed(url: str, vault: Vault, rows: list[tuple[str, float]], start: datetime) -> None:
    """Meetings (kMeet, one channel each) and their one reminder, in bulk."""
    engine = make_engine(url, vault=vault)
    with Session(engine) as session:
        for index, (channel, due) in enumerate(rows):
            due_at = start + timedelta(seconds=due)
            begins = due_at + timedelta(minutes=10)
            session.add(models.Meeting(
                id=f"b{index:06d}", team_id=TEAM, provider="kmeet", title=f"R{index}", starts_at=begins,
                duration_minutes=30, timezone="UTC", channel_id=channel, organiser_id="U1", room_id=f"r{index}",
                join_url=f"https://meet.example.test/r{index}", ends_at=begins + timedelta(minutes=30)))
            if index % 2000 == 1999:
                session.flush()
        session.flush()
        session.add_all(models.Reminder(team_id=TEAM, meeting_id=f"b{index:06d}",
                                        due_at=start + timedelta(seconds=due), offset_minutes=10)
                        for index, (_, due) in enumerate(rows))
        session.commit()
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    engine.dispose()


def shift_times(url: str, earlier: timedelta) -> None:
    """Move every reminder and meeting ``earlier`` (seeded far ahead, so nothing fell due while seeding)."""
    engine = make_engine(url, vault=None)
    with engine.begin() as connection:
        connection.execute(text("UPDATE reminder SET due_at = due_at - :d"), {"d": earlier})
        connection.execute(text("UPDATE meeting SET starts_at = starts_at - :d, ends_at = ends_at - :d"),
                           {"d": earlier})
    engine.dispose()


def replica(url: str, key: str, api_url: str, owner: str) -> None:
    """A child process: the reminder tick and the outbox worker, as `meetbot serve` runs them.
    With MEETBOT_BENCH_PROFILE=DIR it runs under cProfile and writes DIR/<owner>.prof when terminated."""
    profile_dir = os.environ.get("MEETBOT_BENCH_PROFILE")
    if not profile_dir:
        asyncio.run(_replica(url, key, api_url, owner))
        return
    import cProfile

    profiler = cProfile.Profile()

    def dump(*_: object) -> None:
        profiler.disable()
        profiler.dump_stats(str(Path(profile_dir) / f"{owner}.prof"))
        (Path(profile_dir) / f"{owner}.timings").write_text(timings_report() + "\n")
        os._exit(0)

    signal.signal(signal.SIGTERM, dump)
    profiler.enable()
    asyncio.run(_replica(url, key, api_url, owner))


async def _replica(url: str, key: str, api_url: str, owner: str) -> None:
    from bot.slack.sink import SlackPoster
    from bot.workers.outbox import OutboxWorker
    from bot.workers.reminders import start_scheduler
    from commands.framework.context import NobodyDirectory, Services
    from db.storage import Storage

    storage = Storage.open(url, vault=Vault.from_keys([key]))
    services = Services(storage=storage, directory=NobodyDirectory())
    if os.environ.get("MEETBOT_BENCH_PROFILE"):
        time_repositories(storage.outbox, storage.reminders)

    async def token_for(team_id: str) -> str | None:
        return TOKEN

    worker = OutboxWorker(services, SlackPoster(token_for, api_url=api_url), owner=owner)
    start_scheduler(services, worker, every=1.0)
    while True:
        await asyncio.sleep(3600)


TIMINGS: dict[str, list[float]] = defaultdict(list)  # repository method -> wall seconds of each call (profiling)


def time_repositories(*repositories: object) -> None:
    """Profiling: record each repository call's wall time (cProfile sees only the loop's thread)."""
    for repository in repositories:
        for name in dir(type(repository)):
            method = getattr(repository, name)
            if name.startswith("_") or not asyncio.iscoroutinefunction(method):
                continue

            async def timed(*args: object, __method: object = method, __name: str = f"{type(repository).__name__}.{name}", **kwargs: object) -> object:
                began = time.perf_counter()
                try:
                    return await __method(*args, **kwargs)  # type: ignore[operator]
                finally:
                    TIMINGS[__name].append(time.perf_counter() - began)

            setattr(repository, name, timed)


def timings_report() -> str:
    return "\n".join(f"{name:32} calls {len(times):6}  total {sum(times):7.2f} s  mean {1000 * sum(times) / len(times):7.1f} ms"
                     f"  max {1000 * max(times):7.1f} ms" for name, times in sorted(TIMINGS.items()))


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Schema:
    """A fresh PostgreSQL schema at Alembic's head for one run; dropped afterwards."""

    def __init__(self, base_url: str) -> None:
        self.base = normalise_url(base_url)
        self.name = f"bench_{secrets.token_hex(4)}"
        separator = "&" if "?" in self.base else "?"
        self.url = f"{self.base}{separator}options=-csearch_path%3D{self.name}"

    def __enter__(self) -> str:
        admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.name}"'))
        admin.dispose()
        engine = make_engine(self.url, vault=None)
        schema.upgrade(engine)
        engine.dispose()
        return self.url

    def __exit__(self, *exc: object) -> None:
        admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        admin.dispose()


def run_burst(args: argparse.Namespace) -> int:
    rows = plan(args.reminders, args.channels, window=args.window)
    ideal = floor_times(rows)
    key = Fernet.generate_key().decode()
    fake = FakeSlack(tokens={TOKEN: TEAM})
    for channel in sorted({channel for channel, _ in rows}):
        fake.add_channel(channel, team_id=TEAM, name=channel.lower())
    fake.channel_spacing = SPACING
    fake.latency = args.latency
    context = multiprocessing.get_context("spawn")
    with Schema(args.postgres_url) as url, fake.running() as api_url:
        parked = datetime.now(UTC) + timedelta(days=1)
        seed(url, Vault.from_keys([key]), rows, parked)
        start = datetime.now(UTC) + timedelta(seconds=LEAD)  # seeding takes a while: due times move now
        shift_times(url, parked - start)
        children = [context.Process(target=replica, args=(url, key, api_url, f"replica-{n}"), daemon=True)
                    for n in range(args.replicas)]
        for child in children:
            child.start()
        begin = start.timestamp()
        killed_at = None
        orphans: set[int] = set()
        deadline = begin + max(ideal) + args.timeout
        peaks = {}
        while time.time() < deadline:
            time.sleep(0.5)
            if args.kill_after is not None and killed_at is None and time.time() >= begin + args.kill_after:
                peaks[0] = peak_rss_mb(children[0].pid or 0)
                os.kill(children[0].pid or 0, signal.SIGKILL)
                killed_at = time.time() - begin
                orphans = held_by(url, "replica-0")
            posted = {int(m.group(1)) for c in fake.calls_to("chat.postMessage") if c.ok
                      and (m := TITLE.search(str(c.args.get("text", ""))))}
            if len(posted) >= len(rows):
                break
        for n, child in enumerate(children):
            peaks.setdefault(n, peak_rss_mb(child.pid or 0))
            if child.is_alive():
                child.terminate()
            child.join(5)
        report(args, rows, ideal, fake, begin, peaks, killed_at, orphans)
    return 0


def held_by(url: str, owner: str) -> set[int]:
    """The reminders (plan indexes) whose outbox rows ``owner`` had claimed and not finished: what a
    replica SIGKILLed now leaves to the others once its lease runs out."""
    engine = make_engine(url, vault=None)
    with engine.connect() as connection:
        keys = connection.execute(text(
            "SELECT o.idem_key, m.title FROM outboxmessage o JOIN reminder r ON o.idem_key LIKE 'reminder:' || r.id || ':%' "
            "JOIN meeting m ON m.id = r.meeting_id WHERE o.lease_owner = :owner AND o.status = 'pending'"),
            {"owner": owner}).all()
    engine.dispose()
    return {int(title[1:]) for _, title in keys}


def report(args: argparse.Namespace, rows: list[tuple[str, float]], ideal: list[float], fake: FakeSlack,
           begin: float, peaks: dict[int, float], killed_at: float | None, orphans: set[int]) -> None:
    first: dict[int, float] = {}
    counts: Counter[int] = Counter()
    rate_limited = 0
    for call in fake.calls_to("chat.postMessage"):
        if call.status == 429:
            rate_limited += 1
            continue
        match = TITLE.search(str(call.args.get("text", "")))
        if call.ok and match:
            index = int(match.group(1))
            counts[index] += 1
            first.setdefault(index, call.at - begin)
    lost = len(rows) - len(first)
    duplicated = sum(n - 1 for n in counts.values())
    late = sorted(first[i] - ideal[i] for i in first)
    total = max(first.values()) if first else float("nan")
    floor = max(ideal)
    posts = sum(counts.values()) + rate_limited

    def q(p: float) -> float:
        return late[min(len(late) - 1, int(p * len(late)))] if late else float("nan")

    kill = f", replica 0 SIGKILLed at {killed_at:.1f} s" if killed_at is not None else ""
    print(f"{len(rows)} reminders over {len({c for c, _ in rows})} channels due within {args.window:.0f} s; "
          f"{args.replicas} replica(s), Slack latency {args.latency * 1000:.0f} ms{kill}")
    print(f"  total {total:.1f} s   floor {floor:.1f} s   (total - floor {total - floor:+.1f} s; goal <= +5 s)")
    print(f"  lateness beyond the channel's own pacing: p50 {q(0.5):.2f} s  p99 {q(0.99):.2f} s  "
          f"max {late[-1] if late else float('nan'):.2f} s (goal p99 <= 5 s)")
    print(f"  lost {lost}   duplicated {duplicated}   429s {rate_limited} of {posts} posts "
          f"({100 * rate_limited / max(posts, 1):.2f} %; goal <= 1 %)")
    print("  peak RSS per replica: " + ", ".join(f"{peaks[n]:.0f} MB" for n in sorted(peaks)))
    if killed_at is not None:
        after = [first[i] - killed_at for i in orphans if i in first]
        print(f"  the killed replica held {len(orphans)} claimed rows: {len(after)} delivered by the others, "
              f"the last {max(after, default=float('nan')):.1f} s after the kill (goal <= lease 30 s + 5 s); "
              f"{sum(counts[i] > 1 for i in orphans)} of them posted twice (goal: duplicates <= rows held)")


def run_future(args: argparse.Namespace) -> int:
    """100,000 reminders due tomorrow: one replica's RSS over ``--seconds``, sampled every 5 s."""
    rows = [(f"CH{n % 1000:04d}", 0.0) for n in range(args.future)]
    key = Fernet.generate_key().decode()
    fake = FakeSlack(tokens={TOKEN: TEAM})
    with Schema(args.postgres_url) as url, fake.running() as api_url:
        seed(url, Vault.from_keys([key]), rows, datetime.now(UTC) + timedelta(days=1))
        child = multiprocessing.get_context("spawn").Process(target=replica, args=(url, key, api_url, "r0"),
                                                             daemon=True)
        child.start()
        samples = []
        for _ in range(int(args.seconds // 5)):
            time.sleep(5)
            samples.append(rss_mb(child.pid or 0))
        child.terminate()
        child.join(5)
    print(f"{args.future} future reminders, one replica ticking every 1 s for {args.seconds:.0f} s: RSS "
          + " ".join(f"{mb:.0f}" for mb in samples) + " MB (goal < 200 MB and flat); "
          f"posts {len(fake.calls_to('chat.postMessage'))}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default=os.environ.get("MEETBOT_TEST_POSTGRES_URL"))
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--kill-after", type=float, default=None)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds past the floor before giving up")
    parser.add_argument("--future", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    if not args.postgres_url:
        print("Set MEETBOT_TEST_POSTGRES_URL or --postgres-url (the queue lives in PostgreSQL).", file=sys.stderr)
        return 2
    return run_future(args) if args.future else run_burst(args)


if __name__ == "__main__":
    sys.exit(main())
