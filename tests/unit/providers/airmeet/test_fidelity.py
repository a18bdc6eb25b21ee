"""Issue 10's fidelity fixes, each failing on the old adapter or fake: the community 404, the token
refresh only on 412 and on create/duplicate "bad token" 400s, no invented session id, ms on create."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from providers.airmeet import AirmeetProvider
from providers.base import CachedToken, MemoryTokenCache
from providers.errors import NotFound, Rejected
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import Fault
from tests.unit.providers.airmeet.support import START, adapter_for, new_event, room_request


# ---------------------------------------------------------------- 404 on create/duplicate = the community


async def test_a_404_on_create_speaks_of_the_community(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    fake.lose_community()

    with pytest.raises(NotFound) as caught:
        await airmeet.create_room(room_request())

    assert caught.value.status == 404
    assert "community" in caught.value.user_message and "event" not in caught.value.user_message.split(";")[0]
    assert fake.events == {}


async def test_a_404_on_duplicate_speaks_of_the_community(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    fake.lose_community()

    with pytest.raises(NotFound) as caught:
        await airmeet.duplicate_event(event_id, start=START + timedelta(days=7), timezone="Asia/Kolkata")

    assert "community" in caught.value.user_message
    assert list(fake.events) == [event_id]


async def test_a_404_elsewhere_still_names_the_event(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    with pytest.raises(NotFound) as caught:
        await airmeet.add_speaker("no-such-event", name="Ada", email="ada@example.com")

    assert "community" not in caught.value.user_message
    assert "event" in caught.value.user_message


# ---------------------------------------------------------------- when the token is refreshed


async def test_a_create_400_that_merely_mentions_a_token_is_a_refusal(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    await airmeet.verify()
    fake.faults.add(Fault(status=400, body={"success": False, "message": "eventName 'Token economics' is too long"}),
                    path="/airmeet", method="POST")

    with pytest.raises(Rejected):
        await airmeet.create_room(room_request(title="Token economics"))

    assert fake.auth_calls == 1  # no refresh
    assert len(fake.requests_to("/airmeet")) == 1


async def test_a_bad_token_400_outside_create_and_duplicate_is_not_a_refresh(base_url: str, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    cache = MemoryTokenCache(CachedToken("garbage", datetime.now(UTC) + timedelta(days=10)))
    adapter = adapter_for(base_url, cache)

    with pytest.raises(Rejected):
        await adapter.add_speaker(event.uuid, name="Ada", email="ada@example.com")
    await adapter.aclose()

    assert fake.auth_calls == 0


async def test_a_bad_token_400_on_duplicate_is_refreshed(base_url: str, fake: FakeAirmeet) -> None:
    event = fake.add_event(timing={"startTime": 1_900_000_000_000, "endTime": 1_900_003_600_000, "timezone": "UTC"})
    cache = MemoryTokenCache(CachedToken("garbage", datetime.now(UTC) + timedelta(days=10)))
    adapter = adapter_for(base_url, cache)

    copy = await adapter.duplicate_event(event.uuid, start=START, timezone="UTC")
    await adapter.aclose()

    assert copy.room_id in fake.events
    assert fake.auth_calls == 1


# ---------------------------------------------------------------- session create: 200, no body


async def test_session_create_answers_no_body_and_the_id_is_found_in_info(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    created = await airmeet.create_session(event_id, title="Keynote", start=START, duration_minutes=30,
                                           host_email="host@example.com")

    answer = [r for r in fake.requests_to(f"/airmeet/{event_id}/session")]
    assert len(answer) == 1
    assert created.session_id == next(iter(fake.events[event_id].sessions))
    assert fake.requests[-1].path == f"/airmeet/{event_id}/info"


async def test_no_session_id_is_invented_when_info_cannot_tell(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    fake.faults.add(Fault(status=200, body={"name": "x", "sessions": [{"sessionid": "s-other", "name": "Other"}]}),
                    path=f"/airmeet/{event_id}/info")

    created = await airmeet.create_session(event_id, title="Keynote", start=START, duration_minutes=30,
                                           host_email="host@example.com")

    assert created.session_id is None
    assert len(fake.events[event_id].sessions) == 1  # created all the same


# ---------------------------------------------------------------- the fake: milliseconds on create


async def test_the_fake_refuses_a_create_in_seconds(fake: FakeAirmeet, base_url: str, airmeet: AirmeetProvider) -> None:
    await airmeet.verify()
    token = next(iter(fake.tokens))
    start = int(START.timestamp())
    async with httpx.AsyncClient(base_url=base_url) as client:
        answer = await client.post("/airmeet", headers={"X-Airmeet-Access-Token": token}, json={
            "hostEmail": "host@example.com", "eventName": "E", "shortDesc": "d",
            "timing": {"startTime": start, "endTime": start + 3600, "timezone": "UTC"},
        })

    assert answer.status_code == 400
    assert "milliseconds" in answer.json()["message"]
    assert fake.events == {}
