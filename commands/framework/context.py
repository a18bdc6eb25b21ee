"""Who is asking, and the services the core may use (handed in by the shell).

    ctx = Context(team_id="T1", user_id="U1", channel_id="C1", user_tz="Europe/Zurich")
    reply = await registry.dispatch("/meeting", "new kmeet Standup", ctx, services)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from db.storage import Storage
from providers.base import Endpoints
from providers.clients import ClientPool
from providers.http import DEFAULT_POLICY, RetryPolicy


@dataclass(frozen=True)
class Person:
    """What the core needs to know of a Slack user."""

    id: str
    name: str
    email: str | None = None
    tz: str | None = None
    is_admin: bool = False  # a workspace admin or owner


class Directory(Protocol):
    """Looks people up (Slack: ``users.info``; the console: its own options)."""

    async def person(self, team_id: str, user_id: str) -> Person | None: ...

    async def can_read(self, team_id: str, channel_id: str, user_id: str) -> bool:
        """Whether the user may read the channel (a private channel's meetings stay private)."""

    async def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        """Whether the user is in the channel (announcing there needs it, public or private)."""

    async def can_post(self, team_id: str, channel_id: str) -> bool:
        """Whether the bot can post there: a member, or a public channel it may post to unjoined."""


class NobodyDirectory:
    """Knows no one; the Slack shell installs its own directory once its client exists."""

    async def person(self, team_id: str, user_id: str) -> Person | None:
        return None

    async def can_read(self, team_id: str, channel_id: str, user_id: str) -> bool:
        return False

    async def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        return False

    async def can_post(self, team_id: str, channel_id: str) -> bool:
        return False


@dataclass(frozen=True)
class SharedFile:
    """A file someone shared in a conversation with the bot, read by the shell (Slack's files API)."""

    name: str
    content: bytes


class Files(Protocol):
    """Files shared with the bot (Slack: ``files.list`` and the file's private download URL)."""

    async def latest_csv(self, team_id: str, channel_id: str, user_id: str) -> SharedFile | None:
        """The newest CSV the user shared in the conversation in the last few minutes, or None."""


class NoFiles:
    """Sees no files (the console, and the core until the Slack shell installs its own)."""

    async def latest_csv(self, team_id: str, channel_id: str, user_id: str) -> SharedFile | None:
        return None


@dataclass(frozen=True)
class Context:
    """The speaker and where they spoke."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    user_tz: str = "UTC"
    user_name: str | None = None

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.user_tz)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything the core touches besides its arguments."""

    storage: Storage
    directory: Directory
    endpoints: Endpoints = field(default_factory=Endpoints)
    admins: frozenset[str] = frozenset()
    transport: httpx.AsyncBaseTransport | None = None
    policy: RetryPolicy = DEFAULT_POLICY
    clock: Callable[[], datetime] = utc_now
    create_limit: int = 20  # meetings one person may create a minute (MEETBOT_CREATE_LIMIT); 0: no limit
    files: Files = field(default_factory=NoFiles)
    clients: ClientPool | None = None  # kept provider clients (the served app's); None: one client per adapter
