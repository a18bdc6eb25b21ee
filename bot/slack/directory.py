"""People and channel membership from Slack's Web API, cached for a few minutes.

    directory = SlackDirectory(clients)                     # await clients(team_id) -> AsyncWebClient | None
    person = await directory.person("T1", "U1")             # Person with name, e-mail, tz, admin flag
    allowed = await directory.can_read("T1", "C1", "U2")
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

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
        self._readers: dict[tuple[str, str, str], tuple[float, bool]] = {}

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
        key = (team_id, channel_id, user_id)
        cached = self._readers.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        client = await self.client_for_team(team_id)
        allowed = False
        if client is not None:
            try:
                channel = (await client.conversations_info(channel=channel_id))["channel"]
                allowed = not channel.get("is_private")
                cursor = None
                while not allowed:
                    page = await client.conversations_members(channel=channel_id, cursor=cursor, limit=MEMBERS_PAGE)
                    allowed = user_id in page["members"]
                    cursor = (page.get("response_metadata") or {}).get("next_cursor")
                    if not cursor:
                        break
            except (SlackApiError, ClientError, asyncio.TimeoutError) as error:
                log.info("cannot tell whether %s may read %s: %s", user_id, channel_id, error)
        self._readers[key] = (time.monotonic() + PERSON_TTL, allowed)
        return allowed
