from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.scenario.harness import SlackScenario, slack_app


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackScenario]:
    """The app in single-workspace HTTP mode on SQLite and on PostgreSQL."""
    async with slack_app(database_url) as scenario:
        yield scenario
