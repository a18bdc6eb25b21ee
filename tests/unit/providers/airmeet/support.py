"""Helpers the Airmeet adapter tests share: credentials, times, a room request, adapters on the fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from providers.airmeet import AirmeetCredentials, AirmeetProvider
from providers.base import Endpoints, MemoryTokenCache, RoomRequest
from providers.http import RetryPolicy
from tests.support.policy import FAST


CREDS = AirmeetCredentials(access_key="ak", secret_key="sk")
START = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=2)


def adapter_for(base_url: str, cache: MemoryTokenCache, credentials: AirmeetCredentials = CREDS,
                policy: RetryPolicy = FAST) -> AirmeetProvider:
    return AirmeetProvider(credentials, endpoints=Endpoints(airmeet=base_url), policy=policy, token_cache=cache)


def room_request(**changes: object) -> RoomRequest:
    values: dict[str, object] = {
        "title": "Quarterly review", "start": START, "end": END, "timezone": "Asia/Kolkata",
        "host_email": "host@example.com", "description": "Numbers and plans",
    }
    values.update(changes)
    return RoomRequest(**values)  # type: ignore[arg-type]


async def new_event(airmeet: AirmeetProvider) -> str:
    return (await airmeet.create_room(room_request())).room_id
