"""Provider fakes the /meeting scenarios run against, each on its own loopback port, and the app connected to them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.roomful import FakeRoomful
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby
from tests.scenario.harness import SlackScenario, slack_app


@pytest.fixture
def whereby() -> Iterator[tuple[FakeWhereby, str]]:
    """A Whereby fake that accepts the API key ``wb-key``, and its base URL."""
    fake = FakeWhereby(api_key="wb-key")
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def clickmeeting() -> Iterator[tuple[FakeClickMeeting, str]]:
    """A ClickMeeting fake that accepts the API key ``cm-key``, and its base URL."""
    fake = FakeClickMeeting(api_key="cm-key")
    with serve(fake.app) as url:
        yield fake, url


@contextlib.asynccontextmanager
async def connected(database_url: str, *, provider: str, api_key: str, url: str) -> AsyncIterator[SlackScenario]:
    """The app with ``provider`` connected in T1 by ``api_key``, its API at ``url``/v1 (a fake)."""
    async with slack_app(database_url, **{f"{provider}_api_url": f"{url}/v1"}) as slack:
        await slack.storage.accounts.save("T1", provider=provider, credentials={"api_key": api_key})
        yield slack


@pytest.fixture
async def on_whereby(database_url: str, whereby: tuple[FakeWhereby, str]) -> AsyncIterator[SlackScenario]:
    """The app with Whereby connected (the fake's own key), pointed at the ``whereby`` fake."""
    fake, url = whereby
    async with connected(database_url, provider="whereby", api_key=fake.api_key, url=url) as slack:
        yield slack


@pytest.fixture
async def on_clickmeeting(database_url: str, clickmeeting: tuple[FakeClickMeeting, str]) -> AsyncIterator[SlackScenario]:
    """The app with ClickMeeting connected, pointed at the ``clickmeeting`` fake."""
    fake, url = clickmeeting
    async with connected(database_url, provider="clickmeeting", api_key=fake.api_key, url=url) as slack:
        yield slack


@contextlib.asynccontextmanager
async def on_fake(database_url: str, fake: Any, *, provider: str, setting: str,
                  credentials: dict[str, Any]) -> AsyncIterator[tuple[SlackScenario, Any]]:
    """The app with ``provider`` connected in T1 (``credentials``), its API (``setting``) at ``fake``."""
    with serve(fake.app) as url:
        async with slack_app(database_url, **{setting: url}) as slack:
            await slack.storage.accounts.save("T1", provider=provider, credentials=credentials)
            yield slack, fake


@pytest.fixture
async def on_roomful(database_url: str) -> AsyncIterator[tuple[SlackScenario, FakeRoomful]]:
    async with on_fake(database_url, FakeRoomful(email="bot@acme.test", password="rf-pw", network="acme"),
                       provider="roomful", setting="roomful_api_url",
                       credentials={"email": "bot@acme.test", "password": "rf-pw", "network": "acme"}) as both:
        yield both
