"""Airmeet client: documented statuses as typed errors, retries and unreadable answers."""

from __future__ import annotations

import pytest

from providers.airmeet import AirmeetProvider
from providers.errors import AuthFailed, NotFound, RateLimited, Rejected, Unavailable
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import Fault
from tests.unit.providers.airmeet.support import room_request


# ---------------------------------------------------------------- documented errors


@pytest.mark.parametrize(
    ("status", "message", "error_type"),
    [
        (401, "Token does not have permission for this community", AuthFailed),
        (403, "Keys revoked", AuthFailed),
        (404, "Invalid community_id", NotFound),
        (400, "Missing mandatory field", Rejected),
    ],
)
async def test_documented_statuses_map_to_typed_errors(
    airmeet: AirmeetProvider, fake: FakeAirmeet, status: int, message: str, error_type: type[Exception]
) -> None:
    await airmeet.verify()
    fake.faults.add(Fault(status=status, body={"success": False, "message": message}), path="/airmeet", method="POST")

    with pytest.raises(error_type) as caught:
        await airmeet.create_room(room_request())

    assert caught.value.status == status  # type: ignore[attr-defined]
    assert caught.value.raw == message  # type: ignore[attr-defined]
    assert fake.events == {}


async def test_read_that_keeps_failing_is_unavailable(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    await airmeet.verify()
    fake.faults.add(Fault(status=500, body={"success": False, "message": "generic server error"}),
                    path=f"/airmeet/{event.uuid}/info", times=3)

    with pytest.raises(Unavailable) as caught:
        await airmeet.event_info(event.uuid)

    assert (caught.value.status, caught.value.raw) == (500, "generic server error")
    assert len(fake.requests_to(f"/airmeet/{event.uuid}/info")) == 3  # first try + two retries


async def test_long_retry_after_is_rate_limited(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    await airmeet.verify()
    fake.faults.add(Fault(status=429, retry_after=120), path=f"/airmeet/{event.uuid}/info")

    with pytest.raises(RateLimited) as caught:
        await airmeet.event_info(event.uuid)
    assert caught.value.retry_after == 120


async def test_malformed_answer_is_unavailable(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    await airmeet.verify()
    fake.faults.add(Fault(malformed=True), path=f"/airmeet/{event.uuid}/questions")

    with pytest.raises(Unavailable):
        await airmeet.questions(event.uuid)
