"""What the /meeting list, cancel, link and home tests share: the storage (``storage`` fixture, on
SQLite and PostgreSQL), a fixed clock, the people, seeded meetings and provider fakes.

    from tests.unit.commands.meeting.seeded import NOW, add, run, services  # services is a fixture
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from commands.framework.context import Context, Services
from commands.framework.replies import Message, Reply
from commands.lifecycle.create import NewMeeting, create_meeting
from db.records import Meeting
from db.storage import Storage
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby
from tests.support.meetings import seed_meeting
from tests.support.people import PEOPLE, People
from tests.support.policy import FAST
from tests.support.registry import REGISTRY

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PRIVATE_CHANNELS = {"G1": {"U1", "U3"}}  # everything else is public


@pytest.fixture
def services(storage: Storage) -> Services:
    return Services(storage=storage, directory=People(private_channels=PRIVATE_CHANNELS), policy=FAST, clock=lambda: NOW)


def ctx(user: str = "U1", channel: str = "C1", team: str = "T1") -> Context:
    return Context(team_id=team, user_id=user, channel_id=channel, user_tz=PEOPLE.get(user, PEOPLE["U1"]).tz or "UTC")


async def add(storage: Storage, **details: Any) -> Meeting:
    return await seed_meeting(storage, now=NOW, **details)


async def run(line: str, services: Services, **who: str) -> Reply:
    return await REGISTRY.dispatch("/meeting", line, ctx(**who), services)


def only(reply: Reply) -> Message:
    assert len(reply.messages) == 1, reply.messages
    return reply.messages[0]


def labels(message: Message) -> list[str]:
    return [field.label for field in message.fields]


@asynccontextmanager
async def connected(fake: Any, *, provider: str, key: str, services: Services, storage: Storage) -> AsyncIterator[Any]:
    """``fake`` served on loopback, ``services`` pointed at it, and an account with ``key`` saved."""
    with serve(fake.app) as url:
        services.endpoints = services.endpoints.model_copy(update={provider: f"{url}/v1"})
        await storage.accounts.save("T1", provider=provider, credentials={"api_key": key})
        yield fake


@pytest.fixture
async def whereby(services: Services, storage: Storage) -> AsyncIterator[FakeWhereby]:
    async with connected(FakeWhereby(api_key="wb-key"), provider="whereby", key="wb-key", services=services,
                         storage=storage) as fake:
        yield fake


@pytest.fixture
async def clickmeeting(services: Services, storage: Storage) -> AsyncIterator[FakeClickMeeting]:
    async with connected(FakeClickMeeting(api_key="cm-key"), provider="clickmeeting", key="cm-key", services=services,
                         storage=storage) as fake:
        yield fake


async def whereby_meeting(services: Services, *, organiser: str = "U1", cohosts: tuple[str, ...] = (),
                          invitees: tuple[str, ...] = ()) -> Meeting:
    # The whole creation path against the fake (its clock is real, so the meeting is in the real future).
    now = datetime.now(UTC)
    services.clock = lambda: now
    new = NewMeeting(provider="whereby", title="Board", start=now + timedelta(days=1), duration=timedelta(hours=1),
                     channel_id="C1", cohosts=cohosts, invitees=invitees, reminders=(timedelta(minutes=10),))
    await create_meeting(new, ctx(organiser), services)
    [meeting] = (await services.storage.meetings.upcoming("T1", after=now)).items
    return meeting
