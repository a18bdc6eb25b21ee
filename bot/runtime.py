"""Turn settings into a running core: the vault, the database, the repository, the services.

    runtime = build_runtime(Settings(), purpose="console", directory=ConsoleDirectory(...))
    runtime.notices      # lines to show the operator (e.g. "generated a development key in ...")
    await runtime.registry.dispatch("/meeting", "help", ctx, runtime.services)   # the command core

Startup problems raise ``StartupError`` with one sentence; the CLI prints it and exits with 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.settings import Settings
from commands import meeting
from commands.framework.context import Directory, NobodyDirectory, Services
from commands.framework.router import Group, Registry, build_registry
from db.crypto import SecretKeyError, Vault, load_or_create_key_file
from db.engine import DatabaseUnavailable, create_schema, make_engine
from db.repo import Repository

Purpose = Literal["console", "serve"]


class StartupError(RuntimeError):
    """meetbot cannot start as configured; the message says what to set or fix."""


@dataclass
class Runtime:
    settings: Settings
    repo: Repository
    services: Services
    registry: Registry
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
        key, created = load_or_create_key_file(path)
        vault = Vault.from_keys([key])
    except SecretKeyError as error:
        raise StartupError(str(error)) from None
    verb = "Generated" if created else "Using"
    return vault, (
        f"{verb} a development encryption key in {path} (readable only by you). "
        "Set MEETBOT_SECRET_KEYS for production."
    )


def command_groups() -> list[Group]:
    """Every command group the app answers, listed here and nowhere else (manifest.yml declares them)."""
    return [meeting.GROUP]


def command_registry() -> Registry:
    """The one registry of every command group: ``command_registry().commands()``."""
    return build_registry(command_groups())


def build_runtime(settings: Settings, *, purpose: Purpose, directory: Directory | None = None) -> Runtime:
    """Vault, schema and services from settings; ``StartupError`` on any configuration problem."""
    vault, notice = load_vault(settings, purpose=purpose)
    try:
        engine = make_engine(settings.database_url, vault=vault)
        create_schema(engine)
    except DatabaseUnavailable as error:
        raise StartupError(str(error)) from None
    repo = Repository(engine)
    services = Services(repo=repo, directory=directory or NobodyDirectory(), endpoints=settings.endpoints(), admins=settings.admin_ids())
    registry = command_registry()
    return Runtime(settings=settings, repo=repo, services=services, registry=registry,
                   notices=[notice] if notice else [])
