"""Default providers per user and per channel.

    storage.preferences.set_default_provider("T1", scope="user", scope_id="U1", provider="whereby")
    storage.preferences.default_provider("T1", user_id="U1", channel_id="C1")   # "whereby"
    storage.preferences.defaults("T1", user_id="U1", channel_id="C1")   # [("user", "whereby"), ("channel", "kmeet")]
    storage.preferences.clear_default_provider("T1", scope="channel", scope_id="C1")   # "kmeet" (what was cleared)
    storage.preferences.count_naming("T1", "whereby")   # 1: defaults that name Whereby
"""

from __future__ import annotations

from typing import Literal

from sqlmodel import func, select

from db import models
from db.repos.base import RepositoryBase, off_loop

Scope = Literal["user", "channel"]


class Preferences(RepositoryBase):
    """A default provider for a user or a channel."""

    @off_loop
    def set_default_provider(self, team_id: str, *, scope: Scope, scope_id: str, provider: str) -> None:
        with self.session() as session:
            row = session.get(models.Preference, (team_id, scope, scope_id)) or models.Preference(
                team_id=team_id, scope=scope, scope_id=scope_id, provider=provider
            )
            row.provider = provider
            session.add(row)
            session.commit()

    @off_loop
    def clear_default_provider(self, team_id: str, *, scope: Scope, scope_id: str) -> str | None:
        """Remove that default; returns the provider it named (None: there was none)."""
        with self.session() as session:
            row = session.get(models.Preference, (team_id, scope, scope_id))
            if row is None:
                return None
            provider = row.provider
            session.delete(row)
            session.commit()
            return provider

    @off_loop
    def defaults(self, team_id: str, *, user_id: str, channel_id: str | None) -> list[tuple[Scope, str]]:
        """The user's default, then the channel's: those that are set, in that order."""
        found: list[tuple[Scope, str]] = []
        with self.session() as session:
            for scope, scope_id in (("user", user_id), ("channel", channel_id)):
                row = session.get(models.Preference, (team_id, scope, scope_id)) if scope_id else None
                if row is not None:
                    found.append((scope, row.provider))  # type: ignore[arg-type]
        return found

    @off_loop
    def count_naming(self, team_id: str, provider: str) -> int:
        """How many defaults (people's and channels') in the team name ``provider``."""
        with self.session() as session:
            query = select(func.count()).select_from(models.Preference).where(
                models.Preference.team_id == team_id, models.Preference.provider == provider)
            return int(session.execute(query).scalar_one())

    @off_loop
    def default_provider(self, team_id: str, *, user_id: str, channel_id: str | None) -> str | None:
        """The user's default, else the channel's, else None."""
        with self.session() as session:
            for scope, scope_id in (("user", user_id), ("channel", channel_id)):
                if scope_id:
                    row = session.get(models.Preference, (team_id, scope, scope_id))
                    if row is not None:
                        return row.provider
        return None
