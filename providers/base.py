"""What every provider adapter offers, and the plain data that crosses the boundary.

An adapter is built from validated credentials and the configured endpoints, never from the
environment or the database:

    adapter = WherebyProvider(WherebyCredentials(api_key=key), endpoints=Endpoints())
    room = await adapter.create_room(RoomRequest(title="Standup", start=start, end=end, timezone="Europe/Zurich"))
    await adapter.aclose()

Adapters declare ``capabilities``; generic ``/meeting`` commands use only the common methods
below and check a capability before calling an optional one. Everything else a provider's API
offers is a public method of its own adapter, reached by that provider's command group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol, runtime_checkable

import httpx
from pydantic import BaseModel, ConfigDict

from providers.errors import Rejected
from providers.http import DEFAULT_POLICY, RetryPolicy


class Capability(StrEnum):
    INSTANT_ROOM = "instant room"
    SCHEDULED_ROOM = "scheduled room"
    HOST_URL = "host link"
    VIEWER_URL = "viewer link"
    PERSONAL_LINK = "personal auto-login link"
    CANCEL = "cancel"
    LIST = "list"
    REPORT = "attendance report"
    PUSH_EVENTS = "live updates"


class Role(StrEnum):
    """Who a personal link is for; ClickMeeting's listener/presenter/host."""

    LISTENER = "listener"
    PRESENTER = "presenter"
    HOST = "host"


class Endpoints(BaseModel):
    """Base URLs of every provider; settings fill it from the environment, tests point it at fakes."""

    model_config = ConfigDict(frozen=True)

    whereby: str = "https://api.whereby.dev/v1"
    clickmeeting: str = "https://api.clickmeeting.com/v1"
    airmeet: str | None = None  # None: use the account's region
    infomaniak: str = "https://api.infomaniak.com"
    roomful: str = "https://api.roomful.net"
    kmeet_host: str = "kmeet.infomaniak.com"


class Credentials(BaseModel):
    """Base of each provider's credentials model; secrets are ``SecretStr`` so reprs never show them."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


@dataclass(frozen=True, kw_only=True)
class RoomRequest:
    """A meeting to create. ``start``/``end`` are timezone-aware; ``timezone`` is an IANA name."""

    title: str
    start: datetime
    end: datetime
    timezone: str
    description: str | None = None
    host_email: str | None = None
    invitee_emails: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Room:
    """A created room. ``join_url`` is safe for a channel; ``host_url`` goes to hosts only."""

    provider: str
    room_id: str
    join_url: str
    host_url: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class CachedToken:
    """A provider session token and when it stops working (aware datetime)."""

    value: str
    expires_at: datetime


@runtime_checkable
class TokenCache(Protocol):
    """Where an adapter keeps a session token between calls; the caller stores it encrypted."""

    async def load(self) -> CachedToken | None: ...

    async def store(self, token: CachedToken) -> None: ...


class MemoryTokenCache:
    """A TokenCache in memory, for one process: ``MemoryTokenCache()``."""

    def __init__(self, token: CachedToken | None = None) -> None:
        self.token = token

    async def load(self) -> CachedToken | None:
        return self.token

    async def store(self, token: CachedToken) -> None:
        self.token = token


class MeetingProvider(Protocol):
    """The common part every adapter implements (check ``capabilities`` for the optional ones)."""

    slug: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    credentials_model: ClassVar[type[Credentials]]

    def __init__(
        self,
        credentials: Any,
        *,
        endpoints: Endpoints,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        token_cache: TokenCache | None = None,
    ) -> None: ...

    async def verify(self) -> None:
        """One cheap live call proving the credentials work; raises AuthFailed when they do not."""

    async def create_room(self, request: RoomRequest) -> Room: ...

    async def delete_room(self, room_id: str) -> None:
        """Delete at the provider (``Capability.CANCEL``); deleting a gone room is not an error."""

    async def personal_link(self, room: Room, *, email: str, name: str, role: Role) -> str:
        """A fresh link for one person (``Capability.PERSONAL_LINK``); others return ``room.join_url``."""

    async def aclose(self) -> None: ...


TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", ""})


def option_flag(options: Mapping[str, Any], key: str, *, provider: str, default: bool = False) -> bool:
    """A yes/no option that may arrive as a bool (modal) or text (console ``lobby=yes``)."""
    value = options.get(key, default)
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Rejected(f"`{key}` takes yes or no, not `{value}`.", provider=provider, field=key)
