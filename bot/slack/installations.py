"""Slack OAuth in our database: installations (bot tokens encrypted by the column type) and ``state`` values.

    oauth = AsyncOAuthSettings(..., installation_store=DbInstallationStore(storage), state_store=DbStateStore(storage))
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from db.storage import Storage

log = logging.getLogger(__name__)


class DbInstallationStore(AsyncInstallationStore):
    """Installations in our database; bot tokens are encrypted by the column type."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        if not installation.team_id or not installation.bot_token:
            raise ValueError("meetbot installs into one workspace with a bot token")
        await self.storage.workspaces.save_installation(
            installation.team_id,
            bot_token=installation.bot_token,
            bot_id=installation.bot_id,
            bot_user_id=installation.bot_user_id,
            bot_scopes=",".join(installation.bot_scopes or []),
            team_name=installation.team_name,
            enterprise_id=installation.enterprise_id,
            installer_user_id=installation.user_id,
        )

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        workspace = await self.storage.workspaces.get(team_id) if team_id else None
        if workspace is None or not workspace.bot_token:
            return None
        return Bot(
            app_id=None,
            enterprise_id=workspace.enterprise_id,
            team_id=workspace.team_id,
            team_name=workspace.team_name,
            bot_token=workspace.bot_token,
            bot_id=workspace.bot_id or "",
            bot_user_id=workspace.bot_user_id or "",
            bot_scopes=workspace.bot_scopes,
            installed_at=workspace.installed_at.timestamp() if workspace.installed_at else time.time(),
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            return None
        return Installation(
            user_id=user_id or "",
            team_id=bot.team_id,
            team_name=bot.team_name,
            enterprise_id=bot.enterprise_id,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            installed_at=bot.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            await self.storage.workspaces.forget_bot_token(team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if team_id and user_id is None:
            await self.storage.workspaces.forget(team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            await self.storage.workspaces.forget(team_id)


class DbStateStore(AsyncOAuthStateStore):
    """OAuth ``state`` values in the database, so any replica can finish an install."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await self.storage.oauth_states.issue()

    async def async_consume(self, state: str) -> bool:
        return await self.storage.oauth_states.consume(state)
