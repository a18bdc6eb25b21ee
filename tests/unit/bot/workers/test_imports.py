"""The import worker's progress message (one post, then edits at most every 2 s) and a job whose
kind this meetbot does not know."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from bot.workers.imports import Progress, tick
from commands.airmeet.bulk import KINDS, SPEAKERS
from commands.framework.context import Services
from commands.imports import Tally
from db.records import ImportJob, ImportRow
from db.storage import Storage
from tests.support.people import People
from tests.unit.commands.airmeet.bulk.conftest import RecordingSink, Sleeps

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def stored_job(storage: Storage, kind: str = "airmeet.speaker") -> ImportJob:
    job = ImportJob(id="imp-1", team_id="T1", kind=kind, target="e", label="Summit", requested_by="U1",
                    channel_id="C1", status="queued")
    await storage.imports.create(job, [ImportRow(job_id=job.id, number=2, key="a@example.com",
                                                 data={"name": "A", "email": "a@example.com"})])
    return job


async def test_the_progress_message_is_posted_once_then_edited_at_most_every_two_seconds(storage: Storage) -> None:
    services = Services(storage=storage, directory=People(), clock=lambda: NOW)
    job = await stored_job(storage)
    sink, sleeps = RecordingSink(), Sleeps()
    progress = Progress(job, SPEAKERS, sink, services, sleep=sleeps)
    now = [0.0]
    progress.clock = lambda: now[0]
    tally = Tally(counts=Counter({"pending": 10}))
    for moment in (0.0, 0.5, 1.9, 2.1, 3.0, 4.2):
        now[0] = moment
        tally.move("pending", "done")
        await progress(tally)
    assert len(sink.posts) == 1 and len(sink.updates) == 2
    stored = await storage.imports.get("T1", job.id)
    assert stored is not None and stored.progress_ts == "17000000.000001"  # a resumed job edits the same message
    now[0] = 5.0
    await progress.final(tally)
    assert [round(d, 6) for d in sleeps.delays] == [1.2]  # 2 s after the edit at 4.2
    assert len(sink.updates) == 3 and progress.updates == 3
    assert "6 done, 0 failed, 4 remaining" in sink.updates[-1].text


async def test_a_job_of_a_kind_this_meetbot_does_not_know_is_cancelled(storage: Storage) -> None:
    services = Services(storage=storage, directory=People(), clock=lambda: NOW)
    job = await stored_job(storage, kind="clickmeeting.invitation")

    async def sink_for_team(team_id: str) -> RecordingSink:
        raise AssertionError("nothing is posted for it")

    assert await tick(services, KINDS, sink_for_team) is None
    stored = await storage.imports.get("T1", job.id)
    assert stored is not None and stored.status == "cancelled" and stored.finished_at is not None
