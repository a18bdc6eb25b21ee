"""Posting to Slack: ``SlackSink`` answers the person who asked (ephemeral, fast, never queued);
``SlackPoster`` posts the outbox's channel messages and DMs and says what Slack answered.

    sink = SlackSink(client, respond=respond, channel_id="C1")
    ts = await sink.post(message, team_id="T1", requester="U1")    # DeliveryError when Slack refuses
    await sink.upload(channel="C1", filename="failed.csv", content=data, comment="Import finished …")
    poster = SlackPoster(token_for_team, api_url=settings.slack_api_url)
    outcome = await poster.post(item, message)                     # Outcome("sent", ts=…) / "rate_limited" / …
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import ClientError
from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.render.blocks import message_blocks, message_fallback
from bot.workers.delivery import DeliveryError
from bot.workers.outbox import Outcome
from commands.framework.replies import Audience, Message
from db.records import OutboxItem

log = logging.getLogger(__name__)

# Slack's answers that mean the workspace's token is no good any more: stop its messages.
TOKEN_DEAD = frozenset({"invalid_auth", "account_inactive", "token_revoked", "not_authed", "team_not_found",
                        "app_uninstalled"})
# Slack's answers worth trying again later (besides 5xx statuses and timeouts).
TRANSIENT = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})
TOKEN_TTL = 30.0  # seconds a workspace's token is reused before it is read again (rotation, revocation)
POST_TIMEOUT = 10  # seconds for one Slack call; past it the row is retried


def delivery_error(error: Exception) -> DeliveryError:
    """Slack's refusal (its error code), an upload that did not arrive, or the network, as one DeliveryError."""
    if isinstance(error, SlackApiError):
        return DeliveryError(str(error.response.get("error", "slack_error")))
    if isinstance(error, SlackRequestError):  # the file's bytes did not reach Slack's upload URL
        return DeliveryError("upload_failed")
    return DeliveryError(f"network: {type(error).__name__}")


class SessionPool:
    """One aiohttp session (a pool of kept-alive connections) for the app's own calls to Slack, made
    on first use, on the serving loop: ``pool.session()``; ``await pool.aclose()`` at shutdown."""

    def __init__(self, *, limit: int = 100) -> None:
        self.limit = limit
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.limit))
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class SlackSink:
    """Posts messages: ephemeral ones through the response URL (or chat.postEphemeral), others by chat.postMessage.
    With ``pool``, response URL answers reuse its connections (Bolt's ``respond`` opens one per answer)."""

    def __init__(self, client: AsyncWebClient, *, respond: AsyncRespond | None = None, channel_id: str | None = None,
                 pool: SessionPool | None = None):
        self.client = client
        self.respond = respond
        self.channel_id = channel_id
        self.pool = pool

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None:
        """Post one message; returns its ts (None for ephemerals), raises DeliveryError with Slack's reason."""
        blocks = message_blocks(message)
        text = message_fallback(message)
        try:
            if message.attachment is not None:
                await self.upload_attachment(message, text)
                return None
            if message.audience is Audience.REQUESTER:
                if self.respond is not None:
                    await self.answer(self.respond, text=text, blocks=blocks)
                    return None
                if self.channel_id and requester:
                    try:
                        await self.client.chat_postEphemeral(channel=self.channel_id, user=requester, text=text,
                                                             blocks=blocks)
                        return None
                    except SlackApiError as error:  # not a member there: tell them in the app's DM instead
                        log.info("ephemeral in %s failed (%s); sending a DM", self.channel_id,
                                 error.response.get("error"))
                target = requester
            else:
                target = message.to
            if not target:
                raise DeliveryError("no recipient")
            if message.replace_ts:
                await self.client.chat_update(channel=target, ts=message.replace_ts, text=text, blocks=blocks)
                return message.replace_ts
            answer = await self.client.chat_postMessage(channel=target, text=text, blocks=blocks,
                                                        unfurl_links=False, unfurl_media=False)
            return str(answer.get("ts"))
        except (SlackApiError, SlackRequestError, ClientError, asyncio.TimeoutError) as error:
            raise delivery_error(error) from None

    async def answer(self, respond: AsyncRespond, *, text: str, blocks: list[dict[str, Any]]) -> None:
        """An ephemeral answer through the response URL: as Bolt's ``respond`` sends it, on the pool's
        connections when there is a pool (a TLS handshake per answer otherwise)."""
        if self.pool is None or respond.response_url is None:
            await respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            return
        webhook = AsyncWebhookClient(url=respond.response_url, proxy=respond.proxy, ssl=respond.ssl,
                                     session=self.pool.session())
        await webhook.send(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

    async def upload_attachment(self, message: Message, text: str) -> None:
        """A message with a file: into the channel, or the DM opened for a person (Slack cannot attach a
        file to an ephemeral message)."""
        attachment = message.attachment
        assert attachment is not None
        if not message.to or message.audience is Audience.REQUESTER:
            raise DeliveryError("a file goes to a channel or a DM")
        channel = message.to
        if message.audience is Audience.DM:
            opened = await self.client.conversations_open(users=message.to)
            channel = str((opened.get("channel") or {}).get("id"))
        await self.upload(channel=channel, filename=attachment.filename, content=attachment.content, comment=text,
                          title=attachment.title)

    async def upload(self, *, channel: str, filename: str, content: bytes, comment: str, title: str = "") -> None:
        """Share a file in ``channel`` with ``comment`` as its message (``files_upload_v2``); DeliveryError otherwise."""
        try:
            await self.client.files_upload_v2(channel=channel, filename=filename, title=title or filename,
                                              content=content, initial_comment=comment)
        except (SlackApiError, SlackRequestError, ClientError, asyncio.TimeoutError) as error:
            raise delivery_error(error) from None


TokenForTeam = Callable[[str], Awaitable[str | None]]


class SlackPoster:
    """The outbox's way to Slack: one call per row, no retry inside (the worker decides), one
    connection pool for every workspace."""

    def __init__(self, token_for_team: TokenForTeam, *, api_url: str, pool: SessionPool | None = None) -> None:
        self.token_for_team = token_for_team
        self.api_url = api_url
        self.pool = pool or SessionPool()
        self._tokens: dict[str, tuple[float, str | None]] = {}
        self._clients: dict[str, AsyncWebClient] = {}  # by token: one client per workspace, reused

    async def post(self, item: OutboxItem, message: Message) -> Outcome:
        """Post ``message`` (the row's text at this moment) and classify Slack's answer."""
        token = await self._token(item.team_id)
        if not token:
            return Outcome("stopped", error="no_token")
        client = self._client(token)
        blocks, text = message_blocks(message), message_fallback(message)
        target = message.to or item.channel
        try:
            if message.replace_ts:
                await client.chat_update(channel=target, ts=message.replace_ts, text=text, blocks=blocks)
                return Outcome("sent", ts=message.replace_ts)
            answer = await client.chat_postMessage(channel=target, text=text, blocks=blocks,
                                                   unfurl_links=False, unfurl_media=False)
            return Outcome("sent", ts=str(answer.get("ts")))
        except SlackApiError as error:
            return classify(error)
        except (ClientError, asyncio.TimeoutError) as error:
            return Outcome("retry", error=f"network: {type(error).__name__}")

    async def _token(self, team_id: str) -> str | None:
        cached = self._tokens.get(team_id)
        if cached is not None and time.monotonic() - cached[0] < TOKEN_TTL:
            return cached[1]
        token = await self.token_for_team(team_id)
        self._tokens[team_id] = (time.monotonic(), token)
        return token

    def _client(self, token: str) -> AsyncWebClient:
        """The workspace's client: made once per token (a rotated token gets a new one), sharing one pool."""
        pool = self.pool.session()
        client = self._clients.get(token)
        if client is None or client.session is not pool:
            if len(self._clients) > 1000:  # rotated tokens leave old clients behind: forget them now and then
                self._clients.clear()
            client = self._clients[token] = AsyncWebClient(token=token, base_url=self.api_url, session=pool,
                                                           timeout=POST_TIMEOUT, retry_handlers=[])
        return client

    async def aclose(self) -> None:
        await self.pool.aclose()


def classify(error: SlackApiError) -> Outcome:
    """Slack's refusal as what the worker should do about it."""
    response = error.response
    code = str(response.get("error", "slack_error"))
    if response.status_code == 429 or code == "ratelimited":
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after") or "1"
        try:
            seconds = float(retry_after)
        except ValueError:
            seconds = 1.0
        return Outcome("rate_limited", retry_after=seconds, error=code)
    if code in TOKEN_DEAD:
        return Outcome("stopped", error=code)
    if response.status_code >= 500 or code in TRANSIENT:
        return Outcome("retry", error=code)
    return Outcome("failed", error=code)
