"""The app with Airmeet connected in T1, pointed at a loopback Airmeet fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import serve
from tests.scenario.harness import SlackScenario, slack_app


@pytest.fixture
def airmeet() -> Iterator[tuple[FakeAirmeet, str]]:
    fake = FakeAirmeet(access_key="ak", secret_key="sk", team=("ada@example.com",))
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
async def on_airmeet(database_url: str, airmeet: tuple[FakeAirmeet, str]) -> AsyncIterator[SlackScenario]:
    async with slack_app(database_url, airmeet_api_url=airmeet[1]) as slack:
        await slack.storage.accounts.save("T1", provider="airmeet", credentials={"access_key": "ak", "secret_key": "sk"})
        yield slack
