"""Adapters sending through the process's shared client (providers.http.shared_client): each request
carries its own adapter's key and base URL, and closing an adapter leaves the client open."""

from __future__ import annotations

import pytest

from providers import registry
from providers.base import Endpoints
from providers.errors import AuthFailed
from providers.http import RetryPolicy, shared_client
from tests.fakes.whereby import FakeWhereby
from tests.unit.providers.whereby.support import KEY, MEETINGS, request


async def test_two_accounts_share_the_client_each_with_its_own_key(
    base_url: str, fake: FakeWhereby, policy: RetryPolicy
) -> None:
    client = shared_client()
    endpoints = Endpoints(whereby=f"{base_url}/v1")
    try:
        for key in (KEY, "someone-elses-key", KEY):
            adapter = registry.build("whereby", {"api_key": key}, endpoints=endpoints, policy=policy, client=client)
            async with adapter:
                if key == KEY:
                    room = await adapter.create_room(request())
                    assert room.room_id in fake.meetings
                else:
                    with pytest.raises(AuthFailed):
                        await adapter.create_room(request())
            assert not client.is_closed  # the adapter closed only what it owned
        assert [(sent.path, sent.headers["authorization"]) for sent in fake.requests] == [
            (MEETINGS, f"Bearer {KEY}"), (MEETINGS, "Bearer someone-elses-key"), (MEETINGS, f"Bearer {KEY}")]
        assert len(fake.meetings) == 2
    finally:
        await client.aclose()


async def test_an_adapter_of_its_own_closes_its_client(base_url: str, fake: FakeWhereby, policy: RetryPolicy) -> None:
    adapter = registry.build("whereby", {"api_key": KEY}, endpoints=Endpoints(whereby=f"{base_url}/v1"), policy=policy)
    async with adapter:
        await adapter.create_room(request())
    assert adapter.client.is_closed
