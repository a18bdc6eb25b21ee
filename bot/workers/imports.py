"""The import tick: claim a queued bulk import, send its rows, keep one progress message current, post the summary.

    scheduler = start_import_worker(services, runtime_kinds, sink_for_team, every=5.0, outbox=worker)
    await tick(services, kinds, sink_for_team, outbox=worker)   # one job, start to finish (tests call this)

Every replica ticks; a job is claimed with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so
one replica runs it, and a job whose replica died is claimed again after the lease and resumes
where it stopped (commands.imports.runner). The progress message is edited with ``chat.update`` at
most once every ``UPDATE_EVERY`` seconds; the summary comes with a CSV of the rows that were not
imported, uploaded straight with ``files_upload_v2`` (a file cannot ride the outbox's JSON payload).

With an outbox (bot/workers/outbox.py) the progress message, its edits and the summary go through
it like every other bot post (paced, retried, counted), each under a key a resumed job reuses, so
nothing is posted twice: ``import:<job>:start``, ``import:<job>:progress:<rows handled>``,
``import:<job>:progress:final``, ``import:<job>:summary``. A post that had to wait in the queue
(a 429, its channel's pacing) is looked up by its key: the first message's ts comes from its row
once sent, and an edit is skipped while the one before it still waits (so edits arrive in order);
the final edit waits up to ``WAIT_FOR_TS`` seconds instead. Without an outbox (the console) every
message goes through the sink.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.workers.delivery import DeliveryError
from commands.framework.context import Services
from commands.framework.replies import Message
from commands.imports import Kind, Tally, failed_csv, progress_message, run_job, summary_message
from db.records import ImportJob

if TYPE_CHECKING:
    from bot.workers.outbox import OutboxWorker

log = logging.getLogger(__name__)

UPDATE_EVERY = 2.0  # seconds between two edits of the progress message, at least
HEARTBEAT = 30.0  # seconds between lease renewals while rows are slow (a long Retry-After)
WAIT_FOR_TS = 60.0  # seconds the final edit waits for the message (or the edit) before it to leave the queue
POLL = 1.0  # seconds between two looks at a queued post's row while waiting


class ImportSink(Protocol):
    """Posts and edits messages (``Message.replace_ts``) and uploads a file to a conversation."""

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None: ...

    async def upload(self, *, channel: str, filename: str, content: bytes, comment: str) -> None: ...


SinkForTeam = Callable[[str], Awaitable[ImportSink | None]]
Sleep = Callable[[float], Awaitable[None]]


class Progress:
    """The job's one progress message: posted first, then edited at most every ``UPDATE_EVERY`` seconds.

        progress = Progress(job, kind, sink, services, outbox=worker); await progress(tally); await progress.final(tally)
    """

    def __init__(self, job: ImportJob, kind: Kind, sink: ImportSink | None, services: Services, *,
                 outbox: OutboxWorker | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self.job, self.kind, self.sink, self.services, self.outbox = job, kind, sink, services, outbox
        self.ts = job.progress_ts  # a resumed job goes on editing the message it had
        self.clock = asyncio.get_running_loop().time
        self.sleep = sleep
        self.last: float | None = None
        self.updates = 0  # chat.update calls (the benchmark reports them)
        self.queued: str | None = None  # the key of this job's last outbox post not yet known to be sent
        self.lost = False  # the first message failed for good: there is nothing to edit

    async def __call__(self, tally: Tally) -> None:
        if self.last is not None and self.clock() - self.last < UPDATE_EVERY:
            return
        await self.show(tally)

    async def final(self, tally: Tally) -> None:
        """The last edit (100%, or where a cancel stopped it), still no sooner than ``UPDATE_EVERY``."""
        if self.last is not None:
            await self.sleep(max(0.0, self.last + UPDATE_EVERY - self.clock()))
        await self.show(tally, final=True)

    async def show(self, tally: Tally, *, final: bool = False) -> None:
        self.last = self.clock()  # rows finishing meanwhile do not start another edit
        try:
            await self._show(tally, final=final)
        finally:
            # Counted again from the answer: an edit that took longer to reach Slack than the next one
            # would otherwise land less than UPDATE_EVERY before it.
            self.last = self.clock()

    async def _show(self, tally: Tally, *, final: bool) -> None:
        if self.outbox is not None:
            await self._through_outbox(tally, final=final)
            return
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
            await self._keep_ts(ts)

    async def _through_outbox(self, tally: Tally, *, final: bool) -> None:
        assert self.outbox is not None
        settled = await self._settled(wait=WAIT_FOR_TS if final else 0.0)
        if self.lost:
            return
        if not settled and (not final or self.ts is None):  # the next edit shows a newer count anyway
            if final:
                log.warning("import %s: the progress message was still queued after %.0f s; its last edit is "
                            "not sent (the summary is)", self.job.id, WAIT_FOR_TS)
            return
        # Past the wait the final edit goes out even with the one before still queued: Slack down that
        # long is rarer than the older edit then landing after it.
        step = "start" if self.ts is None else "progress:final" if final else f"progress:{tally.done + tally.failed}"
        key = f"import:{self.job.id}:{step}"
        message = replace(progress_message(self.job, self.kind, tally, ts=self.ts), purpose=key)
        [(_, outcome)] = await self.outbox.post_now([message], team_id=self.job.team_id)
        if outcome.kind == "sent":
            if self.ts is None:
                await self._keep_ts(outcome.ts)
            else:
                self.updates += 1
        elif outcome.kind in ("failed", "stopped"):
            log.warning("import %s: could not show progress: %s", self.job.id, outcome.error)
            self.lost = self.ts is None
        else:  # queued, or sent already by a run before this one: its row says which
            self.queued = key
            await self._settled(wait=0.0)

    async def _settled(self, *, wait: float) -> bool:
        """Whether this job's last queued post has left the queue, looking every ``POLL`` seconds for
        up to ``wait``; a first message found sent gives its ts, one that failed leaves nothing to edit."""
        waited = 0.0
        while self.queued is not None:
            row = (await self.services.storage.outbox.find(self.job.team_id, [self.queued])).get(self.queued)
            if row is not None and row.status == "pending":
                if waited >= wait:
                    return False
                await self.sleep(POLL)
                waited += POLL
                continue
            self.queued = None
            sent = row is not None and row.status == "sent"
            if self.ts is None and sent and row is not None and row.ts:
                await self._keep_ts(row.ts)
            elif self.ts is None:
                self.lost = True
                log.warning("import %s: the progress message could not be posted: %s", self.job.id,
                            row.error if row is not None else "its row is gone")
            elif sent:
                self.updates += 1
        return True

    async def _keep_ts(self, ts: str | None) -> None:
        """The first message's ts: edits go to it, and a resumed job finds it on the job."""
        if ts is None:
            return
        self.ts = ts
        await self.services.storage.imports.renew(self.job.id, now=self.services.clock(), progress_ts=ts)


async def tick(services: Services, kinds: Mapping[str, Kind], sink_for_team: SinkForTeam, *,
               outbox: OutboxWorker | None = None, sleep: Sleep = asyncio.sleep) -> Progress | None:
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
    # No sink means no Slack client for the workspace: the outbox would only find no token either.
    outbox = outbox if sink is not None else None
    progress = Progress(job, kind, sink, services, outbox=outbox, sleep=sleep)
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
    await summarise(job, kind, tally, sink, services, outbox=outbox)
    return progress


async def keep_lease(job: ImportJob, services: Services) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT)
        await services.storage.imports.renew(job.id, now=services.clock())


async def summarise(job: ImportJob, kind: Kind, tally: Tally, sink: ImportSink | None, services: Services, *,
                    outbox: OutboxWorker | None = None) -> None:
    """The summary message, and the CSV of the rows not imported (failed or invalid) when there are any:
    the file goes up straight, the text alone through the outbox when there is one."""
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
    if outbox is not None:
        [(_, outcome)] = await outbox.post_now([replace(summary, purpose=f"import:{job.id}:summary")],
                                               team_id=job.team_id)
        if outcome.kind in ("failed", "stopped"):
            log.warning("import %s: could not post the summary: %s", job.id, outcome.error)
        return
    try:
        await sink.post(summary, team_id=job.team_id, requester=job.requested_by)
    except DeliveryError as error:
        log.warning("import %s: could not post the summary: %s", job.id, error)


def start_import_worker(services: Services, kinds: Mapping[str, Kind], sink_for_team: SinkForTeam, *,
                        every: float, outbox: OutboxWorker | None = None) -> AsyncIOScheduler:
    """An AsyncIOScheduler on the running loop, looking for a queued import every ``every`` seconds."""

    async def job() -> None:
        try:
            while await tick(services, kinds, sink_for_team, outbox=outbox) is not None:
                pass  # the next queued job straight away
        except Exception:  # one bad job must not stop the next tick
            log.exception("import tick failed")

    scheduler = AsyncIOScheduler()
    scheduler.add_job(job, "interval", seconds=every, max_instances=1, coalesce=True, id="imports")
    scheduler.start()
    return scheduler
