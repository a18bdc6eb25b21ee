"""Airmeet speakers: the fields sent, the picture rule, duplicates."""

from __future__ import annotations

import pytest

from providers.airmeet import AirmeetProvider
from providers.errors import NotFound, Rejected
from tests.fakes.airmeet import FakeAirmeet
from tests.unit.providers.airmeet.support import new_event


# ---------------------------------------------------------------- speakers


async def test_add_speaker_sends_the_fields_and_the_fake_keeps_them(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    added = await airmeet.add_speaker(event_id, name="Ada Lovelace", email="ada@example.com",
                                      organisation="Analytical", image_url="https://cdn.example.com/ada.JPEG")

    assert fake.requests_to(f"/airmeet/{event_id}/speaker")[-1].json == {
        "name": "Ada Lovelace", "email": "ada@example.com", "organisation": "Analytical",
        "imageUrl": "https://cdn.example.com/ada.JPEG",
    }
    assert (added.email, added.status, added.warnings) == ("ada@example.com", "ADDED_TO_EVENT", ())
    assert fake.events[event_id].speakers["ada@example.com"]["imageUrl"] == "https://cdn.example.com/ada.JPEG"


async def test_add_speaker_drops_a_picture_airmeet_will_not_take(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    added = await airmeet.add_speaker(event_id, name="Grace", email="grace@example.com",
                                      image_url="https://cdn.example.com/grace.png?w=200")

    assert "imageUrl" not in fake.requests_to(f"/airmeet/{event_id}/speaker")[-1].json
    assert len(added.warnings) == 1 and "default profile image" in added.warnings[0]
    assert "grace@example.com" in fake.events[event_id].speakers


async def test_add_speaker_twice_is_rejected_with_airmeets_words(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    await airmeet.add_speaker(event_id, name="Ada", email="ada@example.com")

    with pytest.raises(Rejected) as caught:
        await airmeet.add_speaker(event_id, name="Ada", email="ada@example.com")

    assert (caught.value.status, caught.value.field) == (400, "email")
    assert caught.value.raw == "Speaker with the same name or email already exists"
    assert len(fake.events[event_id].speakers) == 1


async def test_add_speaker_needs_name_and_email(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    with pytest.raises(Rejected) as caught:
        await airmeet.add_speaker("some-event", name="Ada", email=" ")
    assert caught.value.field == "email"
    assert fake.requests == []


async def test_unknown_event_is_not_found(airmeet: AirmeetProvider) -> None:
    with pytest.raises(NotFound) as caught:
        await airmeet.add_speaker("no-such-event", name="Ada", email="ada@example.com")

    assert (caught.value.status, caught.value.raw) == (404, "Airmeet not found")
