"""Fixtures of the ClickMeeting adapter tests: a fresh fake per test on the module's server (../conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from providers.clickmeeting import ClickMeetingProvider
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.server import FakeSwitch
from tests.unit.providers.clickmeeting.support import KEY, make_adapter


@pytest.fixture
def fake(server: tuple[FakeSwitch, str]) -> FakeClickMeeting:
    fake = FakeClickMeeting(api_key=KEY)
    server[0].fake = fake
    return fake


@pytest.fixture
async def adapter(base_url: str) -> AsyncIterator[ClickMeetingProvider]:
    client = make_adapter(base_url)
    yield client
    await client.aclose()
