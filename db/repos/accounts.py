"""Provider accounts of a workspace (credentials encrypted at rest) and their session-token caches.

    account = storage.accounts.save("T1", provider="whereby", credentials={"api_key": "..."})
    account = storage.accounts.get("T1", "whereby")          # the default account
    storage.accounts.save_token_cache("T1", account.id, {"value": "...", "expires_at": "..."})
"""

from __future__ import annotations

import json
from concurrent.futures import Executor
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from db import models
from db.records import Account
from db.repos.base import Grouped, RepositoryBase, off_loop

Row = models.ProviderAccount


def of_provider(team_id: str, provider: str) -> SelectOfScalar[Row]:
    return select(Row).where(Row.team_id == team_id, Row.provider == provider)


class Accounts(RepositoryBase):
    """Credentials per provider account; the first account of a provider is its default."""

    def __init__(self, engine: Engine, executor: Executor) -> None:
        super().__init__(engine, executor)
        self._reads = Grouped(executor, self.get_many)

    @off_loop
    def save(
        self,
        team_id: str,
        *,
        provider: str,
        credentials: dict[str, Any],
        name: str = "default",
        created_by: str | None = None,
    ) -> Account:
        """Create or replace an account; new keys void the cached session token."""
        with self.session() as session:
            row = session.scalars(of_provider(team_id, provider).where(Row.name == name)).first()
            has_default = session.scalars(of_provider(team_id, provider).where(col(Row.is_default).is_(True))).first()
            if row is None:
                row = Row(team_id=team_id, provider=provider, name=name, credentials="{}", is_default=has_default is None)
            row.credentials = json.dumps(credentials)
            row.token_cache = None
            row.created_by = created_by
            session.add(row)
            session.commit()
            return Account.from_row(row)

    @off_loop
    def all(self, team_id: str, provider: str | None = None) -> list[Account]:
        """The workspace's accounts (of one provider when given), by provider then name."""
        with self.session() as session:
            query = select(Row).where(Row.team_id == team_id)
            if provider:
                query = query.where(Row.provider == provider)
            rows = session.scalars(query.order_by(col(Row.provider), col(Row.name)))
            return [Account.from_row(row) for row in rows]

    async def get(self, team_id: str, provider: str, name: str | None = None) -> Account | None:
        """The named account, or the provider's default when ``name`` is None. Asked with others at the
        same moment (a burst of commands), it is read with them in one session, each account once."""
        return await self._reads.submit((team_id, provider, name))

    def get_many(self, asks: list[tuple[str, str, str | None]]) -> list[Account | None]:
        """``get`` for each (team_id, provider, name), in one session; one query per distinct ask."""
        with self.session() as session:
            rows = {ask: self._row(session, *ask) for ask in dict.fromkeys(asks)}
            # An Account per ask: callers never share one credentials dict.
            return [Account.from_row(row) if (row := rows[ask]) else None for ask in asks]

    @staticmethod
    def _row(session: Session, team_id: str, provider: str, name: str | None) -> Row | None:
        query = of_provider(team_id, provider)
        if name is None:
            query = query.order_by(col(Row.is_default).desc(), col(Row.id))
        else:
            query = query.where(Row.name == name)
        return session.scalars(query.limit(1)).first()

    @off_loop
    def set_default(self, team_id: str, provider: str, name: str) -> bool:
        """Make ``name`` the provider's default; False when there is no such account."""
        with self.session() as session:
            rows = list(session.scalars(of_provider(team_id, provider)))
            if not any(row.name == name for row in rows):
                return False
            for row in rows:
                row.is_default = row.name == name
                session.add(row)
            session.commit()
            return True

    @off_loop
    def delete(self, team_id: str, provider: str, name: str | None = None) -> list[str]:
        """Delete one account (all of the provider's when ``name`` is None); returns the names gone."""
        with self.session() as session:
            query = of_provider(team_id, provider)
            if name is not None:
                query = query.where(Row.name == name)
            gone = list(session.scalars(query))
            for row in gone:
                session.delete(row)
            session.flush()
            if any(row.is_default for row in gone):
                heir = session.scalars(of_provider(team_id, provider).order_by(col(Row.id))).first()
                if heir is not None:
                    heir.is_default = True
                    session.add(heir)
            session.commit()
            return [row.name for row in gone]

    @off_loop
    def save_token_cache(self, team_id: str, account_id: int, token_cache: dict[str, Any] | None) -> None:
        """Keep (encrypted) a provider session token every replica may reuse; None forgets it."""
        with self.session() as session:
            session.execute(
                update(Row)
                .where(col(Row.team_id) == team_id, col(Row.id) == account_id)
                .values(token_cache=None if token_cache is None else json.dumps(token_cache))
            )
            session.commit()

    @off_loop
    def load_token_cache(self, team_id: str, account_id: int) -> dict[str, Any] | None:
        with self.session() as session:
            stored = session.scalars(
                select(Row.token_cache).where(Row.team_id == team_id, Row.id == account_id)
            ).first()
            return json.loads(stored) if stored else None
