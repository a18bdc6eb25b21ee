"""Access tokens issued per person, encrypted at rest, one per (team, meeting, user).

    token = await storage.tokens.get("T1", "k7m2qx", "U5")            # None: none issued yet
    token = await storage.tokens.keep("T1", "k7m2qx", "U5", "D9P7YW")  # the one stored first wins
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from db import models
from db.repos.base import RepositoryBase, off_loop


class IssuedTokens(RepositoryBase):
    """The token each person was given for a meeting."""

    @off_loop
    def get(self, team_id: str, meeting_id: str, user_id: str) -> str | None:
        with self.session() as session:
            row = session.get(models.IssuedToken, (meeting_id, user_id, team_id))
            return row.token if row is not None else None

    @off_loop
    def keep(self, team_id: str, meeting_id: str, user_id: str, token: str) -> str:
        """Store ``token`` unless one is stored already; returns the stored one (two requests at
        once: the first to commit wins, and both callers hand out that one)."""
        with self.session() as session:
            row = session.get(models.IssuedToken, (meeting_id, user_id, team_id))
            if row is not None:
                return row.token
            session.add(models.IssuedToken(meeting_id=meeting_id, user_id=user_id, team_id=team_id, token=token))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                row = session.get(models.IssuedToken, (meeting_id, user_id, team_id))
                assert row is not None
                return row.token
            return token
