"""CSV files people share with the bot, read with Slack's files API (``files:read``).

    files = SlackFiles(clients)                                  # await clients(team_id) -> AsyncWebClient | None
    shared = await files.latest_csv("T1", "C1", "U1")           # SharedFile(name, content) or None

A bulk import (``/airmeet speaker add <event> bulk``) reads the newest .csv the user shared in the conversation
in the last few minutes (``files.list`` filtered by channel and user), downloaded from its private
URL with the bot token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.slack.directory import ClientForTeam
from commands.framework.context import SharedFile
from commands.imports.table import MAX_BYTES, SHARED_MINUTES

log = logging.getLogger(__name__)
DOWNLOAD_TIMEOUT = 20.0


def is_csv(file: dict[str, Any]) -> bool:
    return file.get("filetype") == "csv" or str(file.get("name", "")).lower().endswith(".csv")


class SlackFiles:
    """``Files`` for the core, over the team's bot token."""

    def __init__(self, clients: ClientForTeam) -> None:
        self.clients = clients

    async def latest_csv(self, team_id: str, channel_id: str, user_id: str) -> SharedFile | None:
        client = await self.clients(team_id)
        if client is None:
            return None
        since = int(time.time() - SHARED_MINUTES * 60)
        try:
            answer = await client.files_list(channel=channel_id, user=user_id, ts_from=str(since), count=20)
        except SlackApiError as error:  # not a member there, or files:read not granted yet
            log.info("files.list in %s failed: %s", channel_id, error.response.get("error"))
            return None
        candidates = [f for f in answer.get("files") or [] if isinstance(f, dict) and is_csv(f)]
        if not candidates:
            return None
        newest = max(candidates, key=lambda f: int(f.get("created") or 0))
        url = newest.get("url_private_download") or newest.get("url_private")
        if not url or int(newest.get("size") or 0) > MAX_BYTES:
            return None  # the size check happens in the core too, with the sentence to say
        content = await download(str(url), token=client.token or "")
        return SharedFile(name=str(newest.get("name") or "file.csv"), content=content) if content is not None else None


async def download(url: str, *, token: str) -> bytes | None:
    """The file's bytes (at most one more than ``MAX_BYTES``, so the core can say it is too big)."""
    try:
        timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
                if response.status != 200:
                    log.info("file download answered %s", response.status)
                    return None
                return await response.content.read(MAX_BYTES + 1)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        log.info("file download failed: %s", type(error).__name__)
        return None
