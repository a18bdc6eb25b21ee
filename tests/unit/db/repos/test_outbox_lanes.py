"""Which channels the interactive path may post to at once (``Outbox.free_lanes``), on SQLite and
PostgreSQL: the checks asked at the same moment share one statement, and each gets its own answer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from commands.framework.replies import Audience, Message
from commands.lifecycle import outbox_entry
from db.records import OutboxEntry
from db.storage import Storage

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def entry(team: str, channel: str, key: str) -> OutboxEntry:
    return outbox_entry(Message("hi", audience=Audience.CHANNEL, to=channel), team_id=team, key=key, not_before=T0)


async def test_checks_asked_together_each_get_their_own_answer(storage: Storage,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    await storage.outbox.enqueue([entry("T1", "C1", "queued-in-c1"), entry("T3", "C9", "known")])
    await storage.outbox.push_channel("T1", "C3", until=T0 + timedelta(seconds=1))  # paced until T0 + 1 s
    await storage.outbox.enqueue([entry("T2", "C1", "t2-row")])
    await storage.outbox.stop_workspace("T2", reason="token_revoked")
    asks = [
        ("T1", (entry("T1", "C1", "a"), entry("T1", "C2", "b"), entry("T1", "C3", "c")), T0),
        ("T2", (entry("T2", "C2", "d"),), T0),  # a stopped workspace: nothing at once
        ("T3", (entry("T3", "C1", "e"), entry("T3", "C9", "known")), T0),  # a replay: through the queue
        ("T3", (entry("T3", "C1", "f"),), T0),  # the same team's other ask is not a replay
        ("T4", (entry("T4", "C1", "g"), entry("T4", "C3", "known")), T0),  # T1's lanes and T3's key are theirs
    ]
    expected = [{"C2"}, set(), set(), {"C1"}, {"C1", "C3"}]
    batches: list[int] = []
    many = storage.outbox.free_lanes_many
    monkeypatch.setattr(storage.outbox._lane_checks, "many", lambda asked: batches.append(len(asked)) or many(asked))
    together = await asyncio.gather(*(storage.outbox.free_lanes(team, entries, now=now) for team, entries, now in asks))
    assert list(together) == expected and batches == [len(asks)]  # one statement for the five
    assert [await storage.outbox.free_lanes(team, entries, now=now) for team, entries, now in asks] == expected
    assert storage.outbox.free_lanes_many(asks) == expected


async def test_a_lane_whose_turn_comes_between_two_asks_is_not_free_for_either(storage: Storage) -> None:
    await storage.outbox.push_channel("T1", "C1", until=T0 + timedelta(seconds=1))
    later = T0 + timedelta(seconds=2)
    assert storage.outbox.free_lanes_many([("T1", (entry("T1", "C1", "a"),), later)]) == [{"C1"}]
    # Compared with the earliest ask's clock: the later ask's message is queued, which is safe.
    assert storage.outbox.free_lanes_many([("T1", (entry("T1", "C2", "b"),), T0),
                                           ("T1", (entry("T1", "C1", "a"),), later)]) == [{"C2"}, set()]
