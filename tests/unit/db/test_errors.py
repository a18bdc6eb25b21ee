"""Storage errors reach the core as one ``StorageError`` whose text never quotes statement parameters."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from db.crypto import DecryptError, Vault
from db.errors import StorageError, storage_error
from db.storage import Storage
from tests.support.storage import meeting_record


def test_each_sqlalchemy_error_becomes_one_sentence_without_parameters() -> None:
    driver = Exception('duplicate key value violates unique constraint "pk"\nDETAIL: Key (id)=(xoxb-secret) exists.')
    integrity = storage_error(IntegrityError("INSERT INTO workspace VALUES (%(t)s)", {"t": "xoxb-secret"}, driver))
    assert str(integrity) == ("The database refused a change that conflicts with stored data: "
                              'duplicate key value violates unique constraint "pk".')
    unreachable = storage_error(OperationalError("SELECT 1", {"t": "xoxb-secret"}, Exception("connection refused")))
    assert str(unreachable) == "The database cannot be reached right now: connection refused."
    other = storage_error(ProgrammingError("SELECT nope", {"t": "xoxb-secret"}, Exception("no such column")))
    assert "no such column" in str(other)
    for error in (integrity, unreachable, other):
        assert "xoxb-secret" not in str(error) and "SELECT" not in str(error) and "INSERT" not in str(error)


async def test_a_conflicting_write_is_a_storage_error_without_the_secret(storage: Storage) -> None:
    meeting = meeting_record("T1", host_url="https://host.example/secret-host-link")
    await storage.meetings.add(meeting)
    with pytest.raises(StorageError) as caught:
        await storage.meetings.add(meeting)
    assert "conflicts with stored data" in str(caught.value)
    assert "secret-host-link" not in str(caught.value) and caught.value.__cause__ is None
    assert caught.value.__suppress_context__


async def test_an_unreachable_database_is_a_storage_error(vault: Vault) -> None:
    storage = Storage.open("postgresql://nobody@127.0.0.1:1/none", vault=vault)
    try:
        with pytest.raises(StorageError, match="cannot be reached right now"):
            await storage.meetings.get("T1", "abcdef")
        assert await storage.reachable() is False
    finally:
        await storage.close()


async def test_secrets_under_a_key_no_longer_configured_are_a_storage_error(database_url: str) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    first = Storage.open(database_url, vault=Vault.from_keys([old]))
    await first.accounts.save("T1", provider="whereby", credentials={"api_key": "k"})
    await first.close()
    rotated = Storage.open(database_url, vault=Vault.from_keys([new, old]))
    account = await rotated.accounts.get("T1", "whereby")
    assert account is not None and account.credentials == {"api_key": "k"}
    await rotated.close()
    stranger = Storage.open(database_url, vault=Vault.from_keys([new]))
    try:
        with pytest.raises(StorageError, match="cannot be decrypted") as caught:
            await stranger.accounts.get("T1", "whereby")
        assert isinstance(caught.value, DecryptError)
    finally:
        await stranger.close()
