"""Deliver a Reply through a sink (Slack or the console), with the follow-ups the core asked for.

    await deliver(reply, sink, team_id="T1", requester="U1", services=services)

A sink posts one message and returns its ts (or None). When a channel announcement cannot be
posted, the requester is told the meeting exists anyway.
"""

from __future__ import annotations

import logging
from typing import Protocol

from commands.framework.context import Services
from commands.framework.replies import Message, Reply
from commands.lifecycle import announcement_failed, record_announcement

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be posted; ``str(error)`` is the short reason (Slack's error code)."""


class Sink(Protocol):
    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None: ...


async def deliver(reply: Reply, sink: Sink, *, team_id: str, requester: str | None, services: Services) -> bool:
    """Post every message; returns False when any could not be delivered."""
    delivered = True
    for message in reply.messages:
        try:
            ts = await sink.post(message, team_id=team_id, requester=requester)
        except DeliveryError as error:
            delivered = False
            log.warning("could not post a %s message: %s", message.audience, error)
            if message.purpose and message.purpose.startswith("announcement:") and requester and message.to:
                meeting_id = message.purpose.split(":", 1)[1]
                notice = announcement_failed(meeting_id, message.to, str(error)).messages[0]
                try:
                    await sink.post(notice, team_id=team_id, requester=requester)
                except DeliveryError:
                    log.warning("could not tell %s about the failed announcement either", requester)
            continue
        await record_announcement(services, team_id=team_id, purpose=message.purpose, ts=ts)
    return delivered

