"""Airmeet adapter: the common interface (create_room, delete_room, personal links, registry)."""

from __future__ import annotations

import pytest

from providers.airmeet import EVENT_LINK, AirmeetProvider
from providers.base import Capability, Endpoints, Role
from providers.errors import NotSupported, Rejected
from providers.registry import build
from tests.fakes.airmeet import FakeAirmeet
from tests.unit.providers.airmeet.support import END, START, new_event, room_request


# ---------------------------------------------------------------- create event / generic interface


async def test_create_room_posts_the_event_and_returns_its_page(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    room = await airmeet.create_room(room_request(options={"access_type": "WITHOUT_VERIFIED_EMAIL"}))

    sent = fake.requests_to("/airmeet", "POST")[-1]
    assert sent.path == "/airmeet"
    assert sent.headers["x-airmeet-access-token"] in fake.tokens
    assert sent.headers["content-type"] == "application/json"
    assert sent.json == {
        "hostEmail": "host@example.com",
        "eventName": "Quarterly review",
        "shortDesc": "Numbers and plans",
        "timing": {"startTime": int(START.timestamp() * 1000), "endTime": int(END.timestamp() * 1000),
                   "timezone": "Asia/Kolkata"},
        "accessType": "WITHOUT_VERIFIED_EMAIL",
    }
    assert room.room_id in fake.events
    assert fake.events[room.room_id].fields["accessType"] == "WITHOUT_VERIFIED_EMAIL"
    assert room.join_url == EVENT_LINK.format(uuid=room.room_id) == f"https://www.airmeet.com/e/{room.room_id}"
    assert room.host_url is None
    assert room.details["status"] == "CREATED"
    assert (room.starts_at, room.ends_at) == (START, END)


async def test_create_room_short_desc_option_wins_and_access_defaults_at_airmeet(
    airmeet: AirmeetProvider, fake: FakeAirmeet
) -> None:
    room = await airmeet.create_room(room_request(description=None, options={"short_desc": "Short", "event_type": "MEETUP"}))

    body = fake.requests_to("/airmeet", "POST")[-1].json
    assert body["shortDesc"] == "Short"
    assert body["eventType"] == "MEETUP"
    assert "accessType" not in body
    assert fake.events[room.room_id].fields["accessType"] == "INVITED_ONLY"  # the seed's default


async def test_create_room_needs_a_host_email(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    with pytest.raises(Rejected) as caught:
        await airmeet.create_room(room_request(host_email=None))

    assert caught.value.field == "host_email"
    assert fake.requests == []  # refused before any call, not even /auth


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "localtime"}, "timezone"),
        ({"end": START}, "end"),
        ({"options": {"access_type": "EVERYONE"}}, "access_type"),
        ({"options": {"colour": "red"}}, "colour"),
    ],
)
async def test_create_room_checks_values_locally(
    airmeet: AirmeetProvider, fake: FakeAirmeet, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(Rejected) as caught:
        await airmeet.create_room(room_request(**changes))

    assert caught.value.field == field
    assert fake.requests_to("/airmeet") == []
    assert fake.events == {}


async def test_create_event_400_keeps_airmeets_message(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    with pytest.raises(Rejected) as caught:
        await airmeet.create_event(host_email="not-an-email", name="X", short_desc="Y", start=START, end=END,
                                   timezone="Europe/Zurich")

    assert caught.value.status == 400
    assert caught.value.raw == "hostEmail is not a valid email"
    assert "hostEmail is not a valid email" in caught.value.user_message


async def test_delete_room_is_not_supported_and_archive_is_separate(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    assert Capability.CANCEL not in AirmeetProvider.capabilities
    with pytest.raises(NotSupported):
        await airmeet.delete_room(event_id)
    assert fake.events[event_id].status == "CREATED"

    await airmeet.archive_event(event_id)
    assert fake.requests_to(f"/airmeet/{event_id}/status")[-1].json == {"status": "ARCHIVE"}
    assert fake.events[event_id].status == "ARCHIVE"


async def test_personal_link_is_the_event_page(airmeet: AirmeetProvider) -> None:
    room = await airmeet.create_room(room_request())

    link = await airmeet.personal_link(room, email="guest@example.com", name="Guest", role=Role.LISTENER)

    assert link == room.join_url
    assert Capability.PERSONAL_LINK not in AirmeetProvider.capabilities


def test_registry_builds_the_adapter_from_stored_credentials() -> None:
    adapter = build("airmeet", {"access_key": "ak", "secret_key": "sk", "region": "us"}, endpoints=Endpoints())

    assert isinstance(adapter, AirmeetProvider)
    assert adapter.base_url == "https://api-gateway-prod.us.airmeet.com/prod"
    assert "sk" not in repr(adapter.credentials)
