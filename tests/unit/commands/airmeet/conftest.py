"""Fixtures of the /airmeet transcript tests: storage (SQLite and PostgreSQL), a fixed clock, the people,
and Airmeet connected, on the loopback fake the adapter tests use (``served``, ``fake``).

    reply = await run("event list", services)
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from commands.framework.context import Services
from db.storage import Storage
from tests.fakes.airmeet import FakeAirmeet
from tests.support.people import People
from tests.support.policy import FAST
from tests.unit.commands.airmeet.support import NOW
from tests.unit.providers.airmeet.conftest import fake, served  # noqa: F401  (fixtures)


@pytest.fixture
async def services(storage: Storage, served: tuple[FakeAirmeet, str], fake: FakeAirmeet) -> AsyncIterator[Services]:  # noqa: F811
    fake.team |= {"ada@example.com", "bob@example.com"}  # Ada and Bob are team members of the community
    services = Services(storage=storage, directory=People(), policy=FAST, clock=lambda: NOW)
    services.endpoints = services.endpoints.model_copy(update={"airmeet": served[1]})
    await storage.accounts.save("T1", provider="airmeet", credentials={"access_key": "ak", "secret_key": "sk"})
    yield services
