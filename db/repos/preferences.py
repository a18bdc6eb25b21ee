"""Default providers per user and per channel.

    storage.preferences.set_default_provider("T1", scope="user", scope_id="U1", provider="whereby")
    storage.preferences.default_provider("T1", user_id="U1", channel_id="C1")   # "whereby"
"""

from __future__ import annotations

from typing import Literal

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
    def default_provider(self, team_id: str, *, user_id: str, channel_id: str | None) -> str | None:
        """The user's default, else the channel's, else None."""
        with self.session() as session:
            for scope, scope_id in (("user", user_id), ("channel", channel_id)):
                if scope_id:
                    row = session.get(models.Preference, (team_id, scope, scope_id))
                    if row is not None:
                        return row.provider
        return None
