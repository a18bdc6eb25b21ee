"""The shared part of every HTTP adapter: constructor, capabilities, client set-up and closing.

    class WherebyProvider(HttpAdapter[WherebyCredentials]):
        slug = "whereby"
        ...
        def api_base(self) -> str:
            return self.endpoints.whereby

An adapter subclass names its slug, capabilities, credentials and options models, says where its
API lives (``api_base``) and which headers every call carries (``headers``); this base builds the
one ``httpx.AsyncClient`` from them (with the injected transport and the policy's timeout), or
borrows a kept one from the app's ``ClientPool``, and sends through the shared retry rules of
``providers.http``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, Self, TypeVar

import httpx

from providers.clients import ClientPool
from providers.base import Capability, Credentials, Endpoints, MoveBy, ProviderOptions, Room, RoomRequest, TokenCache
from providers.errors import NotSupported, display_name
from providers.http import DEFAULT_POLICY, RetryAfterHint, RetryPolicy, make_client, send

CredentialsT = TypeVar("CredentialsT", bound=Credentials)


class HttpAdapter(Generic[CredentialsT]):
    """Base of the five adapters: ``adapter = WherebyProvider(credentials, endpoints=Endpoints())``."""

    slug: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    credentials_model: ClassVar[type[Credentials]]
    options_model: ClassVar[type[ProviderOptions]]

    def __init__(
        self,
        credentials: CredentialsT,
        *,
        endpoints: Endpoints,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        token_cache: TokenCache | None = None,
        clients: ClientPool | None = None,
    ) -> None:
        self.credentials = credentials
        self.endpoints = endpoints
        self.policy = policy
        self.token_cache = token_cache  # only adapters with a session token use it
        self.base_url = self.api_base()
        # An injected transport (a test's fake) is the adapter's own; only real networking is pooled.
        self._clients = clients if transport is None else None
        self._given_back = False
        if self._clients is not None:
            self.client = self._clients.take(base_url=self.base_url, headers=self.headers(), timeout=policy.timeout)
        else:
            self.client = make_client(
                base_url=self.base_url, headers=self.headers(), transport=transport, timeout=policy.timeout
            )

    def api_base(self) -> str:
        """Where the provider's API lives, from ``self.endpoints`` (and the credentials, e.g. a region)."""
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        """Headers every call carries (the API key, when it is sent as one)."""
        return {"Accept": "application/json"}

    async def http(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        retry_after_hint: RetryAfterHint | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request under the shared retry rules; the answer comes back whatever its status."""
        return await send(
            self.client, method, url, provider=self.slug, idempotent=idempotent, policy=self.policy,
            retry_after_hint=retry_after_hint, **kwargs,
        )

    @classmethod
    def move_by(cls, room: Room) -> MoveBy:
        """Not movable unless the adapter says how (its API has no way to change a room's time)."""
        return MoveBy.NOT_MOVABLE

    async def reschedule_room(self, room: Room, request: RoomRequest) -> Room:
        """The room at ``request``'s times; only adapters whose ``move_by`` says RESCHEDULE have this."""
        raise NotSupported(f"{display_name(self.slug)} cannot change a room's time through its API.",
                           provider=self.slug)

    async def aclose(self) -> None:
        """Close the HTTP client, or give it back to the pool it came from: ``await adapter.aclose()``."""
        if self._clients is None:
            await self.client.aclose()  # closing twice is harmless
        elif not self._given_back:  # given back twice, it could be lent to two commands at once
            self._given_back = True
            await self._clients.give_back(self.client)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
