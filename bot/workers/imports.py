"""The import tick: claim a queued bulk import, send its rows, keep one progress message current, post the summary.

    scheduler = start_import_worker(services, runtime_kinds, sink_for_team, every=5.0)
    await tick(services, kinds, sink_for_team)        # one job, start to finish (tests call this)

Every replica ticks; a job is claimed with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so
one replica runs it, and a job whose replica died is claimed again after the lease and resumes
where it stopped (commands.imports.runner). The progress message is edited with ``chat.update`` at
most once every ``UPDATE_EVERY`` seconds; the summary comes with a CSV of the rows that were not
imported, uploaded with ``files_upload_v2``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.workers.delivery import DeliveryError
from commands.framework.context import Services
from commands.framework.replies import Message
from commands.imports import Kind, Tally, failed_csv, progress_message, run_job, summary_message
from db.records import ImportJob

log = logging.getLogger(__name__)

UPDATE_EVERY = 2.0  # seconds between two edits of the progress message, at least
HEARTBEAT = 30.0  # seconds between lease renewals while rows are slow (a long Retry-After)


class ImportSink(Protocol):
    """Posts and edits messages (``Message.replace_ts``) and uploads a file to a conversation."""

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None: ...

    async def upload(self, *, channel: str, filename: str, content: bytes, comment: str) -> None: ...


SinkForTeam = Callable[[str], Awaitable[ImportSink | None]]
Sleep = Callable[[float], Awaitable[None]]


class Progress:
    """The job's one progress message: posted first, then edited at most every ``UPDATE_EVERY`` seconds."""

    def __init__(self, job: ImportJob, kind: Kind, sink: ImportSink | None, services: Services, *,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.job, self.kind, self.sink, self.services = job, kind, sink, services
        self.ts = job.progress_ts  # a resumed job goes on editing the message it had
        self.clock = asyncio.get_running_loop().time
        self.sleep = sleep
        self.last: float | None = None
        self.updates = 0  # chat.update calls (the benchmark reports them)

    async def __call__(self, tally: Tally) -> None:
        if self.last is not None and self.clock() - self.last < UPDATE_EVERY:
            return
        await self.show(tally)

    async def final(self, tally: Tally) -> None:
        """The last edit (100%, or where a cancel stopped it), still no sooner than ``UPDATE_EVERY``."""
        if self.last is not None:
            await self.sleep(max(0.0, self.last + UPDATE_EVERY - self.clock()))
        await self.show(tally)

    async def show(self, tally: Tally) -> None:
        self.last = self.clock()
        if self.sink is None:
            return
        message = progress_message(self.job, self.kind, tally, ts=self.ts)
        try:
            ts = await self.sink.post(message, team_id=self.job.team_id, requester=self.job.requested_by)
        except DeliveryError as error:
            log.warning("import %s: could not show progress: %s", self.job.id, error)
            return
        if self.ts is not None:
            self.updates += 1
        elif ts is not None:
            self.ts = ts
            await self.services.storage.imports.renew(self.job.id, now=self.services.clock(), progress_ts=ts)


async def tick(services: Services, kinds: Mapping[str, Kind], sink_for_team: SinkForTeam, *,
               sleep: Sleep = asyncio.sleep) -> Progress | None:
    """Run one claimed job to its end (or its cancel); None when no job was waiting (``sleep``: tests' clock)."""
    imports = services.storage.imports
    job = await imports.claim(now=services.clock())
    if job is None:
        return None
    kind = kinds.get(job.kind)
    if kind is None:  # a job from a newer meetbot, or a kind since removed
        log.error("import %s: no kind %r in this meetbot; cancelled", job.id, job.kind)
        await imports.cancel(job.team_id, job.id)
        await imports.finish(job.id, now=services.clock())
        return None
    sink = await sink_for_team(job.team_id)
    progress = Progress(job, kind, sink, services, sleep=sleep)
    heartbeat = asyncio.ensure_future(keep_lease(job, services))
    try:
        await progress.show(Tally(counts=await imports.counts(job.id)))
        tally = await run_job(job, kind, services, report=progress)
    finally:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
    await progress.final(tally)
    await imports.finish(job.id, now=services.clock())
    await summarise(job, kind, tally, sink, services)
    return progress


async def keep_lease(job: ImportJob, services: Services) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT)
        await services.storage.imports.renew(job.id, now=services.clock())


async def summarise(job: ImportJob, kind: Kind, tally: Tally, sink: ImportSink | None, services: Services) -> None:
    """The summary message, and the CSV of the rows not imported (failed or invalid) when there are any."""
    if sink is None:
        return
    data = failed_csv(await services.storage.imports.rows(job.id, ("failed", "invalid")))
    summary = summary_message(job, kind, tally, file_attached=data is not None)
    if data is not None and summary.to:
        try:
            await sink.upload(channel=summary.to, filename=f"{kind.noun}s-not-imported.csv", content=data,
                              comment=summary.text)
            return
        except DeliveryError as error:  # the summary still goes out, without the file
            log.warning("import %s: could not upload the failed rows: %s", job.id, error)
            summary = summary_message(job, kind, tally, file_attached=False)
    try:
        await sink.post(summary, team_id=job.team_id, requester=job.requested_by)
    except DeliveryError as error:
        log.warning("import %s: could not post the summary: %s", job.id, error)


def start_import_worker(services: Services, kinds: Mapping[str, Kind], sink_for_team: SinkForTeam, *,
                        every: float) -> AsyncIOScheduler:
    """An AsyncIOScheduler on the running loop, looking for a queued import every ``every`` seconds."""

    async def job() -> None:
        try:
            while await tick(services, kinds, sink_for_team) is not None:
                pass  # the next queued job straight away
        except Exception:  # one bad job must not stop the next tick
            log.exception("import tick failed")

    scheduler = AsyncIOScheduler()
    scheduler.add_job(job, "interval", seconds=every, max_instances=1, coalesce=True, id="imports")
    scheduler.start()
    return scheduler
