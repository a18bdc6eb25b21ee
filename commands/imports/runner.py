"""Send a queued job's rows: a few at a time, slowing down when the provider asks, resumable, cancellable.

    tally = await run_job(job, SPEAKERS, services, report=on_progress)   # report(tally) after each row

Per row: mark it ``sending`` (one more attempt), send it, record ``done``/``present``/``failed``.
A row still ``sending`` when the job is claimed again was in flight when a worker stopped; the
provider is asked whether it has it (``Sender.exists``) before it is sent again, so no row is
created twice. The job's status is read as each row starts (one transaction): Cancel stops it there.

Provider answers (the retries themselves follow the shared policy in providers/http.py):
- every retry the policy makes after a 429 or 5xx also slows this job down (``Pace``);
- ``RateLimited`` once the policy gives up: the row waits, Retry-After is honoured, and it is sent again
  (``MAX_THROTTLED`` tries in all);
- ``Unavailable``: sent again up to ``MAX_ATTEMPTS`` times, then failed with the provider's sentence;
- ``Rejected``/``NotFound``: that row failed, with the sentence;
- ``AuthFailed``/``NotConfigured``: every row left fails with that sentence (no point trying them).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from commands.framework.context import Services
from commands.framework.errors import provider_sentence
from commands.imports.kinds import Kind, Outcome, Sender
from db.records import ImportJob, ImportRow
from db.repos.imports import Imports
from providers.errors import AuthFailed, NotConfigured, ProviderError, RateLimited, Unavailable

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # tries of a row the provider may have acted on (5xx, timeout)
MAX_THROTTLED = 10  # tries of a row refused with 429 every time
FLUSH_EVERY = 25  # finished rows written per transaction
SENT = ("done", "present")
LEFT = ("pending", "sending")


@dataclass
class Tally:
    """Rows per status (``counts``) and the 429s and retries seen in this run."""

    counts: Counter[str] = field(default_factory=Counter)
    throttled: int = 0
    cancelled: bool = False

    @property
    def done(self) -> int:
        return self.counts["done"] + self.counts["present"]

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    @property
    def remaining(self) -> int:
        return self.counts["pending"] + self.counts["sending"]

    @property
    def total(self) -> int:
        return self.done + self.failed + self.remaining

    def move(self, old: str, new: str) -> None:
        self.counts[old] -= 1
        self.counts[new] += 1


class Pace:
    """At most ``limit`` rows in flight; a throttle halves it and pauses everyone, successes grow it back.

        pace = Pace(8, sleep=services.policy.sleep)
        async with pace: ...          # one row in flight
        pace.throttled(2.0)           # the provider said Retry-After: 2
    """

    def __init__(self, limit: int, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.most = max(1, limit)
        self.limit = self.most
        self.sleep = sleep
        self.in_flight = 0
        self.streak = 0
        self.open = asyncio.Event()
        self.open.set()
        self.room = asyncio.Condition()
        self.pauses: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> None:
        while True:
            await self.open.wait()
            async with self.room:
                await self.room.wait_for(lambda: self.in_flight < self.limit)
                if self.open.is_set():
                    self.in_flight += 1
                    return

    async def __aexit__(self, *exc: object) -> None:
        async with self.room:
            self.in_flight -= 1
            self.room.notify_all()

    def succeeded(self) -> None:
        self.streak += 1
        if self.limit < self.most and self.streak >= 2 * self.limit:
            self.limit += 1
            self.streak = 0

    def throttled(self, retry_after: float | None) -> None:
        """Halve the rows in flight and hold new ones for ``retry_after`` seconds (1 when unsaid)."""
        self.limit = max(1, self.limit // 2)
        self.streak = 0
        if self.open.is_set():
            self.open.clear()
            task = asyncio.ensure_future(self._reopen(retry_after if retry_after is not None else 1.0))
            self.pauses.add(task)
            task.add_done_callback(self.pauses.discard)

    async def _reopen(self, delay: float) -> None:
        try:
            await self.sleep(delay)
        finally:
            self.open.set()


Report = Callable[[Tally], Awaitable[None]]
CANCELLED = ImportRow(job_id="", number=0, key="", status="cancelled")  # send_row's "the job was cancelled"


async def run_job(job: ImportJob, kind: Kind, services: Services, *, report: Report | None = None) -> Tally:
    """Send every row left (see the module docstring); returns the final tally."""
    imports = services.storage.imports
    tally = Tally(counts=await imports.counts(job.id))
    pace = Pace(kind.concurrency, sleep=services.policy.sleep)
    original_sleep = services.policy.sleep

    async def slowed(delay: float) -> None:
        # The shared policy is about to retry a 429/5xx: the whole job slows down with it.
        tally.throttled += 1
        pace.throttled(delay)
        await original_sleep(delay)

    paced = dataclasses.replace(services, policy=dataclasses.replace(services.policy, sleep=slowed))
    rows = await imports.rows(job.id, LEFT)
    stop: list[str] = []  # the sentence every row left fails with (credentials refused)
    outcomes = Outcomes(imports, job, tally)
    async with kind.open(job, paced) as sender:
        queue: asyncio.Queue[ImportRow] = asyncio.Queue()
        for row in rows:
            queue.put_nowait(row)

        async def worker() -> None:
            while not queue.empty() and not tally.cancelled:
                row = queue.get_nowait()
                async with pace:
                    again = await send_row(job, kind, sender, row, tally, pace, imports=imports, outcomes=outcomes,
                                           stop=stop)
                if again is CANCELLED:
                    tally.cancelled = True
                    return
                if again is not None:
                    queue.put_nowait(again)
                if report is not None:
                    await report(tally)

        try:
            await asyncio.gather(*(worker() for _ in range(pace.most)))
        finally:
            await outcomes.flush()
    return tally


async def send_row(job: ImportJob, kind: Kind, sender: Sender, row: ImportRow, tally: Tally, pace: Pace, *,
                   imports: Imports, outcomes: Outcomes, stop: list[str]) -> ImportRow | None:
    """One attempt at one row; returns the row (as it now stands) when it should be tried again."""
    if stop:
        await outcomes.add(row, "failed", stop[0])
        return None
    try:
        model = kind.row.model_validate(row.data)
    except ValidationError:  # stored by a meetbot whose row model differed
        await outcomes.add(row, "failed", "this row no longer reads as it did at the preview; import it again")
        return None
    in_doubt = row.status == "sending"  # in flight when a worker stopped, or after a 5xx
    if not await imports.start_row(job.id, row.number):
        return CANCELLED
    tally.move(row.status, "sending")
    sending = dataclasses.replace(row, status="sending", attempts=row.attempts + 1)
    try:
        outcome: Outcome = "present" if in_doubt and await sender.exists(model) else await sender.send(model)
    except RateLimited as error:
        # Throttled before acting: the row goes back to what it was (pending, or still in doubt).
        tally.throttled += 1
        pace.throttled(error.retry_after)
        if sending.attempts >= MAX_THROTTLED:
            await outcomes.add(sending, "failed", provider_sentence(error))
            return None
        back = "sending" if in_doubt else "pending"
        await imports.set_row(job.id, row.number, back, reason=provider_sentence(error))
        tally.move("sending", back)
        return dataclasses.replace(sending, status=back)
    except Unavailable as error:
        # The provider may have acted: the row stays "sending" (in doubt) and is checked before a resend.
        pace.throttled(None)
        if sending.attempts >= MAX_ATTEMPTS:
            await outcomes.add(sending, "failed", provider_sentence(error))
            return None
        return sending
    except (AuthFailed, NotConfigured) as error:
        stop.append(provider_sentence(error))
        await outcomes.add(sending, "failed", stop[0])
        return None
    except ProviderError as error:
        await outcomes.add(sending, "failed", provider_sentence(error))
        return None
    pace.succeeded()
    await outcomes.add(sending, outcome, None)
    return None


class Outcomes:
    """Finished rows, written ``FLUSH_EVERY`` at a time (one transaction each, not one per row).

    Safe because each row was marked ``sending`` before it was sent: after a crash, a row whose
    outcome was not written yet is in doubt and checked at the provider, never blindly sent twice.
    """

    def __init__(self, imports: Imports, job: ImportJob, tally: Tally) -> None:
        self.imports, self.job, self.tally = imports, job, tally
        self.waiting: list[tuple[int, str, str | None]] = []

    async def add(self, row: ImportRow, status: str, reason: str | None) -> None:
        self.tally.move(row.status, status)
        self.waiting.append((row.number, status, reason))
        if len(self.waiting) >= FLUSH_EVERY:
            await self.flush()

    async def flush(self) -> None:
        waiting, self.waiting = self.waiting, []
        await self.imports.set_rows(self.job.id, waiting)
