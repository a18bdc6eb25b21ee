"""The key canary: planted once the stored secrets decrypt, refused under a wrong key, kept across rotation."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import text

from db.canary import CANARY, check_key
from db.crypto import Vault
from db.engine import make_engine
from db.storage import Storage


def key() -> str:
    return Fernet.generate_key().decode()


def canary_rows(url: str) -> list[str]:
    engine = make_engine(url, vault=None)
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(text("SELECT value FROM keycanary"))]
    finally:
        engine.dispose()


def test_the_first_check_plants_an_encrypted_canary_that_the_same_key_opens(database_url: str) -> None:
    engine = make_engine(database_url, vault=Vault.from_keys([key()]))
    try:
        assert check_key(engine) is None
        assert check_key(engine) is None
    finally:
        engine.dispose()
    [stored] = canary_rows(database_url)
    assert CANARY not in stored  # ciphertext at rest


def test_another_key_cannot_open_the_canary(database_url: str) -> None:
    right, wrong = make_engine(database_url, vault=Vault.from_keys([key()])), \
        make_engine(database_url, vault=Vault.from_keys([key()]))
    try:
        assert check_key(right) is None
        problem = check_key(wrong)
    finally:
        right.dispose()
        wrong.dispose()
    assert problem is not None and "cannot decrypt the key canary" in problem


async def test_before_any_canary_a_stored_secret_under_another_key_is_named(database_url: str) -> None:
    old = Storage.open(database_url, vault=Vault.from_keys([key()]))
    await old.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-key"})
    await old.close()
    engine = make_engine(database_url, vault=Vault.from_keys([key()]))
    try:
        problem = check_key(engine)
    finally:
        engine.dispose()
    assert problem is not None and "provideraccount.credentials" in problem
    assert canary_rows(database_url) == []  # nothing planted under the wrong key


def test_rotation_new_key_first_then_old_dropped_keeps_the_canary_readable(database_url: str) -> None:
    old_key, new_key = key(), key()
    for keys in ([old_key], [new_key, old_key], [new_key]):
        engine = make_engine(database_url, vault=Vault.from_keys(keys))
        try:
            assert check_key(engine) is None, keys
        finally:
            engine.dispose()
