"""Helpers the Roomful adapter tests share: times, the room id, request builders, the envelope check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from providers.base import RoomRequest
from tests.fakes.roomful import FakeRoomful, RecordedRpc


START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
ZURICH = ZoneInfo("Europe/Zurich")
MONDAY = datetime(2030, 1, 7, tzinfo=ZURICH)  # local midnight; January is UTC+1
ROOM_ID = "55mx098565068t"


def meeting_request(**options: object) -> RoomRequest:
    return RoomRequest(
        title="Standup", start=START, end=START + timedelta(minutes=30), timezone="Europe/Zurich",
        options={"source_type": "room", "source_ids": [ROOM_ID], **options},
    )


def at(day: datetime, hour: float) -> datetime:
    return day + timedelta(hours=hour)


def envelope(fake: FakeRoomful, event: str) -> dict:
    """The last request for ``event``, after checking Roomful's envelope: data + event {id, date}."""
    rpc: RecordedRpc = fake.rpcs_to(event)[-1]
    assert set(rpc.payload) == {"data", "event"}
    assert isinstance(rpc.payload["event"]["id"], str) and rpc.payload["event"]["id"]
    sent_at = datetime.fromisoformat(rpc.payload["event"]["date"])
    assert abs(sent_at - datetime.now(UTC)) < timedelta(minutes=1)
    ids = [r.payload["event"]["id"] for r in fake.rpcs]
    assert len(ids) == len(set(ids))  # every request has its own event id
    return rpc.payload["data"]


async def create(adapter: Any, *, subject: str = "Standup", start: datetime = at(MONDAY, 10), minutes: int = 30, **kwargs: Any) -> Any:
    options = {"source_type": "room", "source_ids": [ROOM_ID], **kwargs}
    return await adapter.create_meeting(
        source_type=options.pop("source_type"), source_ids=options.pop("source_ids"), subject=subject,
        start=start, end=start + timedelta(minutes=minutes), **options,
    )
