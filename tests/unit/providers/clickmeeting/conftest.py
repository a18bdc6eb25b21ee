"""Fixtures of the ClickMeeting adapter tests: one loopback server per module, a fresh fake per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from providers.clickmeeting import ClickMeetingProvider
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.server import FakeSwitch, serve_switch
from tests.unit.providers.clickmeeting.support import KEY, make_adapter


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeSwitch, str]]:
    with serve_switch() as (switch, url):
        yield switch, url


@pytest.fixture
def fake(server: tuple[FakeSwitch, str]) -> FakeClickMeeting:
    fake = FakeClickMeeting(api_key=KEY)
    server[0].fake = fake
    return fake


@pytest.fixture
def base_url(server: tuple[FakeSwitch, str], fake: FakeClickMeeting) -> str:
    return server[1]


@pytest.fixture
async def adapter(base_url: str) -> AsyncIterator[ClickMeetingProvider]:
    client = make_adapter(base_url)
    yield client
    await client.aclose()
