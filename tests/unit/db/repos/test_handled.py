"""Request keys (issue 11, finding 1): claimed once across replicas, the first answer kept, expired after the TTL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from db.repos.handled import StoredAnswer
from db.storage import Storage

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TTL = timedelta(hours=1)


async def test_the_first_claim_wins_and_a_repeat_gets_its_answer(storage: Storage) -> None:
    assert (await storage.handled.claim("k1", team_id="T1", now=NOW, ttl=TTL)).first
    pending = await storage.handled.claim("k1", team_id="T1", now=NOW, ttl=TTL)
    assert not pending.first and pending.answer is None  # still being answered
    await storage.handled.answer("k1", status=200, content_type="application/json", body='{"response_action":"errors"}')
    repeat = await storage.handled.claim("k1", team_id="T1", now=NOW + timedelta(minutes=5), ttl=TTL)
    assert not repeat.first
    assert repeat.answer == StoredAnswer(200, "application/json", '{"response_action":"errors"}')


async def test_concurrent_claims_from_two_storages_let_exactly_one_through(database_url: str, vault) -> None:  # type: ignore[no-untyped-def]
    replicas = [Storage.open(database_url, vault=vault) for _ in range(2)]
    try:
        claims = await asyncio.gather(*(replica.handled.claim(f"k{n % 3}", team_id="T1", now=NOW, ttl=TTL)
                                        for n in range(12) for replica in replicas))
        assert sum(claim.first for claim in claims) == 3
    finally:
        for replica in replicas:
            await replica.close()


async def test_a_key_is_new_again_after_its_ttl_and_a_released_one_at_once(storage: Storage) -> None:
    assert (await storage.handled.claim("k1", team_id="T1", now=NOW, ttl=TTL)).first
    await storage.handled.answer("k1", status=200, content_type=None, body="")
    assert not (await storage.handled.claim("k1", team_id="T1", now=NOW + TTL - timedelta(seconds=1), ttl=TTL)).first
    assert (await storage.handled.claim("k1", team_id="T1", now=NOW + TTL, ttl=TTL)).first
    await storage.handled.release("k1")  # the first attempt failed
    assert (await storage.handled.claim("k1", team_id="T1", now=NOW + TTL, ttl=TTL)).first


async def test_the_stored_answer_is_encrypted(storage: Storage) -> None:
    await storage.handled.claim("k1", team_id="T1", now=NOW, ttl=TTL)
    await storage.handled.answer("k1", status=200, content_type="application/json", body="api_key wb-SECRET-4711")
    with storage.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT body FROM handledrequest").scalar()
    assert raw and "wb-SECRET-4711" not in raw


async def test_a_burst_of_claims_is_one_write_and_a_key_twice_in_it_is_first_once(storage: Storage,
                                                                                  monkeypatch) -> None:  # type: ignore[no-untyped-def]
    await storage.handled.claim("old", team_id="T1", now=NOW - TTL, ttl=TTL)  # expired: taken over below
    batches = []
    claim_many = storage.handled.claim_many
    monkeypatch.setattr(storage.handled._claims, "many",
                        lambda requests: batches.append(len(requests)) or claim_many(requests))
    keys = [f"k{n}" for n in range(20)] + ["k3", "old"]
    claims = await asyncio.gather(*(storage.handled.claim(key, team_id="T1", now=NOW, ttl=TTL) for key in keys))
    assert batches == [len(keys)]  # group-committed: one write for the burst
    assert [claim.first for claim in claims] == [True] * 20 + [False, True]
    assert claims[20].answer is None  # k3's first request is still being answered
