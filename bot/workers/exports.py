"""The Airmeet export tick: ask Airmeet again for exports it was still preparing, send the file when ready.

    delivered = await tick(services, sink_for_team, outbox=worker)      # one pass (tests call this)
    add_export_job(scheduler, services, sink_for_team, every=60.0, outbox=worker)

Each kept export (``storage.airmeet``) is claimed with a lease, so replicas never ask twice at
once; ``commands.airmeet.exports.advance_export`` tries it, and the file goes to the asker by DM.
A text DM (Airmeet failed, or took too long) goes through the outbox when there is one (the console
has none), keyed ``export:<id>:<n>`` so a tick run again posts it once; a file goes up straight.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from apscheduler.schedulers.base import BaseScheduler

from bot.workers.delivery import SinkForTeam, deliver
from commands.airmeet.exports import advance_export, due_exports, finish_export
from commands.framework.context import Services
from commands.framework.replies import Reply

if TYPE_CHECKING:
    from bot.workers.outbox import OutboxWorker

log = logging.getLogger(__name__)

EVERY = 60.0  # seconds; Airmeet asks for five minutes, each export keeps its own due time


async def tick(services: Services, sink_for_team: SinkForTeam, *, outbox: OutboxWorker | None = None) -> int:
    """Try every due export once; returns how many files went out."""
    sent = 0
    for job in await due_exports(services):
        step = await advance_export(job, services)
        if step.reply is None:
            continue  # still being prepared: asked again at its new due time
        sink = await sink_for_team(job.team_id)
        ok = sink is not None and await deliver(keyed(step.reply, job.id), sink, team_id=job.team_id,
                                                requester=None, services=services, outbox=outbox)
        if not step.finished:
            await finish_export(job, services, delivered=ok)
            sent += ok
    return sent


def keyed(reply: Reply, export_id: int) -> Reply:
    """The reply with each message keyed ``export:<id>:<n>``: the outbox posts a key once."""
    return replace(reply, messages=[replace(message, purpose=message.purpose or f"export:{export_id}:{n}")
                                    for n, message in enumerate(reply.messages)])


def add_export_job(scheduler: BaseScheduler, services: Services, sink_for_team: SinkForTeam, *,
                   every: float = EVERY, outbox: OutboxWorker | None = None) -> None:
    """Run ``tick`` every ``every`` seconds on ``scheduler`` (the reminder scheduler)."""

    async def job() -> None:
        try:
            await tick(services, sink_for_team, outbox=outbox)
        except Exception:  # one bad tick must not stop the next
            log.exception("airmeet export tick failed")

    scheduler.add_job(job, "interval", seconds=every, max_instances=1, coalesce=True, id="airmeet-exports")
