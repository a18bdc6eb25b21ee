"""Airmeet booths: create and list."""

from __future__ import annotations

from providers.airmeet import AirmeetProvider
from tests.fakes.airmeet import FakeAirmeet
from tests.unit.providers.airmeet.support import new_event


async def test_create_booth_and_list_booths(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    booth_id = await airmeet.create_booth(event_id, name="Sponsor A", tags=["gold"])

    assert fake.requests_to(f"/airmeet/{event_id}/booths", "POST")[-1].json == {"name": "Sponsor A", "tags": ["gold"]}
    assert fake.events[event_id].booths[booth_id]["name"] == "Sponsor A"
    assert [b["uid"] for b in await airmeet.booths(event_id)] == [booth_id]
