"""The Airmeet export tick: ask Airmeet again for exports it was still preparing, send the file when ready.

    delivered = await tick(services, sink_for_team)              # one pass (tests call this)
    add_export_job(scheduler, services, sink_for_team, every=60.0)

Each kept export (``storage.airmeet``) is claimed with a lease, so replicas never ask twice at
once; ``commands.airmeet.exports.advance_export`` tries it, and the file goes to the asker by DM.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.base import BaseScheduler

from bot.workers.delivery import SinkForTeam, deliver
from commands.airmeet.exports import advance_export, due_exports, finish_export
from commands.framework.context import Services

log = logging.getLogger(__name__)

EVERY = 60.0  # seconds; Airmeet asks for five minutes, each export keeps its own due time


async def tick(services: Services, sink_for_team: SinkForTeam) -> int:
    """Try every due export once; returns how many files went out."""
    sent = 0
    for job in await due_exports(services):
        step = await advance_export(job, services)
        if step.reply is None:
            continue  # still being prepared: asked again at its new due time
        sink = await sink_for_team(job.team_id)
        ok = sink is not None and await deliver(step.reply, sink, team_id=job.team_id, requester=None,
                                                services=services)
        if not step.finished:
            await finish_export(job, services, delivered=ok)
            sent += ok
    return sent


def add_export_job(scheduler: BaseScheduler, services: Services, sink_for_team: SinkForTeam, *,
                   every: float = EVERY) -> None:
    """Run ``tick`` every ``every`` seconds on ``scheduler`` (the reminder scheduler)."""

    async def job() -> None:
        try:
            await tick(services, sink_for_team)
        except Exception:  # one bad tick must not stop the next
            log.exception("airmeet export tick failed")

    scheduler.add_job(job, "interval", seconds=every, max_instances=1, coalesce=True, id="airmeet-exports")
