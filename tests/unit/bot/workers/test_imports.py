"""The import worker's progress message (one post, then edits at most every 2 s), through the sink
(the console) and through the outbox (keyed rows, each sent once; a resumed job reuses them; a 429
delays an edit but loses none), and a job whose kind this meetbot does not know.

Time is moved with time-machine; the outbox worker is driven round by round (``drain``), never slept."""

from __future__ import annotations

from typing import Any

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot import metrics
from bot.slack.sink import SlackPoster
from bot.workers.imports import Progress, summarise, tick
from bot.workers.outbox import OutboxWorker
from commands.airmeet.bulk import KINDS, SPEAKERS
from commands.framework.context import Services
from commands.imports import Tally
from db.records import ImportJob, ImportRow
from db.storage import Storage
from tests.fakes.slack import FakeSlack
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


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlack, str]]:
    fake = FakeSlack(tokens={"xoxb-one": "T1"})
    fake.add_channel("C1", team_id="T1", name="events")
    with fake.running() as api_url:
        yield fake, api_url


class Outboxed:
    """A Progress posting through an outbox worker on the fake Slack, with time-machine's clock as
    its own: ``at(2.1)`` moves both; the progress's waits move time and let the worker post."""

    def __init__(self, storage: Storage, api_url: str, traveller: time_machine.Traveller) -> None:
        async def token_for(team_id: str) -> str | None:
            return "xoxb-one" if team_id == "T1" else None

        self.services = Services(storage=storage, directory=People())
        self.worker = OutboxWorker(self.services, SlackPoster(token_for, api_url=api_url))
        self.traveller = traveller
        self.now = 0.0
        self.sink = RecordingSink()

    def at(self, moment: float) -> None:
        self.traveller.move_to(NOW + timedelta(seconds=moment))
        self.now = moment

    async def sleep(self, seconds: float) -> None:
        self.at(self.now + seconds)
        await self.worker.drain()

    async def progress(self, storage: Storage) -> Progress:
        job = await storage.imports.get("T1", "imp-1")
        assert job is not None
        progress = Progress(job, SPEAKERS, self.sink, self.services, outbox=self.worker, sleep=self.sleep)
        progress.clock = lambda: self.now
        return progress

    async def rows(self, *steps: str) -> dict[str, str]:
        keys = [f"import:imp-1:{step}" for step in steps]
        found = await self.services.storage.outbox.find("T1", keys)
        return {key.removeprefix("import:imp-1:"): found[key].status if key in found else "absent" for key in keys}


@pytest.fixture
async def outboxed(storage: Storage, slack: tuple[FakeSlack, str]) -> AsyncIterator[Outboxed]:
    with time_machine.travel(NOW, tick=False) as traveller:
        outboxed = Outboxed(storage, slack[1], traveller)
        yield outboxed
        await outboxed.worker.stop()  # its Slack connections


def edits_refused() -> float:
    return metrics.REGISTRY.get_sample_value("meetbot_slack_rate_limited_total", {"method": "chat.update"}) or 0.0


def statuses(fake: FakeSlack, method: str) -> list[int]:
    return [call.status for call in fake.calls_to(method)]


async def test_progress_edits_and_the_summary_are_outbox_rows_each_sent_once(
        storage: Storage, slack: tuple[FakeSlack, str], outboxed: Outboxed) -> None:
    fake, _ = slack
    await stored_job(storage)
    progress = await outboxed.progress(storage)
    tally = Tally(counts=Counter({"pending": 10}))
    for moment in (0.0, 0.5, 1.9, 2.1, 3.0, 4.2):
        outboxed.at(moment)
        tally.move("pending", "done")
        await progress(tally)
    outboxed.at(5.0)
    await progress.final(tally)
    job = await storage.imports.get("T1", "imp-1")
    assert job is not None
    await summarise(job, SPEAKERS, tally, outboxed.sink, outboxed.services, outbox=outboxed.worker)

    assert await outboxed.rows("start", "progress:4", "progress:6", "progress:final", "summary") == {
        "start": "sent", "progress:4": "sent", "progress:6": "sent", "progress:final": "sent", "summary": "sent"}
    assert await storage.outbox.counts() == {"sent": 5}
    assert statuses(fake, "chat.postMessage") == [200, 200] and statuses(fake, "chat.update") == [200] * 3
    [shown, summary] = fake.messages_in("C1")
    assert job.progress_ts == shown["ts"] and "6 done, 0 failed, 4 remaining" in shown["text"]
    assert summary["text"].startswith("Import finished") and outboxed.sink.posts == []  # nothing around the outbox
    assert progress.updates == 3


async def test_a_resumed_job_edits_its_message_and_never_posts_the_start_again(
        storage: Storage, slack: tuple[FakeSlack, str], outboxed: Outboxed) -> None:
    fake, _ = slack
    await stored_job(storage)
    tally = Tally(counts=Counter({"pending": 10}))
    # The first run's start message hits a 429 and is queued; its replica dies before learning its ts.
    fake.rate_limit_next("chat.postMessage", retry_after=5)
    await (await outboxed.progress(storage)).show(tally)
    job = await storage.imports.get("T1", "imp-1")
    assert job is not None and job.progress_ts is None and await outboxed.rows("start") == {"start": "pending"}
    outboxed.at(6.0)
    assert await outboxed.worker.drain() == 1  # any replica's loop posts it

    resumed = await outboxed.progress(storage)  # claimed again: no progress_ts on the job
    tally.move("pending", "done")
    await resumed.show(tally)
    assert statuses(fake, "chat.postMessage") == [429, 200]  # the start was not posted a second time
    [shown] = fake.messages_in("C1")
    job = await storage.imports.get("T1", "imp-1")
    assert job is not None and resumed.ts == job.progress_ts == shown["ts"]  # read from its outbox row

    outboxed.at(9.0)
    tally.move("pending", "done")
    await resumed(tally)
    again = await outboxed.progress(storage)  # and claimed once more, the ts now on the job
    outboxed.at(12.0)
    await again.show(tally)  # the same count: the same key, not posted twice
    assert statuses(fake, "chat.postMessage") == [429, 200] and statuses(fake, "chat.update") == [200]
    assert "2 done" in fake.messages_in("C1")[0]["text"]


async def shown_with_three_pending(storage: Storage, outboxed: Outboxed) -> tuple[Any, Tally]:
    """A stored job whose progress message is shown with 3 rows pending, 2.5 s later (edits may go)."""
    await stored_job(storage)
    progress = await outboxed.progress(storage)
    tally = Tally(counts=Counter({"pending": 3}))
    await progress.show(tally)
    outboxed.at(2.5)
    return progress, tally


async def test_a_429_delays_the_final_edit_but_does_not_lose_it(
        storage: Storage, slack: tuple[FakeSlack, str], outboxed: Outboxed) -> None:
    fake, _ = slack
    progress, tally = await shown_with_three_pending(storage, outboxed)
    for _ in range(3):
        tally.move("pending", "done")
    fake.rate_limit_next("chat.update", retry_after=10)
    refused = edits_refused()
    await progress.final(tally)
    assert edits_refused() == refused + 1  # /metrics counts it as chat.update's, not chat.postMessage's
    assert await outboxed.rows("progress:final") == {"progress:final": "pending"}
    assert "0 done" in fake.messages_in("C1")[0]["text"]
    outboxed.at(11.0)
    assert await outboxed.worker.drain() == 0  # Retry-After not over yet
    outboxed.at(13.0)
    assert await outboxed.worker.drain() == 1
    assert statuses(fake, "chat.update") == [429, 200] and await outboxed.rows("progress:final") == {
        "progress:final": "sent"}
    assert "Imported speakers" in fake.messages_in("C1")[0]["text"] and "3 done" in fake.messages_in("C1")[0]["text"]


async def test_the_final_edit_waits_for_a_delayed_edit_before_it_so_it_lands_last(
        storage: Storage, slack: tuple[FakeSlack, str], outboxed: Outboxed) -> None:
    fake, _ = slack
    progress, tally = await shown_with_three_pending(storage, outboxed)
    tally.move("pending", "done")
    fake.rate_limit_next("chat.update", retry_after=4)
    await progress(tally)  # the first edit: 429, queued for 4 s
    outboxed.at(3.0)
    tally.move("pending", "done")
    tally.move("pending", "done")
    await progress.final(tally)  # waits (its sleeps move time and let the worker post), then edits
    await outboxed.sleep(2.0)  # the final edit waited for the edit lane's pacing: posted now
    assert statuses(fake, "chat.update") == [429, 200, 200]
    assert [call.args["text"].split(":")[1][:7] for call in fake.calls_to("chat.update")][1:] == [" 1 done", " 3 done"]
    assert await outboxed.rows("progress:1", "progress:final") == {"progress:1": "sent", "progress:final": "sent"}
    assert "3 done" in fake.messages_in("C1")[0]["text"]
