"""Fixtures of the /airmeet transcript tests: storage (SQLite and PostgreSQL), a fixed clock, the people,
and a connected Airmeet fake on loopback.

    reply = await run("event list", services)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from commands.framework.context import Services
from db.storage import Storage
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import serve
from tests.support.people import People
from tests.support.policy import FAST
from tests.unit.commands.airmeet.support import NOW


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeAirmeet, str]]:
    fake = FakeAirmeet(access_key="ak", secret_key="sk", team=("ada@example.com", "bob@example.com"))
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def fake(served: tuple[FakeAirmeet, str]) -> FakeAirmeet:
    served[0].reset()
    return served[0]


@pytest.fixture
async def services(storage: Storage, served: tuple[FakeAirmeet, str], fake: FakeAirmeet) -> AsyncIterator[Services]:
    services = Services(storage=storage, directory=People(), policy=FAST, clock=lambda: NOW)
    services.endpoints = services.endpoints.model_copy(update={"airmeet": served[1]})
    await storage.accounts.save("T1", provider="airmeet", credentials={"access_key": "ak", "secret_key": "sk"})
    yield services
