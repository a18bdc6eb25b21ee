"""The outbox worker and the reminder grace (issue 9): a reminder row that waited in the outbox past
the grace (429s, backoff, a stopped workspace) is not posted but missed, with one DM per meeting;
and a post whose "sent" write fails is recorded by trying again, never by posting again.

Time is moved with time-machine; the worker is driven round by round (``pump``/``drain``), never slept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from bot import metrics
from bot.workers import outbox as outbox_worker
from bot.workers.delivery import deliver
from bot.workers.outbox import OutboxWorker, Outcome
from bot.workers.reminders import KEEP_FINISHED, cleanup, tick
from commands.framework.context import NobodyDirectory, Services
from commands.framework.replies import Audience, Message, Reply
from commands.lifecycle import outbox_entry
from db.records import Meeting, OutboxItem
from db.storage import Storage
from tests.support.storage import meeting_record

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GRACE = timedelta(minutes=10)


class ScriptedPoster:
    """Answers each post with ``answer`` (429 with a Retry-After, a 5xx, a dead token, or ok) and
    keeps (row key, channel, text) of the posts Slack accepted."""

    def __init__(self) -> None:
        self.answer = Outcome("sent")
        self.tried: list[str] = []
        self.posted: list[tuple[str, str, str]] = []

    async def post(self, item: OutboxItem, message: Message) -> Outcome:
        self.tried.append(item.idem_key)
        if self.answer.kind != "sent":
            return self.answer
        self.posted.append((item.idem_key, item.channel, message.text))
        return Outcome("sent", ts=f"{len(self.posted)}.0001")

    def keys(self, prefix: str) -> list[str]:
        return [key for key, _, _ in self.posted if key.startswith(prefix)]


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


async def settle(worker: OutboxWorker, clock: time_machine.Traveller, *, rounds: int = 4) -> None:
    """Drain, letting each channel's pacing pass between rounds (the organiser's DMs go 1 a second)."""
    for _ in range(rounds):
        await worker.drain()
        clock.shift(timedelta(seconds=1.1))


def missed_count() -> float:
    return metrics.REGISTRY.get_sample_value("meetbot_reminders_total", {"outcome": "missed"}) or 0.0


async def two_meetings(storage: Storage) -> tuple[Meeting, Meeting]:
    """U7's meetings: "Board" with two reminders of three rows each (channel and two invitees), "Sync" with one."""
    board = await storage.meetings.add(
        meeting_record("T1", start=T0 + timedelta(minutes=30), channel_id="C1", title="Board", organiser="U7",
                       invitee_ids=("U2", "U3")),
        reminder_times=[(T0 + timedelta(minutes=5), 25), (T0 + timedelta(minutes=6), 24)])
    sync = await storage.meetings.add(
        meeting_record("T1", start=T0 + timedelta(minutes=20), channel_id="C2", title="Sync", organiser="U7"),
        reminder_times=[(T0 + timedelta(minutes=6), 14)])
    return board, sync


async def queued_at_minute_six(storage: Storage, clock: time_machine.Traveller
                               ) -> tuple[tuple[Meeting, Meeting], ScriptedPoster, OutboxWorker]:
    """``two_meetings``, six minutes on: all three reminders' seven rows queued, and a worker to post them."""
    services = Services(storage=storage, directory=NobodyDirectory())
    meetings = await two_meetings(storage)
    clock.shift(timedelta(minutes=6))
    await tick(services, grace=GRACE)
    poster = ScriptedPoster()
    return meetings, poster, OutboxWorker(services, poster, grace=GRACE)


async def test_reminder_rows_429d_past_the_grace_are_missed_with_one_dm_per_meeting(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    board, sync = await two_meetings(storage)
    clock.shift(timedelta(minutes=6))
    assert (await tick(services, grace=GRACE)).dispatched == 3
    announcement = Message("*News*", audience=Audience.CHANNEL, to="C9")
    await storage.outbox.enqueue([outbox_entry(announcement, team_id="T1", key="post:news", not_before=T0)])
    poster = ScriptedPoster()
    worker = OutboxWorker(services, poster, grace=GRACE)
    poster.answer = Outcome("rate_limited", retry_after=600)  # Slack: every channel waits 10 min
    assert await worker.drain() == 0
    assert len(poster.tried) == 5  # the first row of each channel: C1, U2, U3, C2, C9
    poster.answer = Outcome("sent")
    before = missed_count()
    clock.shift(timedelta(minutes=10, seconds=1))  # the 429s are over; the reminders are 10-11 min overdue
    await settle(worker, clock)
    assert poster.keys("reminder:") == []  # none posted, however many rows
    assert sorted(poster.keys("missed:")) == sorted([f"missed:{board.id}", f"missed:{sync.id}"])
    assert [text for _, to, text in poster.posted if to == "U7"][0].startswith("Reminders for *")
    assert poster.keys("post:") == ["post:news"]  # not a reminder: never dropped, however late
    for meeting, count in ((board, 2), (sync, 1)):
        assert [r.status for r in await storage.reminders.for_meeting("T1", meeting.id)] == ["missed"] * count
    assert len(await storage.reminders.missed("T1", "U7")) == 3  # what /meeting list shows
    assert missed_count() - before == 3  # per reminder, as the tick counts them
    assert await storage.outbox.counts() == {"missed": 7, "sent": 3}
    assert worker.stats["missed"] == 7
    clock.shift(timedelta(minutes=5))
    assert await worker.drain() == 0 and len(poster.posted) == 3  # nothing twice


async def test_a_reminder_row_backed_off_within_the_grace_is_posted(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    board, _ = await two_meetings(storage)
    clock.shift(timedelta(minutes=5))
    assert (await tick(services, grace=GRACE)).dispatched == 1  # Board's first reminder
    poster = ScriptedPoster()
    worker = OutboxWorker(services, poster, grace=GRACE)
    poster.answer = Outcome("retry", error="http_503")  # Slack is down for a while: backoff
    for _ in range(5):
        assert await worker.drain() == 0
        clock.shift(timedelta(minutes=1))  # every backoff of the first attempts is over
    poster.answer = Outcome("sent")
    clock.shift(timedelta(minutes=4, seconds=59))  # 9 min 59 s after the reminder was due
    assert await worker.drain() == 3
    assert sorted(to for _, to, _ in poster.posted) == ["C1", "U2", "U3"]
    assert poster.keys("missed:") == []
    assert [r.status for r in await storage.reminders.for_meeting("T1", board.id)] == ["dispatched", "pending"]


def late_count() -> float:
    return metrics.REGISTRY.get_sample_value("meetbot_reminders_total", {"outcome": "late"}) or 0.0


async def test_a_reminder_posted_after_a_429_counts_as_late_against_its_due_time(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    await two_meetings(storage)
    clock.shift(timedelta(minutes=5))
    assert (await tick(services, grace=GRACE)).dispatched == 1  # Board's first reminder: three rows
    poster = ScriptedPoster()
    worker = OutboxWorker(services, poster, grace=GRACE)
    poster.answer = Outcome("rate_limited", retry_after=30)
    assert await worker.drain() == 0
    poster.answer = Outcome("sent")
    clock.shift(timedelta(seconds=30))  # each row's not_before moved to now; its due time did not
    late = late_count()
    assert await worker.drain() == 3
    assert late_count() == late + 3


async def test_reminders_of_a_stopped_workspace_resumed_past_the_grace_are_missed(
        storage: Storage, clock: time_machine.Traveller) -> None:
    (_, sync), poster, worker = await queued_at_minute_six(storage, clock)
    poster.answer = Outcome("stopped", error="token_revoked")
    await worker.drain()
    assert (await storage.outbox.counts())["stopped"] == 7
    clock.shift(timedelta(minutes=20))  # reinstalled; every row queued again (as if due recently)
    poster.answer = Outcome("sent")
    assert await storage.outbox.resume_workspace("T1", since=T0) == 7
    await settle(worker, clock)
    assert poster.keys("reminder:") == [] and len(poster.keys("missed:")) == 2
    assert [r.status for r in await storage.reminders.for_meeting("T1", sync.id)] == ["missed"]


async def test_missed_rows_are_deleted_with_the_other_finished_ones(
        storage: Storage, clock: time_machine.Traveller) -> None:
    _, poster, worker = await queued_at_minute_six(storage, clock)
    services = worker.services
    poster.answer = Outcome("rate_limited", retry_after=900)
    await worker.drain()
    poster.answer = Outcome("sent")
    clock.shift(timedelta(minutes=16))
    await settle(worker, clock)
    assert (await storage.outbox.counts())["missed"] == 7
    clock.shift(KEEP_FINISHED + timedelta(minutes=1))
    assert await cleanup(services) == 9 and await storage.outbox.counts() == {}


async def test_a_cancelled_meetings_late_row_is_dropped_without_a_dm(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    board, sync = await two_meetings(storage)
    clock.shift(timedelta(minutes=6))
    await tick(services, grace=GRACE)
    assert await storage.meetings.cancel("T1", sync.id)
    clock.shift(GRACE + timedelta(seconds=1))
    poster = ScriptedPoster()
    await settle(OutboxWorker(services, poster, grace=GRACE), clock)
    assert poster.keys("reminder:") == [] and poster.keys("missed:") == [f"missed:{board.id}"]
    assert [r.status for r in await storage.reminders.for_meeting("T1", sync.id)] == ["dispatched"]


async def test_the_worker_takes_the_grace_it_is_given(storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    await two_meetings(storage)
    clock.shift(timedelta(minutes=6))
    await tick(services, grace=GRACE)
    clock.shift(timedelta(minutes=3))  # within the default 10 min, past a grace of 2
    poster = ScriptedPoster()
    await settle(OutboxWorker(services, poster, grace=timedelta(minutes=2)), clock)
    assert poster.keys("reminder:") == [] and len(poster.keys("missed:")) == 2


# A post whose "sent" write fails -----------------------------------------------------------------


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox_worker, "RECORD_RETRIES", (0.0, 0.0, 0.0))


def failing_sent(storage: Storage, *, times: int) -> list[int]:
    """Make ``storage.outbox.sent`` raise its first ``times`` calls; returns the call log (one per try)."""
    calls: list[int] = []
    sent = storage.outbox.sent

    async def flaky(*args: Any, **kwargs: Any) -> set[int]:
        calls.append(len(calls))
        if len(calls) <= times:
            raise ConnectionError("database went away (password=hunter2)")
        return await sent(*args, **kwargs)

    storage.outbox.sent = flaky  # type: ignore[method-assign]
    return calls


class RecordingSink:
    def __init__(self) -> None:
        self.posted: list[Message] = []

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None:
        self.posted.append(message)
        return None


async def announced(storage: Storage, worker: OutboxWorker, services: Services) -> tuple[Meeting, RecordingSink, bool]:
    meeting = await storage.meetings.add(meeting_record("T1", channel_id="C1"), reminder_times=[])
    reply = Reply([Message("*Standup*", audience=Audience.CHANNEL, to="C1", purpose=f"announcement:{meeting.id}"),
                   Message(f"Meeting `{meeting.id}` is scheduled.")])
    sink = RecordingSink()
    ok = await deliver(reply, sink, team_id="T1", requester="U1", services=services, outbox=worker)
    return meeting, sink, ok


async def test_a_direct_posts_write_failing_once_is_recorded_once_and_posted_once(
        storage: Storage, clock: time_machine.Traveller, quick_retries: None) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    poster = ScriptedPoster()
    worker = OutboxWorker(services, poster)
    calls = failing_sent(storage, times=1)
    meeting, sink, ok = await announced(storage, worker, services)
    assert ok and [m.text for m in sink.posted] == [f"Meeting `{meeting.id}` is scheduled."]
    assert len(calls) == 2 and len(poster.posted) == 1
    stored = await storage.meetings.get("T1", meeting.id)
    assert stored is not None and stored.announcement_ts == "1.0001"  # later edits find the announcement
    assert await storage.outbox.counts() == {"sent": 1}
    clock.shift(timedelta(minutes=1))
    assert await worker.drain() == 0 and len(poster.posted) == 1


async def test_a_direct_posts_write_failing_always_is_logged_once_and_never_posted_again(
        storage: Storage, clock: time_machine.Traveller, quick_retries: None, caplog: pytest.LogCaptureFixture) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    poster = ScriptedPoster()
    worker = OutboxWorker(services, poster)
    calls = failing_sent(storage, times=1000)
    with caplog.at_level(logging.WARNING, logger="bot.workers.outbox"):
        meeting, sink, ok = await announced(storage, worker, services)
    assert ok and [m.text for m in sink.posted] == [f"Meeting `{meeting.id}` is scheduled."]  # the reply still says so
    assert len(calls) == 1 + len(outbox_worker.RECORD_RETRIES) and len(poster.posted) == 1
    [warning] = [r for r in caplog.records if r.name == "bot.workers.outbox"]
    assert warning.levelno == logging.WARNING and warning.exc_info is None
    assert "ConnectionError" in warning.getMessage() and "hunter2" not in caplog.text
    assert worker.stats["unrecorded"] == 1
    clock.shift(timedelta(minutes=1))
    assert await worker.drain() == 0 and len(poster.posted) == 1  # nothing queued: nothing posted twice


async def test_a_claimed_rows_write_failing_once_is_recorded_and_not_claimed_again(
        storage: Storage, clock: time_machine.Traveller, quick_retries: None) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    poster = ScriptedPoster()
    worker = OutboxWorker(services, poster)
    message = Message("hi", audience=Audience.CHANNEL, to="C1")
    await storage.outbox.enqueue([outbox_entry(message, team_id="T1", key="post:hi", not_before=T0)])
    calls = failing_sent(storage, times=1)
    assert await worker.drain() == 1 and len(calls) == 2
    assert await storage.outbox.counts() == {"sent": 1}
    clock.shift(timedelta(minutes=1))  # past the lease: a row left pending would be claimed again here
    assert await worker.drain() == 0 and len(poster.posted) == 1
