"""The one sink that posts to Slack: rendered blocks, ephemeral or in a channel or DM, or an edit.

    sink = SlackSink(client, respond=respond, channel_id="C1")
    ts = await sink.post(message, team_id="T1", requester="U1")    # DeliveryError when Slack refuses
    await sink.upload(channel="C1", filename="failed.csv", content=data, comment="Import finished …")
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import ClientError
from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import message_blocks, message_fallback
from bot.workers.delivery import DeliveryError
from commands.framework.replies import Audience, Message

log = logging.getLogger(__name__)


class SlackSink:
    """Posts messages: ephemeral ones through the response URL (or chat.postEphemeral), others by chat.postMessage."""

    def __init__(self, client: AsyncWebClient, *, respond: AsyncRespond | None = None, channel_id: str | None = None):
        self.client = client
        self.respond = respond
        self.channel_id = channel_id

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
                    await self.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
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
        except SlackApiError as error:
            raise DeliveryError(str(error.response.get("error", "slack_error"))) from None
        except SlackRequestError:  # the file's bytes did not reach Slack's upload URL
            raise DeliveryError("upload_failed") from None
        except (ClientError, asyncio.TimeoutError) as error:
            raise DeliveryError(f"network: {type(error).__name__}") from None

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
        except SlackApiError as error:
            raise DeliveryError(str(error.response.get("error", "slack_error"))) from None
        except SlackRequestError:  # the file's bytes did not reach Slack's upload URL
            raise DeliveryError("upload_failed") from None
        except (ClientError, asyncio.TimeoutError) as error:
            raise DeliveryError(f"network: {type(error).__name__}") from None
