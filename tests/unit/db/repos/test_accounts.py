"""Provider accounts on SQLite and PostgreSQL: ciphertext at rest, defaults, the token cache."""

from __future__ import annotations

import asyncio

from db.storage import Storage
from tests.support.storage import raw_rows


async def test_credentials_are_ciphertext_and_come_back_as_a_dict(storage: Storage) -> None:
    saved = await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-plaintext-key-123"},
                                        created_by="U1")
    [(stored,)] = await raw_rows(storage, "SELECT credentials FROM provideraccount")
    assert "wb-plaintext-key-123" not in stored and stored.startswith("gAAAA")
    account = await storage.accounts.get("T1", "whereby")
    assert account is not None and account.credentials == {"api_key": "wb-plaintext-key-123"}
    assert account.id == saved.id and account.is_default and account.created_by == "U1"
    assert "wb-plaintext" not in repr(account)


async def test_first_account_is_default_and_an_heir_takes_over(storage: Storage) -> None:
    await storage.accounts.save("T1", provider="clickmeeting", credentials={"api_key": "a"}, name="sales")
    await storage.accounts.save("T1", provider="clickmeeting", credentials={"api_key": "b"}, name="support")
    assert (await storage.accounts.get("T1", "clickmeeting")).name == "sales"  # type: ignore[union-attr]
    assert await storage.accounts.set_default("T1", "clickmeeting", "support")
    assert not await storage.accounts.set_default("T1", "clickmeeting", "nobody")
    assert (await storage.accounts.get("T1", "clickmeeting")).name == "support"  # type: ignore[union-attr]
    assert await storage.accounts.delete("T1", "clickmeeting", "support") == ["support"]
    heir = await storage.accounts.get("T1", "clickmeeting")
    assert heir is not None and heir.name == "sales" and heir.is_default
    assert [a.name for a in await storage.accounts.all("T1", "clickmeeting")] == ["sales"]
    assert await storage.accounts.delete("T1", "clickmeeting") == ["sales"]


async def test_accounts_are_listed_by_provider_then_name(storage: Storage) -> None:
    for provider, name in (("whereby", "b"), ("airmeet", "default"), ("whereby", "a")):
        await storage.accounts.save("T1", provider=provider, credentials={"k": name}, name=name)
    assert [(a.provider, a.name) for a in await storage.accounts.all("T1")] == [
        ("airmeet", "default"), ("whereby", "a"), ("whereby", "b")]


async def test_token_cache_round_trip_encrypted_and_voided_by_new_keys(storage: Storage) -> None:
    account = await storage.accounts.save("T1", provider="roomful", credentials={"email": "a@b", "password": "p"})
    token = {"value": "session-token-secret", "expires_at": "2026-12-01T10:00:00+00:00"}
    assert await storage.accounts.load_token_cache("T1", account.id) is None
    await storage.accounts.save_token_cache("T1", account.id, token)
    assert await storage.accounts.load_token_cache("T1", account.id) == token
    assert await storage.accounts.load_token_cache("T2", account.id) is None  # another workspace's id
    [(stored,)] = await raw_rows(storage, "SELECT token_cache FROM provideraccount")
    assert "session-token-secret" not in stored
    await storage.accounts.save("T1", provider="roomful", credentials={"email": "a@b", "password": "new"})
    assert await storage.accounts.load_token_cache("T1", account.id) is None
    await storage.accounts.save_token_cache("T1", account.id, token)
    await storage.accounts.save_token_cache("T1", account.id, None)
    assert await storage.accounts.load_token_cache("T1", account.id) is None


async def test_another_workspaces_accounts_are_out_of_reach(storage: Storage) -> None:
    theirs = await storage.accounts.save("T2", provider="whereby", credentials={"api_key": "k2"})
    assert await storage.accounts.get("T1", "whereby") is None and await storage.accounts.all("T1") == []
    assert await storage.accounts.delete("T1", "whereby") == []
    assert not await storage.accounts.set_default("T1", "whereby", "default")
    await storage.accounts.save_token_cache("T1", theirs.id, {"value": "mine"})
    assert await storage.accounts.load_token_cache("T2", theirs.id) is None
    assert await storage.accounts.get("T2", "whereby") is not None


async def test_gets_asked_together_each_get_their_own_account(storage: Storage) -> None:
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "one"})
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "two"}, name="events")
    await storage.accounts.save("T2", provider="whereby", credentials={"api_key": "three"})
    asks = [("T1", "whereby", None), ("T1", "whereby", "events"), ("T2", "whereby", None), ("T1", "whereby", None),
            ("T1", "kmeet", None), ("T3", "whereby", None)]
    found = await asyncio.gather(*(storage.accounts.get(*ask) for ask in asks))
    assert [account.credentials["api_key"] if account else None for account in found] == [
        "one", "two", "three", "one", None, None]
    first, _, _, again, _, _ = found
    assert first is not again and first.credentials is not again.credentials  # type: ignore[union-attr]
