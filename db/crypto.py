"""Encryption at rest: a column type that no code path can forget to use.

    vault = Vault.from_keys(["<newest fernet key>", "<older key>"])
    engine = make_engine(url, vault=vault)        # db.engine attaches the vault to the engine

    class ProviderAccount(SQLModel, table=True):
        credentials: str = Field(sa_type=Encrypted)

Keys rotate: encrypt with the first (newest) key, decrypt with any (cryptography's MultiFernet).
``Vault.rotate`` re-encrypts a token under the newest key.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from db.errors import StorageError


class SecretKeyError(ValueError):
    """A secret key is missing or malformed; the message says what to do."""


class DecryptError(StorageError):
    """Stored ciphertext that none of the configured keys can open (a ``StorageError`` like every other)."""


@dataclass(frozen=True)
class Vault:
    """Encrypts and decrypts strings with MultiFernet (newest key first)."""

    fernet: MultiFernet

    @classmethod
    def from_keys(cls, keys: list[str]) -> Vault:
        """``Vault.from_keys(["k1", "k0"])``; raises SecretKeyError naming the bad key's position."""
        if not keys:
            raise SecretKeyError("MEETBOT_SECRET_KEYS is empty; set it to one or more Fernet keys, newest first.")
        fernets = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip().encode()))
            except (ValueError, TypeError):
                raise SecretKeyError(
                    f"MEETBOT_SECRET_KEYS key #{position} is not a valid Fernet key (32 url-safe base64 bytes). "
                    'Make one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
                ) from None
        return cls(MultiFernet(fernets))

    @classmethod
    def from_setting(cls, value: str) -> Vault:
        """From the comma-separated ``MEETBOT_SECRET_KEYS`` value."""
        return cls.from_keys([part for part in value.split(",") if part.strip()])

    def encrypt(self, plaintext: str) -> str:
        return self.fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self.fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise DecryptError(
                "A stored secret cannot be decrypted with MEETBOT_SECRET_KEYS; "
                "keep the old key in the list (after the new one) until rotation is done."
            ) from None

    def rotate(self, ciphertext: str) -> str:
        return self.fernet.rotate(ciphertext.encode()).decode()


def load_or_create_key_file(path: Path) -> tuple[str, bool]:
    """The key in ``path``, creating it (mode 0600) when absent; returns (key, created)."""
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise SecretKeyError(f"{path} is readable by other users; run: chmod 600 {path}")
        return path.read_text().strip(), False
    key = Fernet.generate_key().decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key, True


VAULT_ATTRIBUTE = "meetbot_vault"


def vault_of(dialect: Dialect) -> Vault:
    vault = getattr(dialect, VAULT_ATTRIBUTE, None)
    if vault is None:
        raise RuntimeError("This engine has no vault; create it with db.engine.make_engine(url, vault=...)")
    return vault


class Encrypted(TypeDecorator[str]):
    """A text column stored as Fernet ciphertext, with the vault of the engine that writes it."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return vault_of(dialect).encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return vault_of(dialect).decrypt(value)
