"""Provider accounts of a workspace: building adapters from stored keys, and listing them.

    async with open_adapter(services, team_id="T1", provider="whereby") as adapter:
        room = await adapter.create_room(request)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from commands.framework.context import Services
from db.storage import Storage
from providers import registry
from providers.base import CachedToken, MeetingProvider
from providers.errors import NotConfigured


class StoredTokenCache:
    """A provider session token kept (encrypted) on the account row, shared by every replica."""

    def __init__(self, storage: Storage, *, team_id: str, account_id: int) -> None:
        self.storage = storage
        self.team_id = team_id
        self.account_id = account_id

    async def load(self) -> CachedToken | None:
        data = await self.storage.accounts.load_token_cache(self.team_id, self.account_id)
        if not data:
            return None
        return CachedToken(value=data["value"], expires_at=datetime.fromisoformat(data["expires_at"]))

    async def store(self, token: CachedToken) -> None:
        payload = {"value": token.value, "expires_at": token.expires_at.isoformat()}
        await self.storage.accounts.save_token_cache(self.team_id, self.account_id, payload)


@asynccontextmanager
async def open_adapter(
    services: Services, *, team_id: str, provider: str, account: str | None = None
) -> AsyncIterator[MeetingProvider]:
    """The adapter for the workspace's (default or named) account; closed on exit."""
    row = await services.storage.accounts.get(team_id, provider, account)
    if row is None and (account is not None or registry.info(provider).needs_credentials):
        raise NotConfigured(provider=provider)
    adapter = registry.build(
        provider,
        row.credentials if row else None,
        endpoints=services.endpoints,
        transport=services.transport,
        policy=services.policy,
        token_cache=StoredTokenCache(services.storage, team_id=team_id, account_id=row.id) if row else None,
        clients=services.clients,
    )
    try:
        yield adapter
    finally:
        await adapter.aclose()


async def connected_providers(services: Services, team_id: str) -> dict[str, list[str]]:
    """provider slug -> account names (default first) for the workspace."""
    connected: dict[str, list[str]] = {}
    for account in await services.storage.accounts.all(team_id):
        names = connected.setdefault(account.provider, [])
        names.insert(0, account.name) if account.is_default else names.append(account.name)
    return connected


async def default_account(services: Services, team_id: str, provider: str) -> str | None:
    """The name of the provider's default account in the workspace, or None."""
    row = await services.storage.accounts.get(team_id, provider)
    return row.name if row else None
