"""Airmeet's two-step authentication (seed §3.2) and the token it hands out.

    adapter = AirmeetProvider(AirmeetCredentials(access_key=k, secret_key=s, region="eu"),
                              endpoints=Endpoints(), token_cache=account_cache)
    await adapter.verify()        # POST /auth, the token goes to the cache

``POST /auth`` with the access and secret key returns a token valid for 30 days, which every other
call sends as ``X-Airmeet-Access-Token``. The token is kept in the injected ``TokenCache`` (the
caller stores it encrypted per account), reused until it runs out, and refreshed once when Airmeet
answers 412 (expired) — with one ``/auth`` at a time per account, even across adapter instances,
so a burst of Slack commands does not mint a token each.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from providers.adapter import HttpAdapter
from providers.base import CachedToken, Credentials, MemoryTokenCache, TokenCache
from providers.errors import AuthFailed, Unavailable
from providers.http import error_for_status, read_json

SLUG = "airmeet"

REGION_URLS: Mapping[str, str] = {
    "default": "https://api-gateway.airmeet.com/prod",  # Mumbai
    "eu": "https://api-gateway-prod.eu.airmeet.com/prod",
    "us": "https://api-gateway-prod.us.airmeet.com/prod",
}

TOKEN_LIFETIME = timedelta(days=30)
# Refresh a little early so a token does not run out between our check and Airmeet's.
TOKEN_MARGIN = timedelta(minutes=5)


class AirmeetCredentials(Credentials):
    """An Airmeet key pair and the data centre of its community: ``AirmeetCredentials(access_key=..., secret_key=...)``."""

    access_key: SecretStr
    secret_key: SecretStr
    region: Literal["default", "eu", "us"] = "default"


# One refresh at a time per account. asyncio locks belong to one event loop, so the table is kept
# per loop (tests and worker threads each run their own) and forgets a loop once it is gone.
_REFRESH_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def refresh_lock(account: str) -> asyncio.Lock:
    """The lock every adapter of ``account`` (a key fingerprint) takes before calling ``/auth``."""
    locks = _REFRESH_LOCKS.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(account, asyncio.Lock())



def provider_message(response: httpx.Response) -> str:
    """Airmeet's own words: ``message``/``statusMessage``/``error`` of a JSON body, else the text."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(body, dict):
        for key in ("message", "statusMessage", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return str(body[key])
    return response.text[:500]



class AirmeetAuth(HttpAdapter[AirmeetCredentials]):
    """The key pair, the region's base URL and the cached session token."""

    def __init__(self, credentials: AirmeetCredentials, **kwargs: Any) -> None:
        super().__init__(credentials, **kwargs)
        self.token_cache: TokenCache = self.token_cache if self.token_cache is not None else MemoryTokenCache()
        # A fingerprint, so the lock table never holds the key itself.
        self._account = hashlib.sha256(credentials.access_key.get_secret_value().encode()).hexdigest()

    def api_base(self) -> str:
        return self.endpoints.airmeet or REGION_URLS[self.credentials.region]

    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json", **super().headers()}

    async def verify(self) -> None:
        """``POST /auth`` with the key pair; raises ``AuthFailed`` when Airmeet refuses it."""
        async with refresh_lock(self._account):
            await self.token_cache.store(await self._authenticate())

    async def _authenticate(self) -> CachedToken:
        response = await self.http(
            "POST",
            "/auth",
            idempotent=True,  # minting a second token has no side effect
            headers={
                "X-Airmeet-Access-Key": self.credentials.access_key.get_secret_value(),
                "X-Airmeet-Secret-Key": self.credentials.secret_key.get_secret_value(),
            },
        )
        if response.status_code == 400:
            # "400 Bad Request - in case the request is missing a header or the supplied values are incorrect"
            raise AuthFailed(
                "Airmeet did not accept this workspace's access key and secret key.",
                provider=SLUG, status=400, raw=provider_message(response),
            )
        if response.status_code == 403:
            # "403 Forbidden - in case the keys are revoked (abuse prevention)"
            raise AuthFailed(
                "Airmeet has revoked this workspace's API keys; a new key pair comes from the "
                "Airmeet dashboard (Integrations → API Access Key).",
                provider=SLUG, status=403, raw=provider_message(response),
            )
        if response.is_error:
            # "500 Internal Server Error - generic server error"
            raise error_for_status(response, provider=SLUG, message=provider_message(response))
        body = read_json(response, provider=SLUG)
        # The seed answers {"success": true, "data": {"label": "test", "token": ...}}; other
        # clients read a top-level {"token": ..., "label": ...}. Take either.
        holder = body.get("data") if isinstance(body, dict) and isinstance(body.get("data"), dict) else body
        token = holder.get("token") if isinstance(holder, dict) else None
        if not isinstance(token, str) or not token:
            raise Unavailable(provider=SLUG, status=response.status_code, raw=f"no token in /auth answer: {response.text[:200]!r}")
        return CachedToken(value=token, expires_at=datetime.now(UTC) + TOKEN_LIFETIME)

    async def _token(self) -> str:
        cached = await self.token_cache.load()
        if cached is not None and _fresh(cached):
            return cached.value
        return await self._refresh(stale=cached.value if cached else None)

    async def _refresh(self, *, stale: str | None) -> str:
        """A token other than ``stale``: whoever waited on the lock reuses the one just minted."""
        async with refresh_lock(self._account):
            cached = await self.token_cache.load()
            if cached is not None and cached.value != stale and _fresh(cached):
                return cached.value
            token = await self._authenticate()
            await self.token_cache.store(token)
            return token.value



def _fresh(token: CachedToken) -> bool:
    return token.expires_at - TOKEN_MARGIN > datetime.now(UTC)
