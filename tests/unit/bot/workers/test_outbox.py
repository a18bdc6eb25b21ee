"""The outbox worker: paced per channel, each row posted once across workers, 429s and dead tokens
handled per channel and per workspace, reminders after downtime (grace, missed), text at delivery.

Time is moved with time-machine; the worker is driven round by round (``pump``/``drain``), never slept.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.slack.sink import SlackPoster
from bot.workers.outbox import OutboxWorker, Outcome
from bot.workers.reminders import tick
from commands.framework.context import NobodyDirectory, Services
from commands.framework.replies import Audience, Message
from commands.lifecycle import outbox_entry
from db.crypto import Vault
from db.records import OutboxItem
from db.repos.pacing import Pacing
from db.storage import Storage
from tests.fakes.slack import FakeSlack
from tests.support.storage import meeting_record

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class RecordingPoster:
    """Posts nothing; keeps (row key, text) of every post and answers ok."""

    def __init__(self) -> None:
        self.posted: list[tuple[str, str, Message]] = []

    async def post(self, item: OutboxItem, message: Message) -> Outcome:
        self.posted.append((item.idem_key, item.channel, message))
        return Outcome("sent", ts=f"{len(self.posted)}.0001")

    def texts(self, channel: str) -> list[str]:
        return [message.text for _, to, message in self.posted if to == channel]


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def queue(team: str, channel: str, key: str, text: str = "hi") -> list:  # type: ignore[type-arg]
    return [outbox_entry(Message(text, audience=Audience.CHANNEL, to=channel), team_id=team, key=key,
                         not_before=datetime.now(UTC))]


async def test_one_channel_gets_one_message_a_second_others_go_at_once(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    poster = RecordingPoster()
    worker = OutboxWorker(services, poster)
    for n in range(3):
        await storage.outbox.enqueue(queue("T1", "C1", f"c1-{n}", f"C1 #{n}"))
    await storage.outbox.enqueue(queue("T1", "C2", "c2", "C2"))
    assert await worker.drain() == 2  # C1's first and C2's; C1's next waits for its second
    assert poster.texts("C1") == ["C1 #0"] and poster.texts("C2") == ["C2"]
    clock.shift(timedelta(seconds=0.5))
    assert await worker.drain() == 0
    clock.shift(timedelta(seconds=0.6))
    assert await worker.drain() == 1 and poster.texts("C1") == ["C1 #0", "C1 #1"]
    await storage.outbox.enqueue(queue("T1", "C1", "c1-0", "again"))  # the same key: not queued twice
    clock.shift(timedelta(seconds=1.1))
    assert await worker.drain() == 1 and poster.texts("C1")[-1] == "C1 #2"
    assert await storage.outbox.counts() == {"sent": 4}


async def test_a_busy_channels_next_message_is_claimed_ahead_and_posted_at_its_turn(
        storage: Storage, clock: time_machine.Traveller) -> None:
    worker = OutboxWorker(Services(storage=storage, directory=NobodyDirectory()), RecordingPoster())
    for n in range(2):
        await storage.outbox.enqueue(queue("T1", "C1", f"c1-{n}", f"C1 #{n}"))
    assert await worker.drain() == 1  # C1's turn comes again at T0 + 1.05 s
    clock.shift(timedelta(seconds=0.4))
    assert await worker.pump() == {}  # 0.65 s before its turn: more than Pacing.ahead (0.5 s)
    clock.shift(timedelta(seconds=0.3))
    began = time.perf_counter()  # time-machine leaves the event loop's clock alone
    outcomes = await worker.pump()  # 0.35 s before its turn: claimed now, posted at the turn
    assert [outcome.kind for outcome in outcomes.values()] == ["sent"]
    assert time.perf_counter() - began >= 0.3
    # The channel's next turn counts from this message's turn, not from the claim.
    assert await storage.outbox.free_lanes("T1", queue("T1", "C1", "c1-2"), now=T0 + timedelta(seconds=2.05)) == set()
    assert await storage.outbox.free_lanes("T1", queue("T1", "C1", "c1-2"), now=T0 + timedelta(seconds=2.11)) == {"C1"}


@pytest.mark.parametrize("blank_database_url", ["postgresql"], indirect=True)  # SQLite serves one process
async def test_two_workers_on_postgresql_post_each_of_1000_due_rows_once(
        database_url: str, vault: Vault, clock: time_machine.Traveller) -> None:
    replicas = [Storage.open(database_url, vault=vault) for _ in range(2)]  # two engines, two pools
    try:
        poster = RecordingPoster()
        workers = [OutboxWorker(Services(storage=s, directory=NobodyDirectory()), poster, owner=f"replica-{n}")
                   for n, s in enumerate(replicas)]
        entries = [entry for n in range(1000) for entry in queue("T1", f"C{n % 100}", f"row-{n}")]
        await replicas[0].outbox.enqueue(entries)
        for _ in range(40):
            await asyncio.gather(*(worker.drain() for worker in workers))
            if len(poster.posted) >= 1000:
                break
            clock.shift(timedelta(seconds=1.1))
        posts = Counter(key for key, _, _ in poster.posted)
        assert len(posts) == 1000 and set(posts.values()) == {1}
        assert all(worker.stats["sent"] > 0 for worker in workers)  # both did part of it
        assert await replicas[0].outbox.counts() == {"sent": 1000}
    finally:
        for replica in replicas:
            await replica.close()


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlack, str]]:
    fake = FakeSlack(tokens={"xoxb-one": "T1", "xoxb-two": "T2"})
    for team in ("T1", "T2"):
        for channel in ("C1", "C2"):
            fake.add_channel(f"{channel}{team}", team_id=team, name=f"{channel.lower()}-{team.lower()}")
    with fake.running() as api_url:
        yield fake, api_url


def slack_worker(storage: Storage, api_url: str) -> OutboxWorker:
    tokens = {"T1": "xoxb-one", "T2": "xoxb-two"}

    async def token_for(team_id: str) -> str | None:
        return tokens.get(team_id)

    return OutboxWorker(Services(storage=storage, directory=NobodyDirectory()),
                        SlackPoster(token_for, api_url=api_url))


async def test_a_429_on_one_channel_waits_there_and_not_elsewhere(
        storage: Storage, slack: tuple[FakeSlack, str], clock: time_machine.Traveller) -> None:
    fake, api_url = slack
    worker = slack_worker(storage, api_url)
    try:
        fake.rate_limit_next("chat.postMessage", retry_after=30)
        [first] = await storage.outbox.enqueue(queue("T1", "C1T1", "busy-1", "first"))
        assert (await worker.pump(only=[first]))[first].kind == "rate_limited"
        await storage.outbox.enqueue(queue("T1", "C2T1", "calm", "calm"))
        assert await worker.drain() == 1  # C2 goes at once; C1 waits out its Retry-After
        ok = [c.args["channel"] for c in fake.calls_to("chat.postMessage") if c.ok]
        assert ok == ["C2T1"]
        clock.shift(timedelta(seconds=29))
        assert await worker.drain() == 0
        clock.shift(timedelta(seconds=2))
        assert await worker.drain() == 1
        assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200, 200]
    finally:
        await worker.stop()


async def test_a_revoked_token_stops_its_workspace_only(
        storage: Storage, slack: tuple[FakeSlack, str], clock: time_machine.Traveller) -> None:
    fake, api_url = slack
    worker = slack_worker(storage, api_url)
    try:
        fake.revoke("xoxb-one")
        for team in ("T1", "T2"):
            for channel in ("C1", "C2"):
                await storage.outbox.enqueue(queue(team, f"{channel}{team}", f"{team}-{channel}"))
        assert await worker.drain() == 2
        assert {c.args["channel"] for c in fake.calls_to("chat.postMessage") if c.ok} == {"C1T2", "C2T2"}
        assert await storage.outbox.stopped_reason("T1") == "token_revoked"
        assert await storage.outbox.stopped_reason("T2") is None
        assert (await storage.outbox.counts())["stopped"] == 2
        await storage.outbox.enqueue(queue("T1", "C1T1", "later"))
        clock.shift(timedelta(seconds=5))
        calls = len(fake.calls)
        assert await worker.drain() == 0 and len(fake.calls) == calls  # nothing more is tried for T1
    finally:
        await worker.stop()


async def test_after_a_restart_due_reminders_go_with_text_of_now_and_older_ones_are_missed(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    late = await storage.meetings.add(meeting_record("T1", start=T0 + timedelta(minutes=30), channel_id="C1",
                                                     title="Late"),
                                      reminder_times=[(T0 + timedelta(minutes=20), 10)])
    old = await storage.meetings.add(meeting_record("T1", start=T0 + timedelta(minutes=25), channel_id="C2",
                                                    title="Old", organiser="U7"),
                                     reminder_times=[(T0 + timedelta(minutes=5), 20), (T0 + timedelta(minutes=10), 15)])
    clock.shift(timedelta(minutes=24))  # meetbot was down from T0 until now
    done = await tick(services, grace=timedelta(minutes=10))
    assert (done.dispatched, done.missed) == (1, 2)
    poster = RecordingPoster()
    worker = OutboxWorker(services, poster)
    clock.shift(timedelta(minutes=3))  # posted a while after it was queued: the text says so
    assert await worker.drain() == 2
    assert poster.texts("C1") == [":alarm_clock: *Late* starts in 3 min"]
    [missed_dm] = poster.texts("U7")  # one DM for the meeting's two missed reminders
    assert "Old" in missed_dm and "not sent" in missed_dm
    assert poster.texts("C2") == []
    assert [r.status for r in await storage.reminders.for_meeting("T1", old.id)] == ["missed", "missed"]
    assert [r.status for r in await storage.reminders.for_meeting("T1", late.id)] == ["dispatched"]
    assert len(await storage.reminders.missed("T1", "U7")) == 2 and await storage.reminders.missed("T1", "U1") == []
    clock.shift(timedelta(minutes=6))
    assert (await tick(services)).claimed == 0 and await worker.drain() == 0  # nothing twice


async def test_a_tick_queues_reminders_due_before_the_next_tick_for_their_due_time(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    due = T0 + timedelta(seconds=0.4)
    await storage.meetings.add(meeting_record("T1", start=T0 + timedelta(minutes=10), channel_id="C1"),
                               reminder_times=[(due, 10)])
    assert (await tick(services)).claimed == 0  # not due yet
    assert (await tick(services, ahead=timedelta(seconds=1))).dispatched == 1  # due before the next tick
    assert (await storage.outbox.claim(now=T0, owner="w", pacing=Pacing(ahead=timedelta(0)))) == []
    [item] = await storage.outbox.claim(now=T0, owner="w", pacing=Pacing())
    assert item.not_before == item.post_at == due  # posted at its due time, not at the tick's


async def test_a_reminder_posted_after_the_start_says_how_long_ago(storage: Storage,
                                                                   clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    await storage.meetings.add(meeting_record("T1", start=T0 + timedelta(minutes=10), channel_id="C1",
                                              title="Standup"), reminder_times=[(T0 + timedelta(minutes=9), 1)])
    clock.shift(timedelta(minutes=9))
    assert (await tick(services)).dispatched == 1
    clock.shift(timedelta(minutes=3))  # Slack pushed the channel back (429s): it starts meanwhile
    poster = RecordingPoster()
    assert await OutboxWorker(services, poster).drain() == 1
    assert poster.texts("C1") == [":alarm_clock: *Standup* started 2 min ago"]


async def test_the_organiser_sees_missed_reminders_in_meeting_list(storage: Storage,
                                                                   clock: time_machine.Traveller) -> None:
    from commands.framework.context import Context
    from commands.meeting.listing import ListQuery, list_meetings

    services = Services(storage=storage, directory=NobodyDirectory())
    meeting = await storage.meetings.add(meeting_record("T1", start=T0 + timedelta(hours=1), channel_id="C1"),
                                         reminder_times=[(T0 + timedelta(minutes=5), 55)])
    clock.shift(timedelta(minutes=30))
    assert (await tick(services)).missed == 1
    mine = Context(team_id="T1", user_id="U1", channel_id="C1", user_tz="UTC")
    text = (await list_meetings(ListQuery(scope="mine"), mine, services)).text
    assert f"`{meeting.id}`: the reminder 55 min before it starts" in text and "Missed reminders" in text
    other = Context(team_id="T1", user_id="U2", channel_id="C1", user_tz="UTC")
    assert "Missed" not in (await list_meetings(ListQuery(scope="mine"), other, services)).text


async def test_the_interactive_path_posts_a_free_channel_at_once_and_stores_it_as_sent_in_one_write(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    poster = RecordingPoster()
    worker = OutboxWorker(services, poster)
    meeting = await storage.meetings.add(meeting_record("T1", channel_id="C1"), reminder_times=[])
    announce = Message("*Standup*", audience=Audience.CHANNEL, to="C1", purpose=f"announcement:{meeting.id}")
    later = Message("more", audience=Audience.CHANNEL, to="C1")
    elsewhere = Message("hi", audience=Audience.CHANNEL, to="C2")
    claimed: list[str] = []
    claim = storage.outbox.claim

    async def counted(**kwargs):  # type: ignore[no-untyped-def]
        items = await claim(**kwargs)
        claimed.extend(item.channel for item in items)
        return items

    storage.outbox.claim = counted  # type: ignore[method-assign]
    answers = await worker.post_now([announce, later, elsewhere], team_id="T1")
    assert [outcome.kind for _, outcome in answers] == ["sent", "queued", "sent"]
    assert claimed == []  # the direct posts were never queued rows; the queued one waits for C1's pacing
    assert poster.texts("C1") == ["*Standup*"] and poster.texts("C2") == ["hi"]
    stored = await storage.meetings.get("T1", meeting.id)
    assert stored is not None and stored.announcement_ts == "1.0001"  # kept in the same write
    assert await storage.outbox.counts() == {"sent": 2, "pending": 1}
    # The second message of C1 waits its turn behind the first, through the queue.
    assert await worker.drain() == 0
    clock.shift(timedelta(seconds=1.1))
    assert await worker.drain() == 1 and poster.texts("C1") == ["*Standup*", "more"]
    # A channel with pacing in force is not posted to directly: the message is queued.
    assert [outcome.kind for _, outcome in await worker.post_now([elsewhere], team_id="T1")] == ["sent"]
    assert [outcome.kind for _, outcome in await worker.post_now([later], team_id="T1")] == ["queued"]
    assert poster.texts("C1") == ["*Standup*", "more"]
    await worker.stop()


async def test_a_429_on_the_interactive_path_queues_the_message_for_after_retry_after(
        storage: Storage, slack: tuple[FakeSlack, str], clock: time_machine.Traveller) -> None:
    fake, api_url = slack
    worker = slack_worker(storage, api_url)
    try:
        fake.rate_limit_next("chat.postMessage", retry_after=10)
        [(_, outcome)] = await worker.post_now([Message("hi", audience=Audience.CHANNEL, to="C1T1")], team_id="T1")
        assert outcome.kind == "rate_limited"
        assert await storage.outbox.counts() == {"pending": 1}
        clock.shift(timedelta(seconds=9))
        assert await worker.drain() == 0
        clock.shift(timedelta(seconds=2))
        assert await worker.drain() == 1
        assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]
        assert await storage.outbox.counts() == {"sent": 1}
    finally:
        await worker.stop()


async def test_an_interactive_message_queued_behind_older_ones_in_its_channel_does_not_jump_them(
        storage: Storage, clock: time_machine.Traveller) -> None:
    services = Services(storage=storage, directory=NobodyDirectory())
    poster = RecordingPoster()
    worker = OutboxWorker(services, poster)
    clock.shift(timedelta(seconds=5))  # the queued one is older than the interactive one
    await storage.outbox.enqueue(queue("T1", "C1", "older", "older"))
    await storage.outbox.push_channel("T1", "C1", until=datetime.now(UTC))  # C1 is free, but the row is first
    clock.shift(timedelta(seconds=1))
    [(_, outcome)] = await worker.post_now([Message("newer", audience=Audience.CHANNEL, to="C1")], team_id="T1")
    assert outcome.kind == "queued" and poster.texts("C1") == []  # the claim for it skipped it: not C1's next
    assert await worker.drain() == 1 and poster.texts("C1") == ["older"]
    clock.shift(timedelta(seconds=1.1))
    assert await worker.drain() == 1 and poster.texts("C1") == ["older", "newer"]
