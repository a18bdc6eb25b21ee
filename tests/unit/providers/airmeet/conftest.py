"""Fixtures of the Airmeet adapter tests: one loopback server per module and a reset fake per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from providers.airmeet import AirmeetProvider
from providers.base import MemoryTokenCache
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import serve
from tests.unit.providers.airmeet.support import adapter_for


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeAirmeet, str]]:
    # One loopback server per module; each test starts from a reset fake.
    fake = FakeAirmeet(access_key="ak", secret_key="sk", team=("host@example.com", "cohost@example.com"))
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def fake(served: tuple[FakeAirmeet, str]) -> FakeAirmeet:
    served[0].reset()
    return served[0]


@pytest.fixture
def base_url(served: tuple[FakeAirmeet, str], fake: FakeAirmeet) -> str:
    return served[1]


@pytest.fixture
def cache() -> MemoryTokenCache:
    return MemoryTokenCache()


@pytest.fixture
async def airmeet(base_url: str, cache: MemoryTokenCache) -> AsyncIterator[AirmeetProvider]:
    adapter = adapter_for(base_url, cache)
    yield adapter
    await adapter.aclose()
