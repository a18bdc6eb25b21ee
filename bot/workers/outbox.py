"""The outbox worker: posts queued messages concurrently across channels, paced per channel, in every replica.

    worker = OutboxWorker(services, poster, grace=settings.reminder_grace())   # poster: bot.slack.sink.SlackPoster
    worker.start()                                     # the loop, on the running event loop
    outcomes = await worker.post_now(messages, team_id="T1")   # the interactive path: a free channel at once
    await worker.stop()

Each round claims (db/repos/outbox.py) the next message of every channel that may be posted to now
or within ``Pacing.ahead``, and posts each at its turn, at most ``in_flight`` together. Slack's
answer decides the row's fate: ok -> sent (the channel waits ~1 s from the post); 429 -> the
channel is pushed by Retry-After and the row given back; 5xx or a timeout -> back off and retry;
invalid_auth, account_inactive, token_revoked -> the workspace's rows stop; anything else -> failed.
A replica that dies leaves its in-flight rows to be claimed again when their short lease (30 s,
renewed while posting) runs out.

A reminder row overdue by more than the grace when its turn comes (it waited out 429s, backoff, a
stopped workspace, a Slack outage) is not posted: it and its reminder become missed and the
organiser's one DM per meeting is queued (commands.lifecycle.miss_overdue). Other rows are never dropped.

Recording a post as sent is retried (``RECORD_RETRIES``) and never re-posts: a direct post whose
write fails for good is logged once and stays unrecorded; a claimed row's may be claimed again
after its lease (a duplicate), which the retries make rarer.

Wake-ups: the loop sleeps until the earliest row or channel is due, less ``Pacing.ahead`` (at most
``idle``), and wakes early when this process queues something or a channel it posted to is about to
become free again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot import metrics
from commands.framework.context import Services
from commands.framework.replies import Message
from commands.lifecycle import GRACE, message_at, miss_overdue, outbox_entry, overdue, reminder_due
from db.records import OutboxEntry, OutboxItem
from db.repos.outbox_rows import Sent
from db.repos.pacing import Pacing
from db.storage import Storage

log = logging.getLogger(__name__)

Kind = Literal["sent", "rate_limited", "retry", "stopped", "failed", "queued", "missed"]
MAX_ATTEMPTS = 8  # 5xx / timeouts: 1, 2, 4 … 60 s apart, then the row fails
MIN_ROUND = 0.02  # seconds between two claims of one worker
LATE = timedelta(seconds=5)  # a reminder posted this long after it was due counts as late in /metrics
RECORD_RETRIES = (0.2, 0.5, 1.0)  # seconds before each new try of a failed "sent" write


@dataclass(frozen=True)
class Outcome:
    """What Slack answered one post: ``Outcome("sent", ts="1700.1")``, ``Outcome("rate_limited", retry_after=3)``."""

    kind: Kind
    ts: str | None = None
    retry_after: float = 0.0
    error: str = ""


class Poster(Protocol):
    async def post(self, item: OutboxItem, message: Message) -> Outcome: ...


class OutboxWorker:
    """Claims and posts outbox rows for this replica; ``stats`` counts outcomes (for /metrics)."""

    def __init__(self, services: Services, poster: Poster, *, pacing: Pacing | None = None, in_flight: int = 50,
                 idle: float = 1.0, owner: str | None = None, grace: timedelta = GRACE) -> None:
        self.services = services
        self.grace = grace  # MEETBOT_REMINDER_GRACE_MINUTES, as the reminder tick has it
        self.poster = poster
        self.pacing = pacing or Pacing()
        self.in_flight = in_flight
        self.idle = idle
        self.owner = owner or f"worker-{uuid.uuid4().hex[:12]}"
        self.stats: Counter[str] = Counter()
        self.last_round: datetime | None = None  # heartbeat: when the loop last claimed
        self._slots = asyncio.Semaphore(in_flight)
        self._claiming = asyncio.Lock()  # one claim at a time in this process (SQLite has no row locks)
        self._held: set[int] = set()
        self._wake = asyncio.Event()
        self._sent: list[tuple[Sent, OutboxEntry | None, asyncio.Future[bool]]] = []  # waiting for _write_sent
        self._direct: set[str] = set()  # channels being posted to by post_now, not through a row
        self._writer: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Outcome]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def storage(self) -> Storage:
        return self.services.storage

    def wake(self) -> None:
        """Claim again now (something was queued, or a channel became free)."""
        self._wake.set()

    async def post_now(self, messages: Sequence[Message], *, team_id: str) -> list[tuple[Message, Outcome]]:
        """The interactive path: post at once the first message of each channel that is free (nothing
        queued there, its pacing passed) and store it as sent in the same write; queue the rest
        ("queued") for the loop. Announcements are keyed by their meeting.

        A free channel is posted to without a claim: two replicas may both find it free and post one
        message each, and Slack may answer the second 429; that message is then queued like any other.
        The workspace budget is not charged for these few posts (it guards bulk sends)."""
        now = self.services.clock()
        entries = [outbox_entry(m, team_id=team_id, key=m.purpose or f"post:{uuid.uuid4().hex}", not_before=now)
                   for m in messages]
        free = await self.storage.outbox.free_lanes(team_id, entries, now=now) - self._direct
        direct: dict[int, OutboxEntry] = {}
        for index, entry in enumerate(entries):
            if entry.channel in free:
                free.discard(entry.channel)  # a later message to the same channel waits its turn
                self._direct.add(entry.channel)
                direct[index] = entry
            elif entry.channel in self._direct:  # behind this call's (or another's) direct post
                entries[index] = replace(entry, not_before=now + self.pacing.per_channel)
        queued = [index for index in range(len(entries)) if index not in direct]
        # Nothing to queue (the usual announcement): no trip through the database's thread at all.
        ids = await self.storage.outbox.enqueue([entries[index] for index in queued]) if queued else []

        posting = asyncio.gather(*(self._post_direct(entry, messages[index]) for index, entry in direct.items()))
        rounds = await self.pump(only=ids) if ids else {}  # meanwhile the direct posts go out
        outcomes = dict(zip(direct, await posting))
        outcomes.update((index, rounds.get(row_id, Outcome("queued"))) for index, row_id in zip(queued, ids))
        if ids:
            self.wake()
        return [(message, outcomes.get(index, Outcome("queued"))) for index, message in enumerate(messages)]

    async def _post_direct(self, entry: OutboxEntry, message: Message) -> Outcome:
        """Post one unqueued message; sent -> stored as sent; otherwise queued as the answer says."""
        item = OutboxItem(id=0, team_id=entry.team_id, channel=entry.channel, idem_key=entry.idem_key,
                          payload=entry.payload, purpose=entry.purpose, attempts=1, not_before=entry.not_before)
        try:
            started = self.services.clock()
            try:
                outcome = await self.poster.post(item, message)
            except Exception as error:  # a bug or an unexpected answer: queue it, never lose it
                log.exception("posting a message to %s failed", entry.channel)
                outcome = Outcome("retry", error=type(error).__name__)
            self.stats[outcome.kind] += 1
            count(item, outcome, late=False)
            if outcome.kind == "sent":
                await self._mark_sent(Sent(0, outcome.ts, started), entry)
                self._wake_at((self.pacing.per_channel - self.pacing.ahead).total_seconds())
                return outcome
            now = self.services.clock()
            if outcome.kind == "rate_limited":
                until = now + timedelta(seconds=max(outcome.retry_after, 1.0))
                await self.storage.outbox.push_channel(entry.team_id, entry.channel, until=until)
                entry = replace(entry, not_before=until)
                self._wake_at((until - now).total_seconds())
            [row_id] = await self.storage.outbox.enqueue([entry])
            if outcome.kind == "stopped":
                await self.storage.outbox.stop_workspace(entry.team_id, reason=outcome.error)
            elif outcome.kind == "failed":
                await self.storage.outbox.fail(row_id, error=outcome.error)
            else:
                self.wake()
            return outcome
        finally:
            self._direct.discard(entry.channel)

    async def pump(self, *, only: Sequence[int] | None = None) -> dict[int, Outcome]:
        """One round: claim what may go now and post it, waiting for the answers."""
        items = await self._claim(only=only)
        results = await asyncio.gather(*(self._post(item) for item in items))
        return {item.id: outcome for item, outcome in zip(items, results)}

    async def drain(self, *, rounds: int = 1000) -> int:
        """Post until a round claims nothing (channels paced into the future wait): tests and the console."""
        posted = 0
        for _ in range(rounds):
            outcomes = await self.pump()
            if not outcomes:
                break
            posted += sum(outcome.kind == "sent" for outcome in outcomes.values())
        return posted

    async def _claim(self, *, only: Sequence[int] | None = None) -> list[OutboxItem]:
        async with self._claiming:
            room = self.pacing.limit if only is not None else max(0, 4 * self.in_flight - len(self._held))
            if room == 0:
                return []
            pacing = replace(self.pacing, limit=min(room, self.pacing.limit))
            items = await self.storage.outbox.claim(now=self.services.clock(), owner=self.owner, pacing=pacing,
                                                    only=only)
            self._held.update(item.id for item in items)
            self.last_round = self.services.clock()
            return items

    async def _post(self, item: OutboxItem) -> Outcome:
        try:
            if item.post_at is not None:  # claimed ahead of its channel's turn (Pacing.ahead): wait for it
                wait = (item.post_at - self.services.clock()).total_seconds()
                if wait > 0:
                    await asyncio.sleep(wait)
            async with self._slots:
                started = self.services.clock()
                if overdue(item, now=started, grace=self.grace):
                    return await self._miss(item, now=started)
                try:
                    outcome = await self.poster.post(item, message_at(item.payload, now=started))
                except Exception as error:  # a bug or an unexpected answer: back off, never lose the row
                    log.exception("posting outbox row %s failed", item.id)
                    outcome = Outcome("retry", error=type(error).__name__)
                await self._record(item, outcome, started)
                self.stats[outcome.kind] += 1
                # Late against the reminder's due time: a retry moves the row's not_before on.
                count(item, outcome, late=started - (reminder_due(item.payload) or item.not_before) > LATE
                      if item.idem_key.startswith("reminder:") else False)
                return outcome
        finally:
            self._held.discard(item.id)

    async def _miss(self, item: OutboxItem, *, now: datetime) -> Outcome:
        """Drop a reminder row past the grace instead of posting it; count its reminder once, as the tick does."""
        became = await miss_overdue(self.services, item, owner=self.owner, now=now)
        if became is None:
            self.stats["lease_lost"] += 1
        else:
            self.wake()  # the organiser's DM was queued (or already was)
            if became:
                metrics.reminders.labels(outcome="missed").inc()
        self.stats["missed"] += 1
        return Outcome("missed", error="past the reminder grace")

    async def _record(self, item: OutboxItem, outcome: Outcome, started: datetime) -> None:
        outbox = self.storage.outbox
        now = self.services.clock()
        if outcome.kind == "sent":
            if not await self._mark_sent(Sent(item.id, outcome.ts, started)):  # and the announcement's ts
                self.stats["lease_lost"] += 1
            self._wake_at((started + self.pacing.per_channel - self.pacing.ahead - self.services.clock()).total_seconds())
        elif outcome.kind == "rate_limited":
            until = now + timedelta(seconds=max(outcome.retry_after, 1.0))
            await outbox.push_channel(item.team_id, item.channel, until=until)
            await outbox.retry(item.id, owner=self.owner, not_before=until, error="ratelimited")
            self._wake_at((until - now).total_seconds())
        elif outcome.kind == "retry" and item.attempts < MAX_ATTEMPTS:
            backoff = min(60.0, 2.0 ** (item.attempts - 1)) * random.uniform(0.8, 1.2)
            await outbox.retry(item.id, owner=self.owner, not_before=now + timedelta(seconds=backoff),
                               error=outcome.error)
            self._wake_at(backoff)
        elif outcome.kind == "stopped":
            stopped = await outbox.stop_workspace(item.team_id, reason=outcome.error)
            log.warning("Slack refused workspace %s's token (%s): %d queued messages stopped", item.team_id,
                        outcome.error, stopped)
        else:
            await outbox.fail(item.id, error=outcome.error or "too many attempts")
            log.warning("an outbox message to %s failed for good: %s", item.channel, outcome.error)

    async def _mark_sent(self, done: Sent, posted: OutboxEntry | None = None) -> bool:
        """Record a post Slack accepted (of a claimed row, or ``posted`` without a row); False when it
        may be posted again (its lease was lost, or the write failed for good). Never raises: the post
        happened. Group commit: posts that finish while one write is under way go together in the
        next, so a round costs one transaction, not one per row."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._sent.append((done, posted, answer))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_sent(), name="outbox-sent")
        return await answer

    async def _write_sent(self) -> None:
        while self._sent:
            batch, self._sent = self._sent, []
            lost = await self._write_batch(batch)
            for done, _, answer in batch:
                if not answer.done():
                    answer.set_result(lost is not None and done.row_id not in lost)

    async def _write_batch(self, batch: list[tuple[Sent, OutboxEntry | None, asyncio.Future[bool]]]) -> set[int] | None:
        """One group-committed ``sent`` write, tried again after ``RECORD_RETRIES``: the posts happened,
        so only the write is repeated (it is idempotent: rows already sent count as lost, a posted
        entry's key is inserted once). None when every try failed: one warning, no traceback (the
        error's type only: a database error's text can hold connection details)."""
        done = [sent for sent, posted, _ in batch if posted is None]
        posted = [(entry, sent) for sent, entry, _ in batch if entry is not None]
        for delay in (*RECORD_RETRIES, None):
            try:
                return await self.storage.outbox.sent(done, owner=self.owner, pacing=self.pacing, posted=posted)
            except Exception as error:
                if delay is None:
                    self.stats["unrecorded"] += len(batch)
                    log.warning("recording posts Slack accepted as sent failed %d times (%s): %d left unrecorded, "
                                "queued ones among them may be posted again after their lease",
                                len(RECORD_RETRIES) + 1, type(error).__name__, len(batch))
                    return None
                await asyncio.sleep(delay)
        return None

    def _wake_at(self, seconds: float) -> None:
        with contextlib.suppress(RuntimeError):  # no running loop: nobody to wake
            asyncio.get_running_loop().call_later(max(seconds, 0.0), self._wake.set)

    # The loop ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Run the loop (and the lease renewal) as a task of the running event loop."""
        if self._loop_task is None:
            self._loop_task = asyncio.get_running_loop().create_task(self.run(), name="outbox-worker")

    async def stop(self) -> None:
        """Stop claiming; rows still being posted finish (or their lease runs out)."""
        if self._loop_task is not None:
            # A flag, not only cancel(): Python 3.11's wait_for can swallow a cancel that lands as its
            # timeout fires, and the loop would go on.
            self._stopping = True
            self._wake.set()
            done, _ = await asyncio.wait({self._loop_task}, timeout=5)
            if not done:
                self._loop_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._loop_task
            self._loop_task = None
            self._stopping = False
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        close = getattr(self.poster, "aclose", None)
        if close is not None:
            await close()

    async def run(self) -> None:
        """Claim, post without waiting for the answers, sleep until the next row or wake-up; forever."""
        renewal = asyncio.get_running_loop().create_task(self._renew_leases(), name="outbox-leases")
        try:
            while not self._stopping:
                self._wake.clear()
                claimed = 0
                try:
                    items = await self._claim()
                    claimed = len(items)
                    for item in items:
                        task = asyncio.get_running_loop().create_task(self._post(item))
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
                    delay = await self._sleep_for(claimed)
                except asyncio.CancelledError:
                    raise
                except Exception:  # a database blip must not end the loop
                    log.exception("outbox round failed")
                    delay = self.idle
                with contextlib.suppress(asyncio.TimeoutError):  # named: tests wait for all but the worker's tasks
                    woken = asyncio.get_running_loop().create_task(self._wake.wait(), name="outbox-wake")
                    await asyncio.wait_for(woken, timeout=delay)
                if not self._stopping:
                    await asyncio.sleep(MIN_ROUND)
        finally:
            renewal.cancel()

    async def _sleep_for(self, claimed: int) -> float:
        if claimed:
            return MIN_ROUND
        now = self.services.clock()
        due = await self.storage.outbox.next_due(now=now)
        if due is None:
            return self.idle
        return min(self.idle, max(MIN_ROUND, (due - self.pacing.ahead - now).total_seconds()))

    async def _renew_leases(self) -> None:
        every = self.pacing.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                await self.storage.outbox.renew(sorted(self._held), owner=self.owner,
                                                until=self.services.clock() + self.pacing.lease)
            except Exception:
                log.exception("renewing outbox leases failed")


def count(item: OutboxItem, outcome: Outcome, *, late: bool) -> None:
    """Slack's 429s and what became of reminder messages, in bot.metrics (``/metrics``)."""
    if outcome.kind == "rate_limited":  # an edit's lane is "<channel>/update" (commands.lifecycle.outbox_entry)
        method = "chat.update" if item.channel.endswith("/update") else "chat.postMessage"
        metrics.slack_rate_limited.labels(method=method).inc()
    if not item.idem_key.startswith("reminder:"):
        return
    if outcome.kind == "sent":
        metrics.reminders.labels(outcome="late" if late else "sent").inc()
    elif outcome.kind in ("failed", "stopped") or (outcome.kind == "retry" and item.attempts >= MAX_ATTEMPTS):
        metrics.reminders.labels(outcome="failed").inc()
