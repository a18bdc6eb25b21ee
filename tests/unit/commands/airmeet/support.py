"""What the /airmeet transcript tests share: the clock, running a line, making an event.

    reply = await run("event list", services, user="U2")
    event = await made_event(services)          # the stored meeting of a new event
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from commands.framework.context import Context, Services
from commands.framework.replies import Reply
from db.records import Meeting
from tests.support.people import PEOPLE
from tests.support.registry import REGISTRY

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW_EVENT = 'event new name="Town hall" short_desc="Q4 review" start="2026-12-10 16:00" end=2h timezone=Europe/Zurich'


def ctx(user: str = "U1", channel: str = "C1") -> Context:
    return Context(team_id="T1", user_id=user, channel_id=channel, user_tz=PEOPLE[user].tz or "UTC")


async def run(line: str, services: Services, *, user: str = "U1") -> Reply:
    return await REGISTRY.dispatch("/airmeet", line, ctx(user), services)


async def click(action_id: str, value: str, services: Services, *, user: str = "U1") -> Reply:
    handler = REGISTRY.action(action_id)
    assert handler is not None
    return await handler(value, ctx(user), services)


async def made_event(services: Services, line: str = NEW_EVENT, *, user: str = "U1") -> Meeting:
    reply = await run(line, services, user=user)
    found = re.search(r"Id `(\w{6})`", reply.text)
    assert found, reply.text
    meeting = await services.storage.meetings.get("T1", found.group(1))
    assert meeting is not None
    return meeting
