"""Whereby errors and the retry rules: each status its error, 429 waits, creates never retried blindly."""

from __future__ import annotations

import dataclasses

import pytest

from providers.base import Endpoints
from providers.errors import AuthFailed, NotFound, RateLimited, Rejected, Unavailable
from providers.http import RetryPolicy
from providers.whereby import WherebyCredentials, WherebyProvider
from tests.fakes.server import Fault
from tests.fakes.whereby import FakeWhereby, throttle_body
from tests.support.policy import SHORT_TIMEOUT

from tests.unit.providers.whereby.support import KEY, MEETINGS, RecordingSleep, request


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, None, AuthFailed),
        (403, None, AuthFailed),
        (404, {"error": "The requested resource doesn't exist"}, NotFound),
        (400, {"error": '"roomMode" must be one of [group, normal]'}, Rejected),
        (422, {"error": "Unprocessable"}, Rejected),
        (500, None, Unavailable),
        (502, None, Unavailable),
        (503, None, Unavailable),
    ],
)
async def test_each_error_status_becomes_its_error(
    adapter: WherebyProvider, fake: FakeWhereby, status: int, body: object, expected: type[Exception]
) -> None:
    fake.faults.add(Fault(status=status, body=body), path=MEETINGS, times=3)
    with pytest.raises(expected) as caught:
        await adapter.get_meeting("1")
    assert caught.value.status == status
    assert caught.value.raw == (body["error"] if isinstance(body, dict) else "fault injected")
    assert caught.value.user_message.startswith("Whereby")


async def test_a_server_side_400_names_the_field_in_our_words(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    fake.faults.add(Fault(status=400, body={"error": '"roomNamePrefix" must be lowercase'}), method="POST")
    with pytest.raises(Rejected) as caught:
        await adapter.create_room(request())
    assert caught.value.field == "room_name_prefix"
    assert caught.value.reason == '"roomNamePrefix" must be lowercase'
    assert len(fake.requests_to(MEETINGS, "POST")) == 1


async def test_403_says_the_key_may_not_do_that(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    fake.faults.add(Fault(status=403, body={"error": "Not allowed to perform action"}))
    with pytest.raises(AuthFailed) as caught:
        await adapter.delete_room("1")
    assert caught.value.raw == "Not allowed to perform action"
    assert "does not allow" in caught.value.user_message


async def test_429_that_persists_is_rate_limited_with_ms_left_in_seconds(
    adapter: WherebyProvider, fake: FakeWhereby
) -> None:
    fake.faults.add(Fault(status=429, body=throttle_body(20)), times=3)
    with pytest.raises(RateLimited) as caught:
        await adapter.get_meeting("1")
    assert caught.value.retry_after == pytest.approx(0.02)
    assert caught.value.raw == "Rate limit active for throttle key: organization:1"
    assert len(fake.requests) == 3  # the first try and two retries


async def test_429_with_a_long_wait_is_not_slept_through(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    fake.faults.add(Fault(status=429, body=throttle_body(38689)))
    with pytest.raises(RateLimited) as caught:
        await adapter.verify()
    assert caught.value.retry_after == pytest.approx(38.689)
    assert "39 seconds" in caught.value.user_message
    assert len(fake.requests) == 1


# -- retries ------------------------------------------------------------------------------


async def test_429_then_success_waits_ms_left(
    adapter: WherebyProvider, fake: FakeWhereby, sleeps: RecordingSleep
) -> None:
    fake.faults.add(Fault(status=429, body=throttle_body(30)), method="GET")
    created = await adapter.create_room(request())
    meeting = await adapter.get_meeting(created.room_id)
    assert meeting.meeting_id == created.room_id
    assert sleeps.delays == [pytest.approx(0.03)]
    assert len(fake.requests_to(MEETINGS, "GET")) == 2


async def test_429_with_only_retry_after_header_is_honoured(
    adapter: WherebyProvider, fake: FakeWhereby, sleeps: RecordingSleep
) -> None:
    fake.faults.add(Fault(status=429, retry_after=0.04), method="GET")
    await adapter.verify()
    assert sleeps.delays == [pytest.approx(0.04)]


async def test_a_throttled_create_is_retried_because_whereby_did_nothing(
    adapter: WherebyProvider, fake: FakeWhereby, sleeps: RecordingSleep
) -> None:
    fake.faults.add(Fault(status=429, body=throttle_body(10)), method="POST")
    room = await adapter.create_room(request())
    assert len(fake.requests_to(MEETINGS, "POST")) == 2
    assert list(fake.meetings) == [room.room_id]
    assert sleeps.delays == [pytest.approx(0.01)]


async def test_500_on_get_is_retried_then_succeeds(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    created = await adapter.create_room(request())
    fake.faults.add(Fault(status=500), method="GET")
    meeting = await adapter.get_meeting(created.room_id)
    assert meeting.room_url == fake.meetings[created.room_id].room_url
    assert len(fake.requests_to(MEETINGS, "GET")) == 2


async def test_500_on_delete_is_retried_because_delete_is_idempotent(
    adapter: WherebyProvider, fake: FakeWhereby
) -> None:
    created = await adapter.create_room(request())
    fake.faults.add(Fault(status=503), method="DELETE")
    await adapter.delete_room(created.room_id)
    assert len(fake.requests_to(MEETINGS, "DELETE")) == 2
    assert fake.meetings == {}


async def test_a_create_that_gets_500_is_not_retried(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    fake.faults.add(Fault(status=500, body={"error": "Internal Server Error"}), method="POST", times=3)
    with pytest.raises(Unavailable) as caught:
        await adapter.create_room(request())
    assert caught.value.status == 500
    assert len(fake.requests_to(MEETINGS, "POST")) == 1


def impatient(base_url: str, policy: RetryPolicy) -> WherebyProvider:
    """The adapter with a short timeout, for the fake's slow answers to run past."""
    return WherebyProvider(WherebyCredentials(api_key=KEY), endpoints=Endpoints(whereby=f"{base_url}/v1"),
                           policy=dataclasses.replace(policy, timeout=SHORT_TIMEOUT.timeout))


async def test_a_create_whose_answer_times_out_is_not_retried(
        base_url: str, policy: RetryPolicy, fake: FakeWhereby) -> None:
    # The room is made, then the answer never arrives in time: retrying would make a second room.
    fake.faults.add(Fault(delay=1.0, status=201, after_handling=True), method="POST", times=3)
    with pytest.raises(Unavailable) as caught:
        async with impatient(base_url, policy) as adapter:
            await adapter.create_room(request())
    assert "Timeout" in (caught.value.raw or "")
    assert len(fake.requests_to(MEETINGS, "POST")) == 1
    assert len(fake.meetings) == 1


async def test_a_get_that_times_out_is_retried(base_url: str, policy: RetryPolicy, fake: FakeWhereby) -> None:
    async with impatient(base_url, policy) as adapter:
        created = await adapter.create_room(request())
        fake.faults.add(Fault(delay=1.0, status=500), method="GET")
        meeting = await adapter.get_meeting(created.room_id)
    assert meeting.meeting_id == created.room_id
    assert len(fake.requests_to(MEETINGS, "GET")) == 2


async def test_malformed_json_is_unavailable(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    fake.faults.add(Fault(malformed=True), method="GET")
    with pytest.raises(Unavailable) as caught:
        await adapter.get_meeting("1")
    assert "unreadable body" in (caught.value.raw or "")


async def test_a_meeting_without_its_required_fields_is_unavailable(
    adapter: WherebyProvider, fake: FakeWhereby
) -> None:
    fake.faults.add(Fault(status=200, body={"meetingId": "1"}), method="GET")
    with pytest.raises(Unavailable):
        await adapter.get_meeting("1")


async def test_a_repeated_cursor_stops_the_listing(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    page = {"results": [], "cursor": "same"}
    fake.faults.add(Fault(status=200, body=page), method="GET", times=2)
    with pytest.raises(Unavailable):
        [m async for m in adapter.list_meetings()]
    assert len(fake.requests) == 2
