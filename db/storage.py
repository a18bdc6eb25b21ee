"""The storage service the composition root hands to the core: one engine, one of each repository.

    storage = Storage.open(settings.database_url, vault=vault)     # sqlite:/// or postgresql:// as documented
    meeting = await storage.meetings.get("T1", "k7m2qx")           # never blocks the event loop
    await storage.close()

Every repository method is a coroutine that runs its (short, sync) transaction in the storage's
own thread pool; db/repos/base.py says why that and not the async engine (measured).
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from db.crypto import Vault
from db.engine import make_engine
from db.keys import unreadable
from db.repos.accounts import Accounts
from db.repos.airmeet import AirmeetStore
from db.repos.imports import Imports
from db.repos.handled import HandledRequests
from db.repos.meetings import Meetings
from db.repos.outbox import Outbox
from db.repos.preferences import Preferences
from db.repos.reminders import Reminders
from db.repos.tokens import IssuedTokens
from db.repos.workspaces import OAuthStates, Workspaces

# As many threads as asyncio's default pool; fewer than the engine's 5 + 10 connections, so a
# thread never waits for a connection. More threads only fight over the GIL (the loop's too).
THREADS = min(32, (os.cpu_count() or 1) + 4)


@dataclass(frozen=True)
class Storage:
    """Every repository over one engine and one thread pool."""

    engine: Engine
    executor: ThreadPoolExecutor
    workspaces: Workspaces
    oauth_states: OAuthStates
    accounts: Accounts
    preferences: Preferences
    meetings: Meetings
    reminders: Reminders
    tokens: IssuedTokens
    airmeet: AirmeetStore
    imports: Imports
    handled: HandledRequests
    outbox: Outbox

    @classmethod
    def open(cls, url: str, *, vault: Vault) -> Storage:
        """From ``DATABASE_URL`` as operators write it; ``DatabaseUnavailable`` when it is no URL."""
        return cls.on(make_engine(url, vault=vault))

    @classmethod
    def on(cls, engine: Engine, *, threads: int = THREADS) -> Storage:
        # SQLite: one thread for everything. It takes one writer at a time; writers in several threads
        # waited for each other in its busy handler's sleeps (claims took 20 ms instead of 2 in
        # benchmarks/ack_latency.py), and a request key claimed on a thread of its own waited likewise.
        sqlite = engine.dialect.name == "sqlite"
        pool = ThreadPoolExecutor(max_workers=1 if sqlite else threads, thread_name_prefix="meetbot-db")
        keys = pool if sqlite else ThreadPoolExecutor(max_workers=2, thread_name_prefix="meetbot-keys")
        return cls(engine=engine, executor=pool, workspaces=Workspaces(engine, pool),
                   oauth_states=OAuthStates(engine, pool), accounts=Accounts(engine, pool),
                   preferences=Preferences(engine, pool), meetings=Meetings(engine, pool),
                   reminders=Reminders(engine, pool), tokens=IssuedTokens(engine, pool),
                   airmeet=AirmeetStore(engine, pool), imports=Imports(engine, pool),
                   # Its own threads on PostgreSQL: a key claim must not queue behind the work of
                   # earlier requests (benchmarks/ack_latency.py).
                   handled=HandledRequests(engine, keys),
                   outbox=Outbox(engine, pool))

    async def reachable(self) -> bool:
        """For /healthz: whether one ``SELECT 1`` gets through."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._ping)

    def _ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    async def unreadable_secrets(self) -> list[str]:
        """For /readyz: the encrypted columns whose newest secret the configured keys cannot open
        (``db.keys.unreadable``); ``[]`` when the keys are right."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, unreadable, self.engine)

    async def close(self) -> None:
        """Let running calls finish, then close the connections."""
        await asyncio.get_running_loop().run_in_executor(None, self.executor.shutdown)
        await asyncio.get_running_loop().run_in_executor(None, self.handled.executor.shutdown)
        self.engine.dispose()
