"""Airmeet events: status, landing page, duplication, the event list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from providers.airmeet import AirmeetProvider, EventStatus
from providers.errors import Rejected
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import Fault
from tests.unit.providers.airmeet.support import START, new_event


# ---------------------------------------------------------------- status, booths, landing page, duplication


async def test_update_status_moves_the_event(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    await airmeet.update_status(event_id, EventStatus.ONGOING)
    assert fake.events[event_id].status == "ONGOING"
    await airmeet.update_status(event_id, "paused")

    assert fake.requests_to(f"/airmeet/{event_id}/status")[-1].json == {"status": "PAUSED"}
    assert fake.events[event_id].status == "PAUSED"


async def test_update_status_refuses_an_unknown_status(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    with pytest.raises(Rejected) as caught:
        await airmeet.update_status(event_id, "CANCELLED")
    assert caught.value.field == "status"
    assert fake.requests_to(f"/airmeet/{event_id}/status") == []

    # And Airmeet's own "400 Bad Request - in case the status does not exist":
    fake.faults.add(Fault(status=400, body={"success": False, "message": "Status does not exist"}),
                    path=f"/airmeet/{event_id}/status")
    with pytest.raises(Rejected) as caught:
        await airmeet.update_status(event_id, "FINISHED")
    assert (caught.value.field, caught.value.raw) == ("status", "Status does not exist")


async def test_customize_landing_page(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    await airmeet.customize_landing_page(event_id, ambience="DARK", layout="MODERN", highlight_color="#1a2B3c",
                                         button_text_color="#FFFFFF", image_url="https://cdn.example.com/slide.png")

    sent = fake.requests_to(f"/airmeet/{event_id}/landing-page")[-1]
    assert sent.method == "PUT"
    assert sent.json == {"ambience": "DARK", "layout": "MODERN", "highlightColor": "#1a2B3c",
                         "buttonTextColor": "#FFFFFF", "imageUrl": "https://cdn.example.com/slide.png"}
    assert fake.events[event_id].landing_page["layout"] == "MODERN"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ambience": "DIM"}, "ambience"),
        ({"layout": "GRID"}, "layout"),
        ({"highlight_color": "#fff"}, "highlightColor"),
        ({"button_text_color": "red"}, "buttonTextColor"),
        ({"image_url": "https://cdn.example.com/slide.webp"}, "imageUrl"),
        ({}, None),
    ],
)
async def test_landing_page_values_are_checked_before_sending(
    airmeet: AirmeetProvider, fake: FakeAirmeet, kwargs: dict[str, str], field: str | None
) -> None:
    with pytest.raises(Rejected) as caught:
        await airmeet.customize_landing_page("some-event", **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert fake.requests == []


async def test_duplicate_event_sends_milliseconds_and_zone(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    await airmeet.add_speaker(event_id, name="Ada", email="ada@example.com")
    later = START + timedelta(days=30)

    copy = await airmeet.duplicate_event(event_id, start=later, timezone="Europe/Berlin", name="Review II")

    assert fake.requests_to(f"/airmeet/{event_id}/duplication")[-1].json == {
        "startTime": int(later.timestamp() * 1000), "timezone": "Europe/Berlin", "eventName": "Review II",
    }
    duplicated = fake.events[copy.room_id]
    assert duplicated.fields["eventName"] == "Review II"
    assert duplicated.fields["timing"]["timezone"] == "Europe/Berlin"
    assert "ada@example.com" in duplicated.speakers
    assert copy.join_url == f"https://www.airmeet.com/e/{copy.room_id}"

    with pytest.raises(Rejected) as caught:
        await airmeet.duplicate_event(event_id, start=later, timezone="Berlin")
    assert caught.value.field == "timezone"


# ---------------------------------------------------------------- reads and paging


async def test_list_events_skips_archived_ones(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    kept, archived = await new_event(airmeet), await new_event(airmeet)
    await airmeet.archive_event(archived)

    listed = [e["uid"] async for e in airmeet.list_events()]

    assert listed == [kept]
    assert fake.requests_to("/airmeets")[-1].query == {"size": "500"}
