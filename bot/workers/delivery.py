"""Deliver a Reply: answers to the person who asked go straight through the sink (fast, ephemeral);
channel messages and DMs go through the outbox, so every bot post is paced, retried and counted in
one place (bot/workers/outbox.py).

    await deliver(reply, sink, team_id="T1", requester="U1", services=services, outbox=worker)

A sink posts one message and returns its ts (or None). Without an outbox (the console prints
everything) every message goes through the sink. When a channel announcement cannot be posted,
the requester is told the meeting exists anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from commands.framework.context import Services
from commands.framework.replies import Audience, Message, Reply
from commands.lifecycle import announcement_failed, record_announcement

if TYPE_CHECKING:
    from bot.workers.outbox import OutboxWorker

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be posted; ``str(error)`` is the short reason (Slack's error code)."""


class Sink(Protocol):
    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None: ...


SinkForTeam = Callable[[str], Awaitable[Sink | None]]  # work outside a request: the team's sink, or None


async def deliver(reply: Reply, sink: Sink, *, team_id: str, requester: str | None, services: Services,
                  outbox: OutboxWorker | None = None) -> bool:
    """Post every message, in order; returns False when any could not be delivered. Queued messages
    whose channel must wait (pacing, 429) count as delivered: the outbox posts them shortly."""
    delivered = True
    queued: list[Message] = []
    for message in reply.messages:
        # A file cannot ride the outbox's JSON payload: it goes up straight (files_upload_v2).
        if outbox is not None and message.audience is not Audience.REQUESTER and message.to and not message.attachment:
            queued.append(message)
            continue
        if queued:
            delivered &= await _through_outbox(queued, outbox, sink, team_id=team_id, requester=requester)
            queued = []
        try:
            ts = await sink.post(message, team_id=team_id, requester=requester)
        except DeliveryError as error:
            delivered = False
            log.warning("could not post a %s message: %s", message.audience, error)
            await _tell_requester(message, str(error), sink, team_id=team_id, requester=requester)
            continue
        await record_announcement(services, team_id=team_id, purpose=message.purpose, ts=ts)
    if queued:
        delivered &= await _through_outbox(queued, outbox, sink, team_id=team_id, requester=requester)
    return delivered


async def _through_outbox(messages: list[Message], outbox: OutboxWorker | None, sink: Sink, *, team_id: str,
                          requester: str | None) -> bool:
    """Queue ``messages`` and post what may go now (the worker stores an announcement's ts)."""
    assert outbox is not None
    ok = True
    for message, outcome in await outbox.post_now(messages, team_id=team_id):
        if outcome.kind in ("failed", "stopped"):
            ok = False
            log.warning("could not post a %s message: %s", message.audience, outcome.error)
            await _tell_requester(message, outcome.error, sink, team_id=team_id, requester=requester)
    return ok


async def _tell_requester(message: Message, reason: str, sink: Sink, *, team_id: str, requester: str | None) -> None:
    """A failed announcement: the organiser hears the meeting exists anyway."""
    if not (message.purpose and message.purpose.startswith("announcement:") and requester and message.to):
        return
    meeting_id = message.purpose.split(":", 1)[1]
    notice = announcement_failed(meeting_id, message.to, reason).messages[0]
    try:
        await sink.post(notice, team_id=team_id, requester=requester)
    except DeliveryError:
        log.warning("could not tell %s about the failed announcement either", requester)
