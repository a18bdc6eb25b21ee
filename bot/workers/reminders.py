"""The reminder tick: every few seconds, in every replica, post what has fallen due.

    scheduler = start_scheduler(services, sink_for_team, every=5.0)
    ...
    scheduler.shutdown(wait=False)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import metrics
from bot.workers.delivery import Sink, deliver
from commands.framework.context import Services
from commands.lifecycle import due_reminders, finish_reminder

log = logging.getLogger(__name__)

SinkForTeam = Callable[[str], Awaitable[Sink | None]]


async def tick(services: Services, sink_for_team: SinkForTeam) -> int:
    """Post every due reminder once; returns how many were delivered."""
    delivered = 0
    for due in await due_reminders(services):
        sink = await sink_for_team(due.team_id)
        ok = sink is not None and await deliver(due.reply, sink, team_id=due.team_id, requester=None,
                                                services=services)
        await finish_reminder(services, due, delivered=ok)
        metrics.reminder_delivered(ok)
        delivered += ok
    return delivered


def start_scheduler(services: Services, sink_for_team: SinkForTeam, *, every: float) -> AsyncIOScheduler:
    """An AsyncIOScheduler on the running loop, ticking every ``every`` seconds."""

    async def job() -> None:
        try:
            await tick(services, sink_for_team)
        except Exception:  # one bad tick must not stop the next
            log.exception("reminder tick failed")

    scheduler = AsyncIOScheduler()
    scheduler.add_job(job, "interval", seconds=every, max_instances=1, coalesce=True, id="reminders")
    scheduler.start()
    return scheduler
