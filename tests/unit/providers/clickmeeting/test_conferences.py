"""ClickMeeting conferences: paging, get, edit, registration switch, delete, skins."""

from __future__ import annotations

from typing import Any

import pytest

from providers.clickmeeting import ClickMeetingProvider
from providers.errors import NotFound, Rejected
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.providers.clickmeeting.support import form_of, last, make_room, seed_rooms


# --- conferences ----------------------------------------------------------------------------------------------


async def test_conference_pages_walk_250_at_a_time(fake: FakeClickMeeting, adapter: ClickMeetingProvider) -> None:
    active = seed_rooms(fake, 260)
    inactive = seed_rooms(fake, 3, status="inactive")

    pages = [page async for page in adapter.conference_pages("active")]
    assert [len(page) for page in pages] == [250, 10]
    assert [c["id"] for page in pages for c in page] == active
    sent = fake.requests_to("/v1/conferences/active.json", "GET")
    assert [r.query for r in sent] == [{"page": "1"}, {"page": "2"}]
    assert all(r.headers["x-api-key"] == "cm-test-key" for r in sent)

    rooms = [room async for room in adapter.rooms("inactive")]
    assert [int(room.room_id) for room in rooms] == inactive
    assert all(room.join_url.startswith("https://meetbot.clickmeeting.test/") for room in rooms)


async def test_a_full_last_page_costs_one_empty_request(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    seed_rooms(fake, 250)
    pages = [page async for page in adapter.conference_pages()]
    assert [len(page) for page in pages] == [250]
    assert [r.query["page"] for r in fake.requests_to("/v1/conferences/active")] == ["1", "2"]


async def test_pages_stop_when_the_provider_repeats_itself(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    seed_rooms(fake, 300)
    original = fake.list_conferences

    async def ignore_page(req: Any) -> Any:  # a server that does not know `page` sends everything
        return [room for room in fake.conferences.values() if room["status"] == "active"]

    fake.routes = [(m, p, ignore_page if h == original else h) for m, p, h in fake.routes]
    pages = [page async for page in adapter.conference_pages()]
    assert [len(page) for page in pages] == [300]
    assert len(fake.requests_to("/v1/conferences/active")) == 2


async def test_conference_list_status_is_checked_locally(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    with pytest.raises(Rejected) as caught:
        async for _ in adapter.conference_pages("archived"):
            pass
    assert caught.value.field == "status" and fake.requests == []


async def test_get_edit_and_registration_switch(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    conference = await adapter.get_conference(room.room_id)
    assert conference["name"] == "Weekly sync" and last(fake, "GET", f"/v1/conferences/{room.room_id}.json")

    edited = await adapter.edit_conference(
        room.room_id,
        {
            "name": "Renamed",
            "status": "inactive",
            "permanent_room": False,
            "starts_at": "2030-06-01 09:00:00",
            "duration": "2:00",
            "settings": {"connection_tester_enabled": True, "thank_you_page_url": "https://ex.test/thanks"},
        },
    )
    path = f"/v1/conferences/{room.room_id}.json"
    assert form_of(last(fake, "PUT", path)) == [
        ("name", "Renamed"),
        ("status", "inactive"),
        ("permanent_room", "0"),
        ("starts_at", "2030-06-01 09:00:00"),
        ("duration", "2:00"),
        ("settings[connection_tester_enabled]", "1"),
        ("settings[thank_you_page_url]", "https://ex.test/thanks"),
    ]
    stored = fake.conferences[int(room.room_id)]
    assert edited == stored
    assert stored["name"] == "Renamed" and stored["status"] == "inactive"
    assert (stored["starts_at"], stored["ends_at"]) == ("2030-06-01T09:00:00+02:00", "2030-06-01T11:00:00+02:00")
    assert stored["settings"]["connection_tester_enabled"] is True

    await adapter.set_registration(room.room_id, enabled=True, template=3)
    assert form_of(last(fake, "PUT", path)) == [("registration[enabled]", "1"), ("registration[template]", "3")]
    assert fake.conferences[int(room.room_id)]["registration_enabled"] == 1
    await adapter.set_registration(room.room_id, enabled=False)
    assert form_of(last(fake, "PUT", path)) == [("registration[enabled]", "0")]
    assert fake.conferences[int(room.room_id)]["registration_enabled"] == 0


async def test_edit_refuses_times_without_permanent_room(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    before = len(fake.requests)
    with pytest.raises(Rejected) as caught:
        await adapter.edit_conference(room.room_id, {"duration": "3:00"})
    assert caught.value.field == "permanent_room" and len(fake.requests) == before
    with pytest.raises(Rejected):
        await adapter.set_registration(room.room_id, enabled=True, template=9)


async def test_delete_conference_and_missing_one(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    await adapter.delete_conference(room.room_id)
    assert int(room.room_id) not in fake.conferences
    with pytest.raises(NotFound) as caught:
        await adapter.delete_conference(room.room_id)
    assert "Conference not found." in (caught.value.raw or "")


async def test_skins(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    skins = await adapter.skins()
    assert skins == fake.skins and last(fake, "GET", "/v1/conferences/skins.json")
