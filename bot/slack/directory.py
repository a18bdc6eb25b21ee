"""People and channel membership from Slack's Web API, cached for a few minutes.

    directory = SlackDirectory(clients)                     # await clients(team_id) -> AsyncWebClient | None
    person = await directory.person("T1", "U1")             # Person with name, e-mail, tz, admin flag
    allowed = await directory.can_read("T1", "C1", "U2")
    announce = await directory.is_member("T1", "C1", "U2") and await directory.can_post("T1", "C1")
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from commands.framework.context import Person

log = logging.getLogger(__name__)

PERSON_TTL = 300.0  # seconds a person or a membership answer is kept
MEMBERS_PAGE = 200

ClientForTeam = Callable[[str], Awaitable[AsyncWebClient | None]]


class SlackDirectory:
    """People from ``users.info`` with the team's own token, cached for a few minutes."""

    def __init__(self, client_for_team: ClientForTeam) -> None:
        self.client_for_team = client_for_team
        self._cache: dict[tuple[str, str], tuple[float, Person | None]] = {}
        self._members: dict[tuple[str, str, str], tuple[float, bool]] = {}
        self._channels: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}
        self._team_scopes: dict[str, tuple[float, frozenset[str]]] = {}
        self.cached_only = CacheOnlyDirectory(self)

    async def person(self, team_id: str, user_id: str) -> Person | None:
        """The person, or None when Slack cannot say (no token, unknown user, Slack down)."""
        key = (team_id, user_id)
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        client = await self.client_for_team(team_id)
        if client is None:
            return None
        try:
            user = (await client.users_info(user=user_id))["user"]
        except (SlackApiError, ClientError, asyncio.TimeoutError) as error:
            log.warning("users.info failed for %s: %s", user_id, getattr(error, "response", error))
            return None
        profile = user.get("profile") or {}
        person = Person(
            id=user_id,
            name=profile.get("real_name") or user.get("real_name") or user.get("name") or user_id,
            email=profile.get("email"),
            tz=user.get("tz"),
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        )
        self._cache[key] = (time.monotonic() + PERSON_TTL, person)
        return person

    async def can_read(self, team_id: str, channel_id: str, user_id: str) -> bool:
        """Public channels: anyone. Private ones: their members (the bot reads them as a member)."""
        channel = await self._channel(team_id, channel_id)
        if channel is None:
            return False
        return not channel.get("is_private") or await self.is_member(team_id, channel_id, user_id)

    async def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        """Whether ``conversations.members`` lists the user (False when Slack cannot say)."""
        key = (team_id, channel_id, user_id)
        cached = self._members.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        client = await self.client_for_team(team_id)
        found = False
        if client is not None:
            try:
                cursor = None
                while not found:
                    page = await client.conversations_members(channel=channel_id, cursor=cursor, limit=MEMBERS_PAGE)
                    found = user_id in page["members"]
                    cursor = (page.get("response_metadata") or {}).get("next_cursor")
                    if not cursor:
                        break
            except (SlackApiError, ClientError, asyncio.TimeoutError) as error:
                log.info("cannot tell whether %s is in %s: %s", user_id, channel_id, error)
        self._members[key] = (time.monotonic() + PERSON_TTL, found)
        return found

    async def can_post(self, team_id: str, channel_id: str) -> bool:
        """The bot's own channels and DMs, and public ones when its token has ``chat:write.public``."""
        channel = await self._channel(team_id, channel_id)
        if channel is None or channel.get("is_archived"):
            return False
        if channel.get("is_member") or channel.get("is_im"):
            return True
        return not channel.get("is_private") and "chat:write.public" in await self._scopes(team_id)

    async def _channel(self, team_id: str, channel_id: str) -> dict[str, Any] | None:
        """``conversations.info`` (None: unknown to the bot, e.g. a private channel it is not in)."""
        key = (team_id, channel_id)
        cached = self._channels.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        client = await self.client_for_team(team_id)
        channel = None
        if client is not None:
            try:
                channel = dict((await client.conversations_info(channel=channel_id))["channel"])
            except (SlackApiError, ClientError, asyncio.TimeoutError) as error:
                log.info("conversations.info failed for %s: %s", channel_id, error)
        self._channels[key] = (time.monotonic() + PERSON_TTL, channel)
        return channel

    async def _scopes(self, team_id: str) -> frozenset[str]:
        """The bot token's scopes, from ``auth.test``'s ``x-oauth-scopes`` header (docs.slack.dev, "Scopes")."""
        cached = self._team_scopes.get(team_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        client = await self.client_for_team(team_id)
        scopes: frozenset[str] = frozenset()
        if client is not None:
            try:
                answer = await client.auth_test()
                header = {k.lower(): v for k, v in (answer.headers or {}).items()}.get("x-oauth-scopes", "")
                scopes = frozenset(s.strip() for s in str(header).split(",") if s.strip())
            except (SlackApiError, ClientError, asyncio.TimeoutError) as error:
                log.info("auth.test failed for %s: %s", team_id, error)
        self._team_scopes[team_id] = (time.monotonic() + PERSON_TTL, scopes)
        return scopes


class CacheOnlyDirectory:
    """The directory as a Slack ack may use it: cached answers only, never a Web API call.

        quick = CacheOnlyDirectory(directory)       # in an ack: fast checks on what is already known
        quick.knows("T1", "U1")                     # whether the speaker (and their zone) is cached

    What the cache cannot say gets the benefit of the doubt (a person exists, is in the channel, the
    bot may post there): the full check after the ack, with real lookups, has the last word
    (issue 11, finding 6: users.info and channel lookups before the ack made it late).
    """

    def __init__(self, directory: SlackDirectory) -> None:
        self.directory = directory

    def _fresh(self, cached: tuple[float, Any] | None) -> bool:
        return cached is not None and cached[0] > time.monotonic()

    def knows(self, team_id: str, user_id: str) -> bool:
        return self._fresh(self.directory._cache.get((team_id, user_id)))

    async def person(self, team_id: str, user_id: str) -> Person | None:
        cached = self.directory._cache.get((team_id, user_id))
        return cached[1] if cached and self._fresh(cached) else Person(id=user_id, name=user_id)

    async def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        cached = self.directory._members.get((team_id, channel_id, user_id))
        return cached[1] if cached and self._fresh(cached) else True

    async def can_post(self, team_id: str, channel_id: str) -> bool:
        channel, scopes = self.directory._channels.get((team_id, channel_id)), self.directory._team_scopes.get(team_id)
        if not (self._fresh(channel) and self._fresh(scopes)):
            return True
        return await self.directory.can_post(team_id, channel_id)  # answered from the cache

    async def can_read(self, team_id: str, channel_id: str, user_id: str) -> bool:
        channel = self.directory._channels.get((team_id, channel_id))
        if channel is None or not self._fresh(channel):
            return True
        return channel[1] is not None and not channel[1].get("is_private") or await self.is_member(team_id, channel_id, user_id)
