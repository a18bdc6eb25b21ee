"""Turn settings into a running core: the vault, the database (at Alembic's head), the storage, the services.

    runtime = build_runtime(Settings(), purpose="console", directory=ConsoleDirectory(...))
    runtime.notices      # lines to show the operator (e.g. "generated a development key in ...")
    await runtime.registry.dispatch("/meeting", "help", ctx, runtime.services)   # the command core

Startup problems raise ``StartupError`` with one sentence; the CLI prints it and exits with 2.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.settings import Settings
from commands import airmeet, meeting
from commands.airmeet.bulk import KINDS as AIRMEET_KINDS
from commands.framework.context import Directory, NobodyDirectory, Services
from commands.framework.router import Group, Registry, build_registry
from commands.imports import Kind
from db import schema
from db.crypto import SecretKeyError, Vault, load_or_create_key_file
from db.errors import StorageError, translated
from db.repos.purge import purge_team as purge_rows
from db.keys import holds_secrets, rotate_secrets
from db.engine import DatabaseUnavailable, make_async_engine, make_engine, sync_url
from db.storage import Storage
from providers.clients import ClientPool

Purpose = Literal["console", "serve"]


class StartupError(RuntimeError):
    """meetbot cannot start as configured; the message says what to set or fix."""


@dataclass
class Runtime:
    settings: Settings
    services: Services
    registry: Registry
    storage: Storage
    notices: list[str] = field(default_factory=list)


def load_vault(settings: Settings, *, purpose: Purpose) -> tuple[Vault, str | None]:
    """The configured keys; in development a key file (mode 0600) is made and reported instead."""
    try:
        if settings.meetbot_secret_keys is not None and settings.meetbot_secret_keys.get_secret_value().strip():
            return Vault.from_setting(settings.meetbot_secret_keys.get_secret_value()), None
        if purpose == "serve" and not settings.uses_sqlite():
            raise StartupError(
                "MEETBOT_SECRET_KEYS must be set to serve with a non-SQLite database (provider keys and Slack "
                "tokens are encrypted with it). Make one with: "
                'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            )
        path = Path(settings.meetbot_key_file)
        if not path.exists() and (existing := sqlite_file_in_use(settings.database_url)) is not None:
            raise StartupError(
                f"The database {existing} holds encrypted secrets but no key was found (MEETBOT_SECRET_KEYS is unset and "
                f"{path} does not exist); a new key could not read its secrets, so set MEETBOT_SECRET_KEYS to the "
                f"key it was written with or put that key file back."
            )
        key, created = load_or_create_key_file(path)
        vault = Vault.from_keys([key])
    except SecretKeyError as error:
        raise StartupError(str(error)) from None
    verb = "Generated" if created else "Using"
    return vault, (
        f"{verb} a development encryption key in {path} (readable only by you). "
        "Set MEETBOT_SECRET_KEYS for production."
    )


def sqlite_file_in_use(url: str) -> Path | None:
    """The SQLite file ``url`` names when it exists and holds encrypted secrets, else None."""
    try:
        parsed = make_url(sync_url(url))
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    engine = make_engine(url, vault=None)
    try:
        return path if holds_secrets(engine) else None
    except SQLAlchemyError:  # not a database we can read: the engine's own check will say so
        return None
    finally:
        engine.dispose()


def command_groups() -> list[Group]:
    """Every command group the app answers, listed here and nowhere else (manifest.yml declares them)."""
    return [meeting.GROUP, airmeet.GROUP]


def import_kinds() -> dict[str, Kind]:
    """Every kind of bulk import the import worker may run, by the name its jobs store."""
    return dict(AIRMEET_KINDS)


def command_registry() -> Registry:
    """The one registry of every command group: ``command_registry().commands()``."""
    return build_registry(command_groups())


def build_runtime(settings: Settings, *, purpose: Purpose, directory: Directory | None = None) -> Runtime:
    """Vault, schema and services from settings; ``StartupError`` on any configuration problem."""
    vault, notice = load_vault(settings, purpose=purpose)
    notices = [notice] if notice else []
    try:
        engine = make_engine(settings.database_url, vault=vault)
        notices += ready_schema(engine, purpose=purpose, sqlite=settings.uses_sqlite())
        storage = Storage.on(engine)
    except DatabaseUnavailable as error:
        raise StartupError(str(error)) from None
    services = Services(storage=storage, directory=directory or NobodyDirectory(), endpoints=settings.endpoints(),
                        admins=settings.admin_ids(), create_limit=settings.meetbot_create_limit,
                        clients=ClientPool() if purpose == "serve" else None)
    registry = command_registry()
    return Runtime(settings=settings, services=services, registry=registry, storage=storage, notices=notices)


def ready_schema(engine: Engine, *, purpose: Purpose, sqlite: bool) -> list[str]:
    """Check the schema is at head; notices to show, or StartupError saying to run `meetbot migrate`.

    On SQLite the console upgrades the file itself, and a brand-new empty file gets its tables
    whatever the purpose (so `make run` works on first start, as before Alembic). Serving an old
    schema, or any PostgreSQL database not at head, is refused: replicas must not race to migrate.
    """
    state = refuse_newer(schema.check(engine))
    if not state.behind:
        return []
    if not (sqlite and (purpose == "console" or state.empty)):
        raise StartupError(f"The database schema is behind this meetbot (at {state.current or 'none'}, needs "
                           f"{state.head}): run `meetbot migrate` before `meetbot {purpose}`.")
    schema.upgrade(engine)
    if state.empty:
        return [f"Created the tables of the new SQLite database (schema {state.head})."]
    return [f"Upgraded the SQLite database from schema {state.current or 'none'} to {state.head} "
            "(what `meetbot migrate` does)."]


def refuse_newer(state: schema.SchemaState) -> schema.SchemaState:
    """``state`` itself, or StartupError when a newer meetbot has migrated the database past us."""
    if state.ahead:
        raise StartupError(f"The database schema ({state.current}) is newer than this meetbot ({state.head}); "
                           "upgrade meetbot.")
    return state


def migrate(settings: Settings) -> str:
    """``meetbot migrate``: upgrade DATABASE_URL to head; one sentence, or StartupError with one."""
    try:
        return asyncio.run(_migrate(settings.database_url))
    except DatabaseUnavailable as error:
        raise StartupError(str(error)) from None


async def _migrate(url: str) -> str:
    engine = make_async_engine(url, vault=None)  # no migration reads an Encrypted column: no key needed
    try:
        state = await schema.upgrade_async(engine)
    finally:
        await engine.dispose()
    refuse_newer(state)
    if state.was == state.head:
        return f"The database is already at schema {state.head}; nothing to do."
    return f"Upgraded the database from schema {state.was or 'none'} to {state.head}."


def rotate_keys(settings: Settings) -> str:
    """``meetbot rotate-keys``: every stored secret re-encrypted with the newest key; one sentence with counts."""
    value = settings.meetbot_secret_keys.get_secret_value().strip() if settings.meetbot_secret_keys else ""
    if not value:
        raise StartupError("rotate-keys needs MEETBOT_SECRET_KEYS: the new key first, then the old ones after it.")
    try:
        engine = make_engine(settings.database_url, vault=Vault.from_setting(value))
        counts = rotate_secrets(engine)
    except (SecretKeyError, StorageError) as error:
        raise StartupError(str(error)) from None
    total = sum(counts.values())
    detail = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
    return (f"Re-encrypted {total} secret{'s' if total != 1 else ''} with the newest key"
            f"{': ' + detail if detail else ''}. The older keys can now be removed from MEETBOT_SECRET_KEYS.")


def purge_team(settings: Settings, team_id: str) -> str:
    """``meetbot purge --team T…``: what uninstalling does, by hand; one sentence with counts."""
    try:
        engine = make_engine(settings.database_url, vault=None)  # deleting reads no secret
        refuse_newer(schema.check(engine))
        with translated(), Session(engine) as session:
            counts = purge_rows(session, team_id)
            session.commit()
    except StorageError as error:
        raise StartupError(str(error)) from None
    total = sum(counts.values())
    if not total:
        return f"meetbot holds nothing for {team_id}; nothing was deleted."
    detail = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
    return f"Deleted everything meetbot held for {team_id}: {total} rows ({detail})."
