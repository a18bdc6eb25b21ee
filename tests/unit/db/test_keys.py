"""Issue 11, finding 4: every stored secret re-encrypted with the newest key; a wrong key shows at once."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from db.crypto import Vault
from db.keys import RotationError, rotate_secrets, secret_columns, unreadable
from db.storage import Storage
from tests.support.storage import meeting_record, raw_rows

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))


async def stored_with(database_url: str, key: str) -> None:
    """Secrets in every kind of encrypted column, written with ``key``."""
    storage = Storage.open(database_url, vault=Vault.from_keys([key]))
    try:
        await storage.workspaces.save_installation("T1", bot_token="xoxb-rot1", bot_id="B", bot_user_id="UB",
                                                   bot_scopes="commands")
        await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-rot"})
        meeting = await storage.meetings.add(meeting_record("T1", host_url="https://h.test/r?roomKey=rk"))
        await storage.tokens.keep("T1", meeting.id, "U2", "tok-rot")
    finally:
        await storage.close()


def test_every_encrypted_column_is_found() -> None:
    names = {column.name for column in secret_columns()}
    assert {"workspace.bot_token", "provideraccount.credentials", "provideraccount.token_cache",
            "meeting.host_url", "meeting.provider_data", "issuedtoken.token"} <= names


async def test_rotation_rewrites_every_secret_so_the_new_key_alone_reads_them(database_url: str) -> None:
    await stored_with(database_url, OLD)
    both = Storage.open(database_url, vault=Vault.from_keys([NEW, OLD]))
    try:
        before = await raw_rows(both, "SELECT bot_token FROM workspace")
        counts = rotate_secrets(both.engine)
        assert counts["workspace.bot_token"] == 1 and counts["provideraccount.credentials"] == 1
        assert counts["meeting.host_url"] == 1 and counts["issuedtoken.token"] == 1
        assert await raw_rows(both, "SELECT bot_token FROM workspace") != before
    finally:
        await both.close()
    new_only = Storage.open(database_url, vault=Vault.from_keys([NEW]))
    try:
        assert unreadable(new_only.engine) == []
        workspace = await new_only.workspaces.get("T1")
        assert workspace is not None and workspace.bot_token == "xoxb-rot1"
        [account] = await new_only.accounts.all("T1")
        assert account.credentials == {"api_key": "wb-rot"}
    finally:
        await new_only.close()


async def test_a_secret_no_key_opens_stops_rotation_before_anything_changes(database_url: str) -> None:
    await stored_with(database_url, OLD)
    storage = Storage.open(database_url, vault=Vault.from_keys([NEW, OTHER]))  # OLD is missing
    try:
        before = await raw_rows(storage, "SELECT bot_token FROM workspace")
        with pytest.raises(RotationError, match="cannot be decrypted with any key"):
            rotate_secrets(storage.engine)
        assert await raw_rows(storage, "SELECT bot_token FROM workspace") == before
    finally:
        await storage.close()


async def test_unreadable_names_the_columns_a_wrong_key_cannot_open(database_url: str) -> None:
    await stored_with(database_url, OLD)
    storage = Storage.open(database_url, vault=Vault.from_keys([OTHER]))
    try:
        failing = await storage.unreadable_secrets()
        assert {"workspace.bot_token", "provideraccount.credentials", "meeting.host_url"} <= set(failing)
    finally:
        await storage.close()
    right = Storage.open(database_url, vault=Vault.from_keys([OLD]))
    try:
        assert await right.unreadable_secrets() == []
    finally:
        await right.close()
