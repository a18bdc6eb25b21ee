"""The periodic ticks (APScheduler 3.x), in every replica: due reminders into the outbox, and the
cleanup of old outbox rows. The outbox worker (bot/workers/outbox.py) posts what they queue.

    scheduler = start_scheduler(services, worker, every=1.0, grace=timedelta(minutes=10))
    ...
    scheduler.shutdown(wait=False); await worker.stop()
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import metrics
from bot.workers.outbox import OutboxWorker
from commands.framework.context import Services
from commands.lifecycle import GRACE, Dispatched, dispatch_due

log = logging.getLogger(__name__)

BATCH = 200  # reminders per claim; a tick claims again until a claim comes back short
KEEP_FINISHED = timedelta(days=7)  # sent, failed, stopped and missed outbox rows are deleted after this


async def tick(services: Services, worker: OutboxWorker | None = None, *, grace: timedelta = GRACE,
               ahead: timedelta = timedelta(0)) -> Dispatched:
    """Queue every due reminder's messages (or mark it missed), and those due within ``ahead`` for
    their due time; wakes ``worker``. Drains a backlog."""
    total = Dispatched()
    while True:
        done = await dispatch_due(services, grace=grace, limit=BATCH, ahead=ahead)
        for name in ("dispatched", "missed", "gone", "cancelled", "claimed"):
            setattr(total, name, getattr(total, name) + getattr(done, name))
        metrics.reminders.labels(outcome="due").inc(done.claimed)
        metrics.reminders.labels(outcome="missed").inc(done.missed)
        if done.claimed and worker is not None:
            worker.wake()
        if done.claimed < BATCH:
            return total


async def cleanup(services: Services) -> int:
    """Delete finished outbox rows older than ``KEEP_FINISHED``."""
    return await services.storage.outbox.cleanup(before=services.clock() - KEEP_FINISHED)


def start_scheduler(services: Services, worker: OutboxWorker, *, every: float,
                    grace: timedelta = GRACE) -> AsyncIOScheduler:
    """The ticks on the running loop, and the outbox worker's loop."""

    async def reminders() -> None:
        try:
            # Reminders due before the next tick are queued now for their due time: the outbox
            # posts them then, instead of up to one interval late.
            await tick(services, worker, grace=grace, ahead=timedelta(seconds=every))
        except Exception:  # one bad tick must not stop the next
            log.exception("reminder tick failed")

    async def clean() -> None:
        try:
            await cleanup(services)
        except Exception:
            log.exception("outbox cleanup failed")

    scheduler = AsyncIOScheduler()
    scheduler.add_job(reminders, "interval", seconds=every, max_instances=1, coalesce=True, id="reminders")
    scheduler.add_job(clean, "interval", hours=1, max_instances=1, coalesce=True, id="outbox-cleanup")
    scheduler.start()
    worker.start()
    return scheduler
