"""The stored secrets as a whole: can the configured keys read them, and re-encrypting them with the newest.

    unreadable(engine)            # [] when every sampled secret opens; else "table.column" names (/readyz)
    rotate_secrets(engine)        # {"workspace.bot_token": 1, ...}: `meetbot rotate-keys`

Both find the secrets from the tables themselves (every column of type ``Encrypted``), so a table
another part of meetbot adds is covered without a line here. They read the ciphertext as stored,
bypassing the column type, and use the vault attached to the engine (db.engine.make_engine).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from sqlalchemy import Table, and_, column, select, table, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.expression import TableClause
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from db.crypto import DecryptError, Encrypted, vault_of
from db.errors import StorageError


@dataclass(frozen=True)
class SecretColumn:
    """One encrypted column: ``table.column``, and the key columns that find its rows."""

    table: str
    column: str
    keys: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"


def secret_columns() -> Iterator[SecretColumn]:
    """Every ``Encrypted`` column of every table, in table order."""
    for model in SQLModel.metadata.sorted_tables:
        assert isinstance(model, Table)
        for item in model.columns:
            if isinstance(item.type, Encrypted):
                yield SecretColumn(model.name, item.name, tuple(key.name for key in model.primary_key.columns))


def _raw(secret: SecretColumn) -> TableClause:
    """The table as plain text columns: values come back as the ciphertext that is stored."""
    return table(secret.table, column(secret.column), *(column(key) for key in secret.keys))


def unreadable(engine: Engine) -> list[str]:
    """The encrypted columns whose newest stored value the engine's keys cannot decrypt (none: ``[]``).

    For /readyz: a wrong MEETBOT_SECRET_KEYS shows here at once, not when a reminder fails. One
    value per column is read (by its highest key), so the check costs the same at any size.
    """
    vault = vault_of(engine.dialect)
    failing = []
    with engine.connect() as connection:
        for secret in secret_columns():
            raw = _raw(secret)
            value = connection.execute(
                select(raw.c[secret.column]).where(raw.c[secret.column].is_not(None))
                .order_by(*(raw.c[key].desc() for key in secret.keys)).limit(1)
            ).scalar()
            if value is None:
                continue
            try:
                vault.decrypt(value)
            except DecryptError:
                failing.append(secret.name)
    return failing


def holds_secrets(engine: Engine) -> bool:
    """Whether any encrypted column holds a value; needs no key (tables or columns an older schema
    lacks are skipped), so it can tell whether making a new key would strand stored secrets."""
    with engine.connect() as connection:
        for secret in secret_columns():
            raw = _raw(secret)
            try:
                found = connection.execute(select(raw.c[secret.column]).where(raw.c[secret.column].is_not(None))
                                           .limit(1)).first()
            except SQLAlchemyError:  # not in this schema yet
                connection.rollback()
                continue
            if found is not None:
                return True
    return False


class RotationError(StorageError):
    """A stored secret that no configured key opens; nothing was rewritten."""


def rotate_secrets(engine: Engine) -> dict[str, int]:
    """Re-encrypt every stored secret with the newest key (MultiFernet.rotate), all in one transaction.

    Returns how many values each ``table.column`` held. Raises ``RotationError`` naming the column
    when a value cannot be decrypted with any key; then nothing changes.
    """
    vault = vault_of(engine.dialect)
    counts: dict[str, int] = {}
    try:
        with engine.begin() as connection:
            for secret in secret_columns():
                counts[secret.name] = _rotate_column(connection, secret, vault.fernet.rotate)
    except SQLAlchemyError as error:
        raise StorageError(f"The database could not be read or written: {type(error).__name__}.") from None
    return counts


def _rotate_column(connection: Connection, secret: SecretColumn, rotate: Callable[[bytes], bytes]) -> int:
    raw = _raw(secret)
    rows = connection.execute(select(*(raw.c[key] for key in secret.keys), raw.c[secret.column])
                              .where(raw.c[secret.column].is_not(None))).all()
    for row in rows:
        *keys, ciphertext = row
        try:
            fresh = rotate(ciphertext.encode()).decode()
        except InvalidToken:
            raise RotationError(
                f"A secret in {secret.name} cannot be decrypted with any key in MEETBOT_SECRET_KEYS, so nothing "
                "was re-encrypted: add the key it was written with (after the new one) and run this again."
            ) from None
        where = and_(*(raw.c[key] == value for key, value in zip(secret.keys, keys, strict=True)))
        connection.execute(update(raw).where(where).values({secret.column: fresh}))
    return len(rows)
