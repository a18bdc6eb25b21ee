"""The Airmeet export tick is added to the scheduler the reminder tick runs on, under its own id."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.workers.exports import EVERY, add_export_job, tick
from commands.framework.context import NobodyDirectory, Services
from db.storage import Storage


async def test_the_job_is_added_and_an_empty_tick_sends_nothing(storage: Storage) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    scheduler = AsyncIOScheduler()

    async def no_sink(team_id: str) -> None:
        return None

    add_export_job(scheduler, services, no_sink)

    [job] = scheduler.get_jobs()
    assert job.id == "airmeet-exports" and job.trigger.interval.total_seconds() == EVERY
    assert await tick(services, no_sink) == 0
