"""Fixtures of the Roomful adapter tests: a fresh fake (a real python-socketio 4.x, Engine.IO 3 server)
per test on the module's server (../conftest.py), and adapters closed before the fake stops."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from providers.base import Endpoints
from providers.roomful import RoomfulCredentials, RoomfulProvider
from tests.fakes.roomful import FakeRoomful
from tests.fakes.server import FakeSwitch
from tests.support.policy import FAST


@pytest.fixture
def fake(server: tuple[FakeSwitch, str]) -> FakeRoomful:
    switch, base_url = server
    switch.fake = FakeRoomful(email="bot@acme.test", password="s3cret", network="acme")
    switch.fake.base_url = base_url  # type: ignore[attr-defined]
    return switch.fake


@pytest.fixture
async def make(fake: FakeRoomful) -> AsyncIterator[Callable[..., RoomfulProvider]]:
    """Build adapters against the fake; all are closed before the fake stops."""
    made: list[RoomfulProvider] = []

    def build(
        email: str = "bot@acme.test", password: str = "s3cret", network: str = "acme", **kwargs: object
    ) -> RoomfulProvider:
        credentials = RoomfulCredentials(email=email, password=password, network=network)  # type: ignore[arg-type]
        endpoints = Endpoints(roomful=fake.base_url)  # type: ignore[attr-defined]
        policy = kwargs.pop("policy", FAST)
        adapter = RoomfulProvider(credentials, endpoints=endpoints, policy=policy, **kwargs)  # type: ignore[arg-type]
        made.append(adapter)
        return adapter

    yield build
    for adapter in made:
        await adapter.aclose()
