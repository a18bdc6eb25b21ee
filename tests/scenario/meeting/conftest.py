"""Provider fakes the /meeting scenarios run against, each on its own loopback port, and the app connected to them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.fakes.clickmeeting import FakeClickMeeting
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


@pytest.fixture
async def on_whereby(database_url: str, whereby: tuple[FakeWhereby, str]) -> AsyncIterator[SlackScenario]:
    """The app with Whereby connected in T1 (the fake's own key), pointed at the ``whereby`` fake."""
    fake, url = whereby
    async with slack_app(database_url, whereby_api_url=f"{url}/v1") as slack:
        slack.repo.save_account("T1", provider="whereby", credentials={"api_key": fake.api_key})
        yield slack


@pytest.fixture
async def on_clickmeeting(database_url: str, clickmeeting: tuple[FakeClickMeeting, str]) -> AsyncIterator[SlackScenario]:
    """The app with ClickMeeting connected in T1, pointed at the ``clickmeeting`` fake."""
    fake, url = clickmeeting
    async with slack_app(database_url, clickmeeting_api_url=f"{url}/v1") as slack:
        slack.repo.save_account("T1", provider="clickmeeting", credentials={"api_key": fake.api_key})
        yield slack
