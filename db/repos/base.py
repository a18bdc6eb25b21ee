"""What every repository shares: its session factory, and SQLAlchemy errors turned into ``StorageError``.

    class Meetings(RepositoryBase):
        async def get(self, team_id: str, meeting_id: str) -> Meeting | None:
            async with self.session() as session:
                ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.errors import translated


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (records are built after it)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


class RepositoryBase:
    """A repository over one session factory; each method is one short transaction of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session; any SQLAlchemy error inside becomes ``StorageError`` (without parameters)."""
        with translated():
            async with self.sessions() as session:
                yield session
