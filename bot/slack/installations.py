"""Slack OAuth in our database: installations (tokens encrypted by the column type) and ``state`` values.

    oauth = AsyncOAuthSettings(..., installation_store=DbInstallationStore(storage), state_store=DbStateStore(storage))
    store = DbInstallationStore(storage, rotator=AsyncTokenRotator(client_id=..., client_secret=..., client=...))
    tokens = BotTokens(store)
    token = await tokens("T1")          # outside any request: the team's bot token, rotated when due
    await uninstalled(storage, enterprise_id="E1", team_id=None, is_enterprise_install=True)

Token rotation (the app's ``token_rotation_enabled``): Slack then hands out access tokens that
expire after 12 hours and a refresh token. The store keeps both (encrypted) and the expiry; Bolt
rotates before a request when the refresh token is there, and ``BotTokens`` does the same for work
outside requests (the reminder tick). Without rotation Slack sends no refresh token and nothing
changes.

Org-wide installs (Enterprise Grid, ``org_deploy_enabled``): one installation serves every
workspace of the organisation. Its row is keyed by the enterprise id (``is_enterprise_install``);
each workspace that talks to us is linked to it (its row's ``enterprise_id``), so its own data
stays under its own team id and a worker finds the organisation's token from the team.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from commands.lifecycle import GRACE
from db import models
from db.records import Workspace
from db.storage import Storage

log = logging.getLogger(__name__)

ROTATE_MINUTES_BEFORE = 120  # Bolt's default: rotate when the token has less than this left


def installation_key(*, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    """The row an installation lives in: the enterprise id for an org-wide install, else the team id."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id


def expires_at(value: int | float | datetime | str | None) -> datetime | None:
    """slack_sdk's expiry (epoch seconds, mostly) as an aware datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), UTC)


def as_installation(row: Workspace, user_id: str | None) -> Installation:
    """slack_sdk's Installation of a stored row (an org-wide one has no team id)."""
    expiry = row.bot_token_expires_at
    return Installation(
        user_id=user_id or row.installer_user_id or "",
        team_id=None if row.is_enterprise_install else row.team_id,
        team_name=None if row.is_enterprise_install else row.team_name,
        enterprise_id=row.enterprise_id,
        enterprise_name=row.team_name if row.is_enterprise_install else None,
        is_enterprise_install=row.is_enterprise_install,
        bot_token=row.bot_token,
        bot_id=row.bot_id or "",
        bot_user_id=row.bot_user_id or "",
        bot_scopes=row.bot_scopes,
        bot_refresh_token=row.bot_refresh_token,
        bot_token_expires_at=int(expiry.timestamp()) if expiry else None,
        installed_at=row.installed_at.timestamp() if row.installed_at else time.time(),
    )


class DbInstallationStore(AsyncInstallationStore):
    """Installations in our database; tokens are encrypted by the column type. With a ``rotator``,
    an installation whose token expires within ``ROTATE_MINUTES_BEFORE`` minutes is rotated before
    it is returned, one rotation at a time per installation: Slack revokes a refresh token once it
    is used, so two requests rotating at once would leave one of them with a dead token."""

    def __init__(self, storage: Storage, *, rotator: AsyncTokenRotator | None = None) -> None:
        self.storage = storage
        self.rotator = rotator
        self._rotating: dict[str, asyncio.Lock] = {}

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        key = installation_key(enterprise_id=installation.enterprise_id, team_id=installation.team_id,
                               is_enterprise_install=installation.is_enterprise_install)
        if not key or not installation.bot_token:
            raise ValueError("meetbot installs into a workspace or an organisation with a bot token")
        await self.storage.workspaces.save_installation(
            key,
            bot_token=installation.bot_token,
            bot_id=installation.bot_id,
            bot_user_id=installation.bot_user_id,
            bot_scopes=",".join(installation.bot_scopes or []),
            team_name=installation.enterprise_name if installation.is_enterprise_install else installation.team_name,
            enterprise_id=installation.enterprise_id,
            installer_user_id=installation.user_id,
            bot_refresh_token=installation.bot_refresh_token,
            bot_token_expires_at=expires_at(installation.bot_token_expires_at),
            is_enterprise_install=bool(installation.is_enterprise_install),
        )
        # A reinstall brings a working token: messages its old, revoked token stopped go out again.
        since = models.utcnow() - GRACE
        for team in dict.fromkeys(t for t in (key, installation.team_id) if t):
            await self.storage.outbox.resume_workspace(team, since=since)

    async def serving(self, *, enterprise_id: str | None, team_id: str | None,
                      is_enterprise_install: bool | None) -> Workspace | None:
        """The row whose bot token serves this team: its own, or its organisation's org-wide install
        (the team is then linked to the organisation)."""
        workspaces = self.storage.workspaces
        if is_enterprise_install and enterprise_id:
            org = await workspaces.get(enterprise_id)
            if org is not None and team_id and team_id != enterprise_id:
                await workspaces.link_enterprise(team_id, enterprise_id)
            return org if org is not None and org.bot_token else None
        own = await workspaces.get(team_id) if team_id else None
        if own is not None and own.bot_token:
            return own
        enterprise_id = enterprise_id or (own.enterprise_id if own else None)
        org = await workspaces.get(enterprise_id) if enterprise_id else None
        if org is None or not org.is_enterprise_install or not org.bot_token:
            return None
        if team_id and (own is None or own.enterprise_id != enterprise_id):
            await workspaces.link_enterprise(team_id, org.team_id)
        return org

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        installation = await self.async_find_installation(enterprise_id=enterprise_id, team_id=team_id,
                                                          is_enterprise_install=is_enterprise_install)
        return installation.to_bot() if installation is not None else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        row = await self.serving(enterprise_id=enterprise_id, team_id=team_id,
                                 is_enterprise_install=is_enterprise_install)
        if row is None:
            return None
        if row.bot_refresh_token and self.rotator is not None:
            return await self._rotated(row, user_id, self.rotator)
        return as_installation(row, user_id)

    async def _rotated(self, row: Workspace, user_id: str | None, rotator: AsyncTokenRotator) -> Installation | None:
        """The installation with a token good for ``ROTATE_MINUTES_BEFORE`` minutes more, or None when
        Slack refuses the refresh token (revoked: the workspace must reinstall)."""
        async with self._rotating.setdefault(row.team_id, asyncio.Lock()):
            current = await self.storage.workspaces.get(row.team_id) or row  # rotated meanwhile?
            installation = as_installation(current, user_id)
            try:
                refreshed = await rotator.perform_token_rotation(installation=installation,
                                                                 minutes_before_expiration=ROTATE_MINUTES_BEFORE)
            except SlackTokenRotationError as error:
                latest = await self.storage.workspaces.get(row.team_id)
                if latest is not None and latest.bot_token and latest.bot_token != current.bot_token:
                    return as_installation(latest, user_id)  # another replica rotated first
                log.warning("could not rotate the bot token of %s: %s", row.team_id,
                            error.api_error.response.get("error"))
                return None
            if refreshed is None:
                return installation
            await self.async_save(refreshed)
            return refreshed

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """``tokens_revoked``: the tokens go, the data stays (a reinstall picks it up again)."""
        org = await self.storage.workspaces.get(enterprise_id) if enterprise_id and not team_id else None
        key = enterprise_id if org is not None and org.is_enterprise_install else team_id
        if key:
            await self.storage.workspaces.forget_bot_token(key)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:
            await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await uninstalled(self.storage, enterprise_id=enterprise_id, team_id=team_id,
                          is_enterprise_install=bool(enterprise_id and not team_id))


async def uninstalled(storage: Storage, *, enterprise_id: str | None, team_id: str | None,
                      is_enterprise_install: bool | None) -> dict[str, int]:
    """``app_uninstalled``: delete the workspace's data, or for an org-wide install the organisation's
    installation and the data of every workspace of it that used us; the rows deleted per table."""
    org = await storage.workspaces.get(enterprise_id) if enterprise_id else None
    if org is not None and org.is_enterprise_install and (is_enterprise_install or not team_id or team_id == enterprise_id):
        assert enterprise_id is not None
        # The organisation's own row last: while it is there, an interrupted uninstall can be run again.
        teams = [*await storage.workspaces.of_enterprise(enterprise_id), enterprise_id]
    else:
        teams = [team_id] if team_id else []
    total: dict[str, int] = {}
    for team in teams:
        for table, count in (await storage.workspaces.forget(team)).items():
            total[table] = total.get(table, 0) + count
    return total


class BotTokens:
    """``await tokens(team_id)``: the bot token serving a team outside any request (its own or its
    organisation's), rotated first when due (by the store, as for requests)."""

    def __init__(self, store: DbInstallationStore) -> None:
        self.store = store  # the one Bolt uses too: one rotation at a time across both

    async def __call__(self, team_id: str) -> str | None:
        installation = await self.store.async_find_installation(enterprise_id=None, team_id=team_id)
        return installation.bot_token if installation is not None else None


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
