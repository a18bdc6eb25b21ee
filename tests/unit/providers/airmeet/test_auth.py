"""Airmeet tokens, retries and regions: one /auth per account, refresh on 412 or expiry, safe creates."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from providers.airmeet import REGION_URLS, AirmeetCredentials, AirmeetProvider
from providers.base import CachedToken, Endpoints, MemoryTokenCache
from providers.errors import AuthFailed, TokenExpired, Unavailable
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import Fault, serve
from tests.support.policy import FAST, SHORT_TIMEOUT
from tests.unit.providers.airmeet.support import adapter_for, room_request


# ---------------------------------------------------------------- /auth


async def test_verify_posts_the_key_pair_and_caches_the_token(
    airmeet: AirmeetProvider, fake: FakeAirmeet, cache: MemoryTokenCache
) -> None:
    await airmeet.verify()

    sent = fake.requests_to("/auth")
    assert len(sent) == 1
    assert sent[0].headers["x-airmeet-access-key"] == "ak"
    assert sent[0].headers["x-airmeet-secret-key"] == "sk"
    assert sent[0].headers["content-type"] == "application/json"
    assert cache.token is not None and cache.token.value in fake.tokens
    assert cache.token.expires_at - datetime.now(UTC) > timedelta(days=29)


async def test_verify_reads_a_top_level_token_too(base_url: str, fake: FakeAirmeet, cache: MemoryTokenCache) -> None:
    fake.auth_shape = "flat"
    adapter = adapter_for(base_url, cache)

    await adapter.verify()
    await adapter.aclose()

    assert cache.token is not None and cache.token.value in fake.tokens


async def test_wrong_secret_is_auth_failed_with_airmeets_message(base_url: str, fake: FakeAirmeet) -> None:
    adapter = adapter_for(base_url, MemoryTokenCache(), AirmeetCredentials(access_key="ak", secret_key="wrong"))

    with pytest.raises(AuthFailed) as caught:
        await adapter.verify()
    await adapter.aclose()

    assert (caught.value.status, caught.value.raw) == (400, "Invalid access key or secret key")
    assert "access key and secret key" in caught.value.user_message
    assert fake.auth_calls == 0


async def test_revoked_keys_are_auth_failed(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    fake.revoke_keys()

    with pytest.raises(AuthFailed) as caught:
        await airmeet.create_room(room_request())

    assert (caught.value.status, caught.value.raw) == (403, "Access key has been revoked")
    assert "revoked" in caught.value.user_message
    assert fake.requests_to("/airmeet") == []


async def test_auth_server_error_is_retried_then_unavailable(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    fake.faults.add(Fault(status=500, body={"message": "generic server error"}), path="/auth", times=3)

    with pytest.raises(Unavailable) as caught:
        await airmeet.verify()

    assert caught.value.raw == "generic server error"
    assert len(fake.requests_to("/auth")) == 3


# ---------------------------------------------------------------- token reuse and refresh


async def test_two_calls_share_one_token(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()

    await airmeet.event_info(event.uuid)
    await airmeet.questions(event.uuid)

    assert fake.auth_calls == 1
    reads = fake.requests_to(f"/airmeet/{event.uuid}")
    assert len({r.headers["x-airmeet-access-token"] for r in reads}) == 1


async def test_a_second_adapter_reuses_the_cached_token(base_url: str, fake: FakeAirmeet, cache: MemoryTokenCache) -> None:
    event = fake.add_event()
    first, second = adapter_for(base_url, cache), adapter_for(base_url, cache)

    await first.event_info(event.uuid)
    await second.event_info(event.uuid)
    await first.aclose()
    await second.aclose()

    assert fake.auth_calls == 1


async def test_expired_token_412_is_refreshed_once_and_the_call_retried(
    airmeet: AirmeetProvider, fake: FakeAirmeet, cache: MemoryTokenCache
) -> None:
    event = fake.add_event()
    await airmeet.event_info(event.uuid)
    old = cache.token.value if cache.token else ""
    fake.expire_tokens()

    info = await airmeet.event_info(event.uuid)

    assert info["name"] == "Seeded event"
    assert [(r.method, r.path) for r in fake.requests[-3:]] == [
        ("GET", f"/airmeet/{event.uuid}/info"), ("POST", "/auth"), ("GET", f"/airmeet/{event.uuid}/info"),
    ]
    assert fake.requests[-3].headers["x-airmeet-access-token"] == old
    assert cache.token is not None and cache.token.value != old
    assert fake.requests[-1].headers["x-airmeet-access-token"] == cache.token.value
    assert fake.auth_calls == 2


async def test_a_create_refused_for_an_expired_token_is_sent_again(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    await airmeet.verify()
    fake.expire_tokens()

    room = await airmeet.create_room(room_request())

    assert [r.path for r in fake.requests[-3:]] == ["/airmeet", "/auth", "/airmeet"]
    assert fake.requests[-3].headers["x-airmeet-access-token"] != fake.requests[-1].headers["x-airmeet-access-token"]
    assert list(fake.events) == [room.room_id]


async def test_a_bad_token_is_replaced_too(base_url: str, fake: FakeAirmeet) -> None:
    # "400 Bad Request - in case the passed token is bad": e.g. a token from a rotated key pair.
    cache = MemoryTokenCache(CachedToken("garbage", datetime.now(UTC) + timedelta(days=10)))
    adapter = adapter_for(base_url, cache)

    room = await adapter.create_room(room_request())
    await adapter.aclose()

    assert room.room_id in fake.events
    assert cache.token is not None and cache.token.value in fake.tokens
    assert fake.auth_calls == 1


async def test_still_refused_after_refresh_is_token_expired(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    await airmeet.verify()
    fake.faults.add(Fault(status=412, body={"success": False, "message": "Access token has expired"}),
                    path=f"/airmeet/{event.uuid}/info", times=2)

    with pytest.raises(TokenExpired) as caught:
        await airmeet.event_info(event.uuid)

    assert (caught.value.status, caught.value.raw) == (412, "Access token has expired")
    assert fake.auth_calls == 2  # one refresh, not a loop


async def test_cached_token_past_its_expiry_is_refreshed_before_use(base_url: str, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    cache = MemoryTokenCache(CachedToken("old-token", datetime.now(UTC) - timedelta(minutes=1)))
    adapter = adapter_for(base_url, cache)

    await adapter.event_info(event.uuid)
    await adapter.aclose()

    assert [r.path for r in fake.requests] == ["/auth", f"/airmeet/{event.uuid}/info"]
    assert all(r.headers.get("x-airmeet-access-token") != "old-token" for r in fake.requests)
    assert cache.token is not None and cache.token.value != "old-token"


async def test_concurrent_calls_on_two_adapters_share_one_auth(
    base_url: str, fake: FakeAirmeet, cache: MemoryTokenCache
) -> None:
    event = fake.add_event()
    first, second = adapter_for(base_url, cache), adapter_for(base_url, cache)
    fake.faults.add(Fault(delay=0.2), path="/auth")  # keep the first /auth in flight while the others arrive

    results = await asyncio.gather(*(a.event_info(event.uuid) for a in (first, second) * 3))
    await first.aclose()
    await second.aclose()

    assert [r["name"] for r in results] == ["Seeded event"] * 6
    assert fake.auth_calls == 1
    assert len(fake.requests_to("/auth")) == 1


async def test_concurrent_412s_share_one_refresh(base_url: str, fake: FakeAirmeet, cache: MemoryTokenCache) -> None:
    event = fake.add_event()
    first, second = adapter_for(base_url, cache), adapter_for(base_url, cache)
    await first.verify()
    fake.expire_tokens()
    fake.faults.add(Fault(delay=0.1), path="/auth")

    await asyncio.gather(*(a.event_info(event.uuid) for a in (first, second) * 3))
    await first.aclose()
    await second.aclose()

    assert fake.auth_calls == 2  # the first token and exactly one refresh
    assert len(fake.requests_to("/auth")) == 2


async def test_accounts_do_not_share_tokens(base_url: str, fake: FakeAirmeet) -> None:
    other = FakeAirmeet(access_key="other", secret_key="sk2")
    with serve(other.app) as other_url:
        ours = adapter_for(base_url, MemoryTokenCache())
        theirs = adapter_for(other_url, MemoryTokenCache(), AirmeetCredentials(access_key="other", secret_key="sk2"))
        await asyncio.gather(ours.verify(), theirs.verify())
        await ours.aclose()
        await theirs.aclose()

    assert (fake.auth_calls, other.auth_calls) == (1, 1)


# ---------------------------------------------------------------- retries


async def test_reads_are_retried_on_5xx_and_429(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    await airmeet.verify()
    fake.faults.add(Fault(status=503), path=f"/airmeet/{event.uuid}/info")
    fake.faults.add(Fault(status=429, retry_after=0), path=f"/airmeet/{event.uuid}/info")

    info = await airmeet.event_info(event.uuid)

    assert info["name"] == "Seeded event"
    assert len(fake.requests_to(f"/airmeet/{event.uuid}/info")) == 3


async def test_a_create_that_gets_500_is_not_retried(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    await airmeet.verify()
    # Airmeet made the event but the answer was lost: sending again would make a second one.
    fake.faults.add(Fault(status=500, after_handling=True), path="/airmeet", method="POST")

    with pytest.raises(Unavailable) as caught:
        await airmeet.create_room(room_request())

    assert caught.value.status == 500
    assert len([r for r in fake.requests if r.path == "/airmeet"]) == 1
    assert len(fake.events) == 1


async def test_a_create_that_times_out_is_not_retried() -> None:
    # Its own server: the slow request finishes after the test and must not land in a shared fake.
    fake = FakeAirmeet(access_key="ak", secret_key="sk")
    with serve(fake.app) as url:
        adapter = adapter_for(url, MemoryTokenCache(), policy=SHORT_TIMEOUT)
        await adapter.verify()
        fake.faults.add(Fault(delay=1.0), path="/airmeet", method="POST")

        with pytest.raises(Unavailable):
            await adapter.create_room(room_request())
        await adapter.aclose()

    assert len([r for r in fake.requests if r.path == "/airmeet"]) == 1


async def test_a_create_throttled_with_429_is_retried(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    await airmeet.verify()
    fake.faults.add(Fault(status=429, retry_after=0), path="/airmeet", method="POST")

    room = await airmeet.create_room(room_request())

    assert len([r for r in fake.requests if r.path == "/airmeet"]) == 2
    assert list(fake.events) == [room.room_id]


# ---------------------------------------------------------------- regions


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("default", "api-gateway.airmeet.com"),
        ("eu", "api-gateway-prod.eu.airmeet.com"),
        ("us", "api-gateway-prod.us.airmeet.com"),
    ],
)
async def test_region_picks_the_base_url(region: str, host: str) -> None:
    fake = FakeAirmeet(access_key="ak", secret_key="sk", base_path="/prod")
    credentials = AirmeetCredentials(access_key="ak", secret_key="sk", region=region)  # type: ignore[arg-type]
    # In-process transport: the request is addressed to the real region but answered by the fake.
    adapter = AirmeetProvider(credentials, endpoints=Endpoints(), policy=FAST,
                              transport=httpx.ASGITransport(app=fake.app), token_cache=MemoryTokenCache())

    await adapter.verify()
    await adapter.aclose()

    assert adapter.base_url == REGION_URLS[region] == f"https://{host}/prod"
    assert fake.requests[0].path == "/prod/auth"
    assert fake.requests[0].headers["host"] == host
    assert fake.auth_calls == 1


async def test_configured_endpoint_overrides_the_region(base_url: str, fake: FakeAirmeet) -> None:
    credentials = AirmeetCredentials(access_key="ak", secret_key="sk", region="eu")
    adapter = adapter_for(base_url, MemoryTokenCache(), credentials)

    await adapter.verify()
    await adapter.aclose()

    assert adapter.base_url == base_url
    assert fake.auth_calls == 1
