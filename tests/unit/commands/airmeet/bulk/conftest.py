"""What the /airmeet bulk tests share: the Airmeet fake with an account, an event meetbot made, a
recording sink, and the import worker's tick (SQLite and PostgreSQL through ``storage``).

    reply = await run("speaker add {event} bulk", services, csv=SPEAKERS_CSV)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.workers.imports import Progress, tick
from commands import airmeet
from commands.airmeet.bulk import KINDS
from commands.framework.context import Context, Services
from commands.framework.replies import Message, Reply
from commands.framework.router import build_registry
from db.records import Meeting
from db.storage import Storage
from providers.http import RetryPolicy
from tests.fakes.airmeet import FakeAirmeet, FakeEvent
from tests.fakes.server import serve
from tests.support.people import People
from tests.support.storage import meeting_record

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REGISTRY = build_registry([airmeet.GROUP])
HOSTS = ("host@example.com", "cohost@example.com")


@dataclass
class Sleeps:
    """The retry policy's sleeps, recorded instead of slept (time is not spent in tests)."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@dataclass
class RecordingSink:
    """A sink that keeps what the worker posted, edited (``replace_ts``) and uploaded."""

    posts: list[Message] = field(default_factory=list)
    updates: list[Message] = field(default_factory=list)
    uploads: list[dict[str, object]] = field(default_factory=list)

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None:
        if message.replace_ts:
            self.updates.append(message)
            return message.replace_ts
        self.posts.append(message)
        return f"17000000.{len(self.posts):06d}"

    async def upload(self, *, channel: str, filename: str, content: bytes, comment: str) -> None:
        self.uploads.append({"channel": channel, "filename": filename, "content": content.decode("utf-8-sig"),
                             "comment": comment})


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeAirmeet, str]]:
    fake = FakeAirmeet(access_key="ak", secret_key="sk", team=HOSTS)
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def services(storage: Storage, served: tuple[FakeAirmeet, str], sleeps: Sleeps) -> AsyncIterator[Services]:
    fake, url = served
    fake.reset()
    policy = RetryPolicy(initial_delay=0.01, max_delay=0.05, timeout=5.0, sleep=sleeps)
    made = Services(storage=storage, directory=People(), policy=policy, clock=lambda: NOW)
    made.endpoints = made.endpoints.model_copy(update={"airmeet": url})
    await storage.accounts.save("T1", provider="airmeet", credentials={"access_key": "ak", "secret_key": "sk"})
    yield made


@pytest.fixture
def fake(served: tuple[FakeAirmeet, str], services: Services) -> FakeAirmeet:
    return served[0]


@pytest.fixture
async def event(fake: FakeAirmeet, storage: Storage) -> tuple[Meeting, FakeEvent]:
    """An Airmeet event meetbot created (meeting ``ev`` organised by U1)."""
    made = fake.add_event("Summit")
    meeting = await storage.meetings.add(meeting_record("T1", provider="airmeet", title="Summit",
                                                        room_id=made.uuid, join_url=f"https://airmeet.example/{made.uuid}"))
    return meeting, made


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


def ctx(user: str = "U1", channel: str = "C1") -> Context:
    return Context(team_id="T1", user_id=user, channel_id=channel, user_tz="Europe/Zurich")


async def run(line: str, services: Services, *, user: str = "U1") -> Reply:
    return await REGISTRY.dispatch("/airmeet", line, ctx(user), services)


async def click(action_id: str, value: str, services: Services, *, user: str = "U1") -> Reply:
    handler = REGISTRY.action(action_id)
    assert handler is not None
    return await handler(value, ctx(user), services)


async def work(services: Services, sink: RecordingSink) -> Progress | None:
    async def sink_for_team(team_id: str) -> RecordingSink:
        return sink

    return await tick(services, KINDS, sink_for_team, sleep=services.policy.sleep)  # the final edit's wait, not slept


def job_id(reply: Reply) -> str:
    [message] = reply.messages
    [start, cancel] = message.buttons
    assert start.action_id == "airmeet_import_start" and cancel.action_id == "airmeet_import_cancel"
    assert start.value
    return start.value


def csv_arg(text: str) -> str:
    """A CSV as the console's ``csv="…"`` (``\\n`` between rows)."""
    return 'csv="' + text.strip().replace("\n", "\\n") + '"'
