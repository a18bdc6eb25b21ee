"""The storage service the composition root hands to the core: one async engine, one of each repository.

    storage = Storage.open(settings.database_url, vault=vault)     # sqlite:/// or postgresql:// as documented
    meeting = await storage.meetings.get("T1", "k7m2qx")
    await storage.close()
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.crypto import Vault
from db.engine import make_async_engine
from db.repos.accounts import Accounts
from db.repos.base import session_factory
from db.repos.meetings import Meetings
from db.repos.preferences import Preferences
from db.repos.reminders import Reminders
from db.repos.workspaces import OAuthStates, Workspaces


@dataclass(frozen=True)
class Storage:
    """Every repository over one async engine (aiosqlite on SQLite, psycopg 3 on PostgreSQL)."""

    engine: AsyncEngine
    workspaces: Workspaces
    oauth_states: OAuthStates
    accounts: Accounts
    preferences: Preferences
    meetings: Meetings
    reminders: Reminders

    @classmethod
    def open(cls, url: str, *, vault: Vault) -> Storage:
        """From ``DATABASE_URL`` as operators write it; ``DatabaseUnavailable`` when it is no URL."""
        return cls.on(make_async_engine(url, vault=vault))

    @classmethod
    def on(cls, engine: AsyncEngine) -> Storage:
        sessions = session_factory(engine)
        return cls(engine=engine, workspaces=Workspaces(sessions), oauth_states=OAuthStates(sessions),
                   accounts=Accounts(sessions), preferences=Preferences(sessions), meetings=Meetings(sessions),
                   reminders=Reminders(sessions))

    async def reachable(self) -> bool:
        """For /healthz: whether one ``SELECT 1`` gets through."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()
