"""Workspaces (installations, bot tokens, default reminders) and the one-time OAuth states.

    workspace = storage.workspaces.ensure("T1")
    state = storage.oauth_states.issue()
"""

from __future__ import annotations

import secrets
from concurrent.futures import Executor
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, select

from db import models
from db.records import Workspace
from db.repos.base import Grouped, RepositoryBase, chunks, dialect_of, off_loop
from db.repos.purge import purge_team


class Workspaces(RepositoryBase):
    """The Slack workspaces the app serves, one row each."""

    def __init__(self, engine: Engine, executor: Executor) -> None:
        super().__init__(engine, executor)
        self._ensured = Grouped(executor, self.ensure_many)

    @off_loop
    def get(self, team_id: str) -> Workspace | None:
        with self.session() as session:
            row = session.get(models.Workspace, team_id)
            return Workspace.from_row(row) if row else None

    async def ensure(self, team_id: str, *, team_name: str | None = None) -> Workspace:
        """The workspace, created on first sight (single-workspace and console modes); read with the
        others asked for at the same moment, each row once (a burst of /meeting new asks 50 times)."""
        return await self._ensured.submit((team_id, team_name))

    def ensure_many(self, asks: list[tuple[str, str | None]]) -> list[Workspace]:
        """``ensure`` for each (team_id, team_name), in one transaction: the rows asked for in one read,
        the missing ones inserted (one another replica inserts meanwhile is kept) and read."""
        wanted = sorted({team_id for team_id, _ in asks})
        with self.session() as session:
            found = self._rows(session, wanted)
            missing = {team_id: team_name for team_id, team_name in reversed(asks) if team_id not in found}
            if missing:  # reversed: the first ask's name wins
                session.execute(dialect_of(session).insert(models.Workspace).on_conflict_do_nothing(
                    index_elements=["team_id"]), [{"team_id": team_id, "team_name": team_name}
                                                  for team_id, team_name in sorted(missing.items())])
                session.commit()
                found.update(self._rows(session, sorted(missing)))
            return [found[team_id] for team_id, _ in asks]

    @staticmethod
    def _rows(session: Session, team_ids: list[str]) -> dict[str, Workspace]:
        found: dict[str, Workspace] = {}
        for chunk in chunks(team_ids, 500):
            for row in session.scalars(select(models.Workspace).where(col(models.Workspace.team_id).in_(chunk))):
                found[row.team_id] = Workspace.from_row(row)
        return found

    @off_loop
    def save_installation(
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
        bot_refresh_token: str | None = None,
        bot_token_expires_at: datetime | None = None,
        is_enterprise_install: bool = False,
    ) -> None:
        """Keep an installation (``team_id`` is the enterprise id for an org-wide one); a rotated
        token is saved the same way, with its new refresh token and expiry."""
        with self.session() as session:
            row = session.get(models.Workspace, team_id) or models.Workspace(team_id=team_id)
            row.bot_token = bot_token
            row.bot_id = bot_id
            row.bot_user_id = bot_user_id
            row.bot_scopes = bot_scopes
            row.team_name = team_name or row.team_name
            row.enterprise_id = enterprise_id
            row.installer_user_id = installer_user_id
            row.installed_at = models.utcnow()
            row.bot_refresh_token = bot_refresh_token
            row.bot_token_expires_at = bot_token_expires_at
            row.is_enterprise_install = is_enterprise_install
            session.add(row)
            session.commit()

    @off_loop
    def forget_bot_token(self, team_id: str) -> None:
        """``tokens_revoked``: the bot token (and its refresh token) are useless now; keep everything else."""
        with self.session() as session:
            session.execute(
                update(models.Workspace).where(col(models.Workspace.team_id) == team_id)
                .values(bot_token=None, bot_refresh_token=None, bot_token_expires_at=None)
            )
            session.commit()

    @off_loop
    def link_enterprise(self, team_id: str, enterprise_id: str) -> None:
        """Note that ``team_id`` belongs to the Grid organisation ``enterprise_id`` (served by its
        org-wide installation), so work outside a request finds the organisation's token."""
        with self.session() as session:
            row = session.get(models.Workspace, team_id)
            if row is not None and row.enterprise_id == enterprise_id:
                return
            row = row or models.Workspace(team_id=team_id)
            row.enterprise_id = enterprise_id
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # another replica made the row meanwhile: it links it too
                session.rollback()

    @off_loop
    def of_enterprise(self, enterprise_id: str) -> list[str]:
        """The workspaces known to belong to ``enterprise_id`` (not the organisation's own row)."""
        with self.session() as session:
            return list(session.scalars(
                select(models.Workspace.team_id).where(col(models.Workspace.enterprise_id) == enterprise_id,
                                                       col(models.Workspace.team_id) != enterprise_id)
            ))

    @off_loop
    def forget(self, team_id: str) -> dict[str, int]:
        """``app_uninstalled`` and ``meetbot purge``: delete everything the workspace left with us
        (tokens, provider credentials, meetings, reminders, every other team table) in one
        transaction; how many rows each table lost."""
        with self.session() as session:
            counts = purge_team(session, team_id)
            session.commit()
        return counts

    @off_loop
    def set_default_reminders(self, team_id: str, offsets: str) -> None:
        with self.session() as session:
            row = session.get(models.Workspace, team_id) or models.Workspace(team_id=team_id)
            row.default_reminders = offsets
            session.add(row)
            session.commit()


class OAuthStates(RepositoryBase):
    """One-time OAuth ``state`` values (before the install there is no team yet)."""

    @off_loop
    def issue(self, ttl: timedelta = timedelta(minutes=10)) -> str:
        state = secrets.token_urlsafe(24)
        with self.session() as session:
            session.add(models.OAuthState(state=state, expires_at=models.utcnow() + ttl))
            session.commit()
        return state

    @off_loop
    def consume(self, state: str) -> bool:
        """True once for a live state; used and expired states are gone."""
        with self.session() as session:
            result = session.execute(
                delete(models.OAuthState)
                .where(col(models.OAuthState.state) == state, col(models.OAuthState.expires_at) > models.utcnow())
            )
            session.execute(delete(models.OAuthState).where(col(models.OAuthState.state) == state))
            session.commit()
            # A delete is atomic: of two replicas racing on one state, only one sees a row gone.
            return bool(result.rowcount)  # type: ignore[attr-defined]
