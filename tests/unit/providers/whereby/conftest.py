"""Fixtures of the Whereby adapter tests: a fresh fake per test on the module's server (../conftest.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from providers.base import Endpoints
from providers.http import RetryPolicy
from providers.whereby import WherebyCredentials, WherebyProvider
from tests.fakes.server import FakeSwitch
from tests.fakes.whereby import FakeWhereby
from tests.support.policy import FAST
from tests.unit.providers.whereby.support import KEY, RecordingSleep


@pytest.fixture
def fake(server: tuple[FakeSwitch, str]) -> FakeWhereby:
    fake = FakeWhereby(api_key=KEY, subdomain="acme")
    server[0].fake = fake
    return fake


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def policy(sleeps: RecordingSleep) -> RetryPolicy:
    return dataclasses.replace(FAST, sleep=sleeps)


@pytest.fixture
async def adapter(base_url: str, policy: RetryPolicy) -> AsyncIterator[WherebyProvider]:
    async with WherebyProvider(
        WherebyCredentials(api_key=KEY), endpoints=Endpoints(whereby=f"{base_url}/v1"), policy=policy
    ) as provider:
        yield provider
