"""Helpers the Whereby adapter tests share: the key, the path, a room request, a recording sleep."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from providers.base import RoomRequest


KEY = "wb-secret-key-1234"
MEETINGS = "/v1/meetings"


class RecordingSleep:
    """A policy ``sleep`` that remembers how long the adapter chose to wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(min(seconds, 0.05))


def request(*, end: datetime | None = None, **options: object) -> RoomRequest:
    start = datetime.now(UTC) + timedelta(hours=1)
    return RoomRequest(
        title="Standup", start=start, end=end or start + timedelta(minutes=30), timezone="Europe/Zurich",
        options=options,
    )
