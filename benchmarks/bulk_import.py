"""A bulk import of 500 speakers next to a sequential loop over the same rows, in the same run.

    .venv/bin/python benchmarks/bulk_import.py              # --rows 500 --delay 0.2 --limit 10
    .venv/bin/python benchmarks/bulk_import.py --concurrency 16   # more in flight than the fake allows: 429s

Airmeet is the loopback fake (tests/fakes/airmeet) behind a rate limiter: every call is answered
after ``--delay`` seconds, and a call beyond ``--limit`` in flight gets 429 with ``Retry-After: 1``
(the seed states no limit; this models a provider that enforces one). Both runs go through the
real Airmeet adapter and the shared retry policy, each into its own event:

- baseline: one ``add_speaker`` after the other (what a script calling the API "multiple times" does);
- meetbot: the CSV previewed, queued and run by the import worker's ``tick`` (commands.imports), its
  progress message posted and edited through the outbox worker (bot/workers/outbox.py, running its
  loop) and the real Slack poster on the loopback fake Slack, as ``meetbot serve`` does.

Printed: wall times, the speed-up (goal >= 6x), 429s the fake sent, failed rows (goal 0), the
``chat.update`` calls the fake Slack accepted and the shortest gap between two, timed at the fake
(goal >= 2 s), and the import's outbox rows by status.
Exit status 0 when the goals are met. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from the repo root
    sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bot.slack.directory import SlackDirectory  # noqa: E402
from bot.slack.sink import SlackPoster, SlackSink  # noqa: E402
from bot.workers.imports import tick  # noqa: E402
from bot.workers.outbox import OutboxWorker  # noqa: E402
from commands.airmeet.bulk import KINDS, SPEAKERS  # noqa: E402
from commands.framework.context import Context, Services  # noqa: E402
from commands.imports import preview  # noqa: E402
from commands.lifecycle import open_adapter  # noqa: E402
from db import schema  # noqa: E402
from db.crypto import Vault  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.storage import Storage  # noqa: E402
from providers.base import Endpoints  # noqa: E402
from tests.fakes.airmeet import FakeAirmeet  # noqa: E402
from tests.fakes.server import serve  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402

TEAM, CHANNEL, USER, TOKEN = "T1", "C1", "U1", "xoxb-bench-T1"


class RateLimited:
    """ASGI middleware: ``delay`` seconds per call, 429 + Retry-After beyond ``limit`` calls in flight."""

    def __init__(self, app: Any, *, delay: float, limit: int) -> None:
        self.app, self.delay, self.limit = app, delay, limit
        self.in_flight = 0
        self.refused = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] == "/auth":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            self.refused += 1
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json"), (b"retry-after", b"1")]})
            await send({"type": "http.response.body", "body": b'{"success": false, "message": "Too many requests"}'})
            return
        self.in_flight += 1
        try:
            await asyncio.sleep(self.delay)
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


def csv_of(rows: int, prefix: str) -> str:
    return "name,email\n" + "".join(f"{prefix} Speaker {i},{prefix.lower()}{i}@example.com\n" for i in range(rows))


async def sequential(services: Services, event: str, rows: int) -> float:
    started = time.monotonic()
    async with open_adapter(services, team_id=TEAM, provider="airmeet") as airmeet:
        for i in range(rows):
            await airmeet.add_speaker(event, name=f"Loop Speaker {i}", email=f"loop{i}@example.com")  # type: ignore[attr-defined]
    return time.monotonic() - started


async def imported(services: Services, event: str, rows: int, sink: SlackSink, outbox: OutboxWorker, *,
                   concurrency: int | None) -> tuple[float, float, int]:
    """Preview, Import, the worker's tick: (whole time, time of the preview alone, rows not imported)."""
    ctx = Context(team_id=TEAM, user_id=USER, channel_id=CHANNEL)
    kinds = dict(KINDS)
    if concurrency is not None:
        kinds[SPEAKERS.name] = dataclasses.replace(SPEAKERS, concurrency=concurrency)
    started = time.monotonic()
    reply = await preview(SPEAKERS, csv_of(rows, "Bulk"), target=event, label="Bench", ctx=ctx, services=services)
    previewed = time.monotonic() - started
    job_id = reply.messages[0].buttons[0].value or ""
    await services.storage.imports.queue(TEAM, job_id)

    async def sink_for_team(team_id: str) -> SlackSink:
        return sink

    await tick(services, kinds, sink_for_team, outbox=outbox)
    elapsed = time.monotonic() - started
    for _ in range(100):  # a final edit queued behind its lane's pacing: the outbox loop posts it
        if not (await services.storage.outbox.counts()).get("pending"):
            break
        await asyncio.sleep(0.1)
    counts = await services.storage.imports.counts(job_id)
    return elapsed, previewed, counts["failed"] + counts["invalid"] + counts["pending"] + counts["sending"]


async def main(rows: int, delay: float, limit: int, concurrency: int | None) -> int:
    fake = FakeAirmeet(access_key="ak", secret_key="sk")
    limiter = RateLimited(fake.app, delay=delay, limit=limit)
    slack = FakeSlack(tokens={TOKEN: TEAM})
    slack.add_user(USER, team_id=TEAM, name="ada", email="ada@example.com", tz="UTC")
    slack.add_channel(CHANNEL, team_id=TEAM, name="events", members=[USER])
    with tempfile.TemporaryDirectory() as tmp, serve(limiter) as airmeet_url, slack.running() as slack_url:
        engine = make_engine(f"sqlite:///{tmp}/bench.db", vault=Vault.from_keys([Fernet.generate_key().decode()]))
        schema.upgrade(engine)
        storage = Storage.on(engine)
        client = AsyncWebClient(token=TOKEN, base_url=slack_url)

        async def clients(team_id: str) -> AsyncWebClient:
            return client

        services = Services(storage=storage, directory=SlackDirectory(clients), endpoints=Endpoints(airmeet=airmeet_url))
        await storage.accounts.save(TEAM, provider="airmeet", credentials={"access_key": "ak", "secret_key": "sk"})
        sink = SlackSink(client)

        async def token_for(team_id: str) -> str | None:
            return TOKEN

        outbox = OutboxWorker(services, SlackPoster(token_for, api_url=slack_url))
        outbox.start()
        try:
            loop_time = await sequential(services, fake.add_event("Loop").uuid, rows)
            refused_before = limiter.refused
            import_time, preview_time, failed = await imported(services, fake.add_event("Bulk").uuid, rows, sink,
                                                               outbox, concurrency=concurrency)
            rows_by_status = await storage.outbox.counts()
        finally:
            await outbox.stop()
            await storage.close()
        refused = limiter.refused - refused_before
        edits = [call.at for call in slack.calls_to("chat.update") if call.status == 200]
        updates = len(edits)
        gaps = [b - a for a, b in zip(edits, edits[1:])]
    speedup = loop_time / import_time
    print(f"bulk import of {rows} speakers; Airmeet fake answers after {delay * 1000:.0f} ms, "
          f"{limit} calls in flight at most (429 + Retry-After: 1 beyond)")
    print(f"{'':28}{'wall time':>12}")
    print(f"{'sequential loop (baseline)':28}{loop_time:>11.1f}s")
    print(f"{'meetbot import job':28}{import_time:>11.1f}s  (of which the preview: {preview_time:.1f}s; rows in "
          f"flight at most: {concurrency or SPEAKERS.concurrency})")
    print(f"speed-up: {speedup:.1f}x (goal >= 6x)")
    print(f"429s received by the import: {refused}; by the loop: {refused_before}")
    print(f"failed rows: {failed} (goal 0)")
    print(f"chat.update calls: {updates} in {import_time:.1f}s; shortest gap {min(gaps, default=0.0):.2f}s "
          f"(goal: at most one per 2 s)")
    print(f"outbox rows (start, edits, summary): {dict(sorted(rows_by_status.items()))}")
    ok = speedup >= 6 and failed == 0 and all(gap >= 2.0 for gap in gaps)
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the fake takes per call")
    parser.add_argument("--limit", type=int, default=10, help="calls in flight the fake allows")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="rows in flight at most (default: the Airmeet kinds' own); above --limit shows the 429s")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.rows, arguments.delay, arguments.limit, arguments.concurrency)))
