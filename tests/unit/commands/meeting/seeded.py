"""What the /meeting list, cancel, link and home tests share: a temporary SQLite repository (these
tests need no PostgreSQL variant), a fixed clock, the people, seeded meetings and provider fakes.

    from tests.unit.commands.meeting.seeded import NOW, add, repo, run, services  # fixtures by name
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from commands.framework.context import Context, Services
from commands.framework.replies import Message, Reply
from commands.lifecycle.create import NewMeeting, create_meeting
from db.crypto import Vault
from db.engine import create_schema, make_engine
from db.models import Meeting
from db.repo import Repository
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
def repo(tmp_path: Path) -> Iterator[Repository]:
    vault = Vault.from_keys([Fernet.generate_key().decode()])
    engine = make_engine(f"sqlite:///{tmp_path / 'meetbot.db'}", vault=vault)
    create_schema(engine)
    yield Repository(engine)
    engine.dispose()


@pytest.fixture
def services(repo: Repository) -> Services:
    return Services(repo=repo, directory=People(private_channels=PRIVATE_CHANNELS), policy=FAST, clock=lambda: NOW)


def ctx(user: str = "U1", channel: str = "C1", team: str = "T1") -> Context:
    return Context(team_id=team, user_id=user, channel_id=channel, user_tz=PEOPLE.get(user, PEOPLE["U1"]).tz or "UTC")


def add(repo: Repository, **details: Any) -> Meeting:
    return seed_meeting(repo, now=NOW, **details)


async def run(line: str, services: Services, **who: str) -> Reply:
    return await REGISTRY.dispatch("/meeting", line, ctx(**who), services)


def only(reply: Reply) -> Message:
    assert len(reply.messages) == 1, reply.messages
    return reply.messages[0]


def labels(message: Message) -> list[str]:
    return [field.label for field in message.fields]


@contextmanager
def connected(fake: Any, *, provider: str, key: str, services: Services, repo: Repository) -> Iterator[Any]:
    """``fake`` served on loopback, ``services`` pointed at it, and an account with ``key`` saved."""
    with serve(fake.app) as url:
        services.endpoints = services.endpoints.model_copy(update={provider: f"{url}/v1"})
        repo.save_account("T1", provider=provider, credentials={"api_key": key})
        yield fake


@pytest.fixture
def whereby(services: Services, repo: Repository) -> Iterator[FakeWhereby]:
    with connected(FakeWhereby(api_key="wb-key"), provider="whereby", key="wb-key", services=services,
                   repo=repo) as fake:
        yield fake


@pytest.fixture
def clickmeeting(services: Services, repo: Repository) -> Iterator[FakeClickMeeting]:
    with connected(FakeClickMeeting(api_key="cm-key"), provider="clickmeeting", key="cm-key", services=services,
                   repo=repo) as fake:
        yield fake


async def whereby_meeting(services: Services, *, organiser: str = "U1", cohosts: tuple[str, ...] = (),
                          invitees: tuple[str, ...] = ()) -> Meeting:
    # The whole creation path against the fake (its clock is real, so the meeting is in the real future).
    now = datetime.now(UTC)
    services.clock = lambda: now
    new = NewMeeting(provider="whereby", title="Board", start=now + timedelta(days=1), duration=timedelta(hours=1),
                     channel_id="C1", cohosts=cohosts, invitees=invitees, reminders=(timedelta(minutes=10),))
    await create_meeting(new, ctx(organiser), services)
    [meeting] = services.repo.upcoming_meetings("T1", after=now)
    return meeting
