"""Turn settings into a running core: the vault, the database, the repository, the services.

    runtime = build_runtime(Settings(), purpose="console", directory=ConsoleDirectory(...))
    runtime.notices      # lines to show the operator (e.g. "generated a development key in ...")
    await runtime.registry.dispatch("/meeting", "help", ctx, runtime.services)   # the command core

Startup problems raise ``StartupError`` with one sentence; the CLI prints it and exits with 2.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.settings import Settings
from commands import forms, home, router
from commands.context import Context, Directory, NobodyDirectory, Services
from commands.replies import Home, Reply
from db.crypto import SecretKeyError, Vault, load_or_create_key_file
from db.engine import DatabaseUnavailable, create_schema, make_engine
from db.repo import Repository

Purpose = Literal["console", "serve"]

log = logging.getLogger(__name__)

SORRY = "Something went wrong on our side and nothing was changed. Please try again in a minute."


class StartupError(RuntimeError):
    """meetbot cannot start as configured; the message says what to set or fix."""


class LegacyRegistry:
    """The seam's registry (see seam.md) over today's module-level tables, until commands/framework replaces it.

    registry = LegacyRegistry(); reply = await registry.dispatch("/meeting", "help", ctx, services)

Kept here, in the composition root, so bot/ reaches the core through ``runtime.registry`` only.
"""

    def commands(self) -> list[str]:
        """Every slash command answered (the manifest must declare exactly these)."""
        return router.commands()

    async def dispatch(self, command: str, text: str, ctx: Context, services: Services) -> Reply:
        """Run one slash command; never raises."""
        return await router.dispatch(command, text, ctx, services)

    def form(self, callback_id: str) -> forms.Form | None:
        """The handler of the modal whose ``callback_id`` this is."""
        return forms.find_form(callback_id)

    def action(self, action_id: str) -> forms.ActionHandler | None:
        """The handler of the button whose ``action_id`` this is."""
        return forms.find_action(action_id)

    async def guard(self, pending: Awaitable[Reply]) -> Reply:
        """A form submit's or a button's Reply; errors become their sentence, nothing escapes as a trace."""
        try:
            return await pending
        except router.UserError as error:
            return Reply.ephemeral(str(error))
        except Exception as error:
            # Provider errors carry their sentence in ``user_message``; matching on it keeps
            # providers/ out of bot/ until the commands framework owns this mapping.
            sentence = getattr(error, "user_message", None)
            if isinstance(sentence, str):
                return Reply.ephemeral(sentence)
            log.exception("interaction failed")
            return Reply.ephemeral(SORRY)

    async def home(self, ctx: Context, services: Services) -> Home:
        """The App Home tab of ``ctx.user_id``."""
        return await home.build_home(ctx, services)


def command_registry() -> LegacyRegistry:
    """The one registry of every command group: ``command_registry().commands()``."""
    return LegacyRegistry()


@dataclass
class Runtime:
    settings: Settings
    repo: Repository
    services: Services
    notices: list[str] = field(default_factory=list)
    registry: LegacyRegistry = field(default_factory=command_registry)


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
    return Runtime(settings=settings, repo=repo, services=services, notices=[notice] if notice else [])
