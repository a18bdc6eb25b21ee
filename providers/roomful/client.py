"""Roomful's HTTP side: the account, the REST sign-in, and Roomful's error codes as typed errors.

    client = RoomfulClient(RoomfulCredentials(email=e, password=p, network="acme"), endpoints=Endpoints())
    token = await client._sign_in()       # POST /api/v1/auth/signin -> data.session_token

How Roomful is reached (see specs/roomful/NOTES.md): ``POST {base}/api/v1/auth/signin`` with
``{email, password}`` and ``X-Network`` returns ``data.session_token``, which the socket
(``providers.roomful.socket``) presents; answers carry ``{"error": {"status", "code", "message"}}``.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr

from providers.adapter import HttpAdapter
from providers.base import CachedToken, Credentials
from providers.errors import (
    AuthFailed,
    NotFound,
    ProviderError,
    RateLimited,
    Rejected,
    TokenExpired,
    Unavailable,
)
from providers.http import error_for_status, read_json
from providers.roomful.models import SLUG, MeetingCallback

SIGNIN_PATH = "/api/v1/auth/signin"
# Roomful does not say how long a session lives; the cached token is only a hint, because the
# server's user_info push (or its absence) decides on every connection.
SESSION_TTL = timedelta(hours=12)
PRODUCTION_API_HOST = "api.roomful.net"
# Roomful's own WordPress plugin links rooms as https://my.roomful.net/#/room/<roomId>.
PRODUCTION_WEB_BASE = "https://my.roomful.net"


class RoomfulCredentials(Credentials):
    """A Roomful account: ``RoomfulCredentials(email="bot@acme.com", password="…", network="acme")``."""

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    password: SecretStr = Field(min_length=1)
    network: str = Field(min_length=1, description="Roomful network id, sent as X-Network at sign-in")



# --- error mapping ----------------------------------------------------------------------------

SIGN_IN_SENTENCE = (
    "Roomful refused this workspace's email, password or network id."
)


def error_for_code(code: int, message: str, *, sign_in: bool = False, status: int | None = None) -> ProviderError:
    """Roomful's ``error`` object as a typed error; ``sign_in`` reads user/password codes as AuthFailed."""
    raw = f"{code}: {message}"
    if code == 705:
        # {"status": true, "code": 705, "message": "Too frequent request"}; no retry hint is given.
        return RateLimited(provider=SLUG, status=status, raw=raw)
    if code == 401:
        # {"status": true, "code": 401, "message": "Unauthorized"}: the session is not (any more) valid.
        if sign_in:
            return AuthFailed(SIGN_IN_SENTENCE, provider=SLUG, status=status, raw=raw)
        return TokenExpired(provider=SLUG, status=status, raw=raw)
    if sign_in and code in (1021, 1006, 1051, 1054):
        # 1021 "User not found", 1006 "Invalid password", 1051 "Verification token not found",
        # 1054 "Verification token is already used": at sign-in, all mean the account does not work.
        return AuthFailed(SIGN_IN_SENTENCE, provider=SLUG, status=status, raw=raw)
    if code == 1021:
        # {"status": true, "code": 1021, "message": "User not found"}: an invited or source user id.
        return Rejected(
            "Roomful does not know one of those users. Please check the Roomful user ids and try again.",
            provider=SLUG, status=status, field="user", reason=message, raw=raw,
        )
    if code == 404:
        # Not in Roomful's list of codes; its codes follow HTTP where they can (401), so a missing
        # meeting is read as 404 "… not found".
        return NotFound(provider=SLUG, status=status, raw=raw)
    if 500 <= code < 600:
        return Unavailable(provider=SLUG, status=status, raw=raw)
    return Rejected(provider=SLUG, status=status, reason=message or None, raw=raw)


def _ack_error(ack: Mapping[str, Any]) -> tuple[int, str] | None:
    """(code, message) when the ack's ``error`` says something went wrong, else None.

    As Roomful's own client reads an ack (Roomful/valu-api src/socket/ValuSocket.js, ``isAckError``:
    ``ack.error && ack.error.status !== false``): any ``error`` is a failure unless it says
    ``status: false`` — some RPCs answer a bare ``error`` object with no status at all.
    """
    error = ack.get("error")
    if not error:
        return None
    if isinstance(error, dict):
        if error.get("status") is False:
            return None
        code = error.get("code")
        message = error.get("message") or error.get("description") or ""
        number = 0
        if isinstance(code, int) and not isinstance(code, bool):
            number = code
        elif isinstance(code, float) and math.isfinite(code):
            number = int(code)
        return number, str(message)
    return 0, str(error)[:200]


class RoomfulClient(HttpAdapter[RoomfulCredentials]):
    """The sign-in and the session it yields; ``RoomfulSocket`` adds the socket on top."""

    def __init__(self, credentials: RoomfulCredentials, **kwargs: Any) -> None:
        super().__init__(credentials, **kwargs)
        parts = urlsplit(self.base_url)
        self._socket_base = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
        self._web_base = PRODUCTION_WEB_BASE if parts.hostname == PRODUCTION_API_HOST else self.base_url
        self._connect_lock = asyncio.Lock()
        self._session: str | None = None
        self._dead_sessions: set[str] = set()  # never pick these up from the cache again
        self._private = False  # after invalidConnection: own session, kept out of the shared cache
        self._callbacks: list[MeetingCallback] = []
        self._closed = False

    def api_base(self) -> str:
        base = self.endpoints.roomful.rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"Roomful base URL must be http(s)://host, not {self.endpoints.roomful!r}")
        return base

    def headers(self) -> dict[str, str]:
        return {}  # the sign-in sends its own; the rest of the API is the socket

    async def _session_token(self) -> tuple[str, bool]:
        """(token, fresh): the current session, a cached one, or a new sign-in."""
        if self._session:
            return self._session, False
        if self.token_cache is not None and not self._private:
            cached = await self.token_cache.load()
            if (cached is not None and cached.value not in self._dead_sessions
                    and cached.expires_at > datetime.now(UTC)):
                self._session = cached.value
                return cached.value, False
        return await self._sign_in(), True

    async def _sign_in(self) -> str:
        response = await self.http(
            "POST",
            SIGNIN_PATH,
            idempotent=True,  # a repeated sign-in only opens another session
            headers={"X-Network": self.credentials.network},
            json={"email": self.credentials.email, "password": self.credentials.password.get_secret_value()},
        )
        body = read_json(response, provider=SLUG)
        failure = _ack_error(body) if isinstance(body, dict) else None
        if failure is not None:
            raise error_for_code(*failure, sign_in=True, status=response.status_code)
        if response.is_error:
            if response.status_code in (400, 401, 403):
                raw = response.text[:300]
                raise AuthFailed(SIGN_IN_SENTENCE, provider=SLUG, status=response.status_code, raw=raw)
            raise error_for_status(response, provider=SLUG)
        data = body.get("data") if isinstance(body, dict) else None
        token = data.get("session_token") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(token, str) or not token:
            raw = "sign-in answer without data.session_token"
            raise Unavailable(provider=SLUG, status=response.status_code, raw=raw)
        if data.get("need_verification"):
            raise AuthFailed(
                "Roomful says this account's email address is not verified yet; it can be verified in Roomful.",
                provider=SLUG, status=response.status_code, raw="need_verification: true",
            )
        self._session = token
        if self.token_cache is not None and not self._private:
            await self.token_cache.store(CachedToken(value=token, expires_at=datetime.now(UTC) + SESSION_TTL))
        return token


    def _forget_session(self, token: str) -> None:
        self._dead_sessions.add(token)
        if self._session == token:
            self._session = None

