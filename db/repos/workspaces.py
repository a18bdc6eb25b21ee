"""Workspaces (installations, bot tokens, default reminders) and the one-time OAuth states.

    workspace = await storage.workspaces.ensure("T1")
    state = await storage.oauth_states.issue()
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from db import models
from db.records import Workspace
from db.repos.base import RepositoryBase


class Workspaces(RepositoryBase):
    """The Slack workspaces the app serves, one row each."""

    async def get(self, team_id: str) -> Workspace | None:
        async with self.session() as session:
            row = await session.get(models.Workspace, team_id)
            return Workspace.from_row(row) if row else None

    async def ensure(self, team_id: str, *, team_name: str | None = None) -> Workspace:
        """The workspace, created on first sight (single-workspace and console modes)."""
        async with self.session() as session:
            row = await session.get(models.Workspace, team_id)
            if row is not None:
                return Workspace.from_row(row)
            row = models.Workspace(team_id=team_id, team_name=team_name)
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:  # another replica created it between our read and write
                await session.rollback()
                row = await session.get(models.Workspace, team_id)
                assert row is not None
            return Workspace.from_row(row)

    async def save_installation(
        self,
        team_id: str,
        *,
        bot_token: str,
        bot_id: str | None,
        bot_user_id: str | None,
        bot_scopes: str,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        installer_user_id: str | None = None,
    ) -> None:
        async with self.session() as session:
            row = await session.get(models.Workspace, team_id) or models.Workspace(team_id=team_id)
            row.bot_token = bot_token
            row.bot_id = bot_id
            row.bot_user_id = bot_user_id
            row.bot_scopes = bot_scopes
            row.team_name = team_name or row.team_name
            row.enterprise_id = enterprise_id
            row.installer_user_id = installer_user_id
            row.installed_at = models.utcnow()
            session.add(row)
            await session.commit()

    async def forget_bot_token(self, team_id: str) -> None:
        """``tokens_revoked``: the bot token is useless now; keep everything else."""
        async with self.session() as session:
            await session.execute(
                update(models.Workspace).where(col(models.Workspace.team_id) == team_id).values(bot_token=None)
            )
            await session.commit()

    async def forget(self, team_id: str) -> None:
        """``app_uninstalled``: drop the bot token and every provider credential; stop pending reminders."""
        async with self.session() as session:
            await session.execute(delete(models.ProviderAccount).where(col(models.ProviderAccount.team_id) == team_id))
            await session.execute(
                update(models.Workspace).where(col(models.Workspace.team_id) == team_id).values(bot_token=None)
            )
            await session.execute(
                update(models.Reminder)
                .where(col(models.Reminder.team_id) == team_id, col(models.Reminder.status) == "pending")
                .values(status="cancelled")
            )
            await session.commit()

    async def set_default_reminders(self, team_id: str, offsets: str) -> None:
        async with self.session() as session:
            row = await session.get(models.Workspace, team_id) or models.Workspace(team_id=team_id)
            row.default_reminders = offsets
            session.add(row)
            await session.commit()


class OAuthStates(RepositoryBase):
    """One-time OAuth ``state`` values (before the install there is no team yet)."""

    async def issue(self, ttl: timedelta = timedelta(minutes=10)) -> str:
        state = secrets.token_urlsafe(24)
        async with self.session() as session:
            session.add(models.OAuthState(state=state, expires_at=models.utcnow() + ttl))
            await session.commit()
        return state

    async def consume(self, state: str) -> bool:
        """True once for a live state; used and expired states are gone."""
        async with self.session() as session:
            result = await session.execute(
                delete(models.OAuthState)
                .where(col(models.OAuthState.state) == state, col(models.OAuthState.expires_at) > models.utcnow())
            )
            await session.execute(delete(models.OAuthState).where(col(models.OAuthState.state) == state))
            await session.commit()
            # A delete is atomic: of two replicas racing on one state, only one sees a row gone.
            return bool(result.rowcount)  # type: ignore[attr-defined]
