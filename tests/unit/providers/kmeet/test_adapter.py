"""kMeet: instant rooms need no HTTP; planned conferences go through the loopback Infomaniak fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from providers.base import Endpoints, MoveBy, Role, RoomRequest
from providers.errors import AuthFailed, NotConfigured, NotFound, NotSupported, Rejected, Unavailable
from providers.http import RetryPolicy
from providers.kmeet import KMeetCredentials, KMeetOptions, KMeetProvider
from tests.fakes.kmeet import REQUIRED_OPTIONS, FakeInfomaniak
from tests.fakes.server import Fault, serve
from tests.support.policy import FAST, SHORT_TIMEOUT


START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeInfomaniak]:
    fake = FakeInfomaniak()
    with serve(fake.app) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


_made: list[KMeetProvider] = []  # closed after each test, as the app closes an adapter after its command


@pytest.fixture(autouse=True)
async def close_adapters() -> AsyncIterator[None]:
    yield
    while _made:
        await _made.pop().aclose()


def adapter(fake: FakeInfomaniak | None = None, *, token: str | None = "ik-token", calendar_id: int | None = 72618,
            host: str = "meet.example.test", policy: RetryPolicy = FAST) -> KMeetProvider:
    endpoints = Endpoints(infomaniak=getattr(fake, "url", "http://127.0.0.1:9"), kmeet_host=host)
    credentials = KMeetCredentials(token=token, calendar_id=calendar_id)
    _made.append(KMeetProvider(credentials, endpoints=endpoints, policy=policy))
    return _made[-1]


def request(**options: object) -> RoomRequest:
    return RoomRequest(title="Planning", start=START, end=START + timedelta(minutes=45),
                       timezone="Europe/Zurich", options=options)


async def test_instant_room_is_an_unguessable_url_on_the_configured_host() -> None:
    kmeet = adapter(token=None, calendar_id=None)
    first = await kmeet.create_room(request())
    second = await kmeet.create_room(request())
    assert first.join_url.startswith("https://meet.example.test/")
    name = first.join_url.rsplit("/", 1)[1]
    assert len(name) == 26 and name.isalnum() and name == name.lower()
    assert first.join_url != second.join_url
    assert first.host_url is None
    assert await kmeet.personal_link(first, email="a@b.c", name="A", role=Role.HOST) == first.join_url
    await kmeet.aclose()


async def test_instant_room_sends_no_request(fake: FakeInfomaniak) -> None:
    await adapter(fake).create_room(request())
    assert fake.requests == []


async def test_planned_conference_sends_local_times_and_options_as_an_array_of_one_object(fake: FakeInfomaniak) -> None:
    kmeet = adapter(fake)
    room = await kmeet.create_room(
        RoomRequest(title="Planning", start=START, end=START + timedelta(minutes=45), timezone="Europe/Zurich",
                    description="Q1", invitee_emails=("ana@example.com",),
                    options={"mode": "planned", "lobby": "yes", "password": "s3cret", "e2ee": True})
    )
    sent = fake.requests_to("/1/kmeet/rooms", "POST")[-1]
    assert sent.headers["authorization"] == "Bearer ik-token"
    body = sent.json
    assert body["starting_at"] == "2026-12-01 10:00:00"  # 09:00 UTC is 10:00 in Zurich in December
    assert body["ending_at"] == "2026-12-01 10:45:00"
    assert body["timezone"] == "Europe/Zurich" and body["hostname"] == "meet.example.test"
    assert body["calendar_id"] == 72618
    [options] = body["options"]  # seed 004: "options required array of object"
    assert options["lobby_enabled"] is True and options["password_enabled"] is True
    assert options["password"] == "s3cret" and options["e2ee_enabled"] is True
    assert body["attendees"] == [{"address": "ana@example.com", "state": "NEEDS-ACTION"}]
    stored = fake.rooms[int(room.room_id)]
    assert room.join_url == f"https://meet.example.test/{stored['name']}"
    settings = await kmeet.room_settings(room.room_id)
    assert settings["options"][0]["lobby_enabled"] is True and "password" not in settings["options"][0]


async def test_planned_options_imply_planned_mode(fake: FakeInfomaniak) -> None:
    await adapter(fake).create_room(request(lobby=True))
    assert len(fake.rooms) == 1


async def test_planned_without_token_is_not_configured(fake: FakeInfomaniak) -> None:
    with pytest.raises(NotConfigured):
        await adapter(fake, token=None).create_room(request(mode="planned"))
    assert fake.requests == []


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"mode": "planned", "recording": True}, "drive_id"),
        ({"mode": "planned", "lobby": "maybe"}, "lobby"),
        ({"mode": "sometimes"}, "mode"),
        ({"mode": "planned", "calendar_id": "work"}, "calendar_id"),
    ],
)
async def test_bad_planned_options_are_rejected_before_sending(fake: FakeInfomaniak, options: dict, field: str) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter(fake).create_room(request(**options))
    assert caught.value.field == field
    assert fake.requests == []


async def test_wrong_token_is_auth_failed(fake: FakeInfomaniak) -> None:
    with pytest.raises(AuthFailed) as caught:
        await adapter(fake, token="wrong").create_room(request(mode="planned"))
    assert "not_authorized" in (caught.value.raw or "")
    with pytest.raises(AuthFailed):
        await adapter(fake, token="wrong").verify()
    await adapter(fake).verify()


async def test_validation_error_names_the_field(fake: FakeInfomaniak) -> None:
    kmeet = adapter(fake)
    with pytest.raises(Rejected) as caught:
        await kmeet.create_room(RoomRequest(title="Late", start=START, end=START - timedelta(hours=1),
                                            timezone="Europe/Zurich", options={"mode": "planned"}))
    assert caught.value.field == "ending_at" and caught.value.status == 422


async def test_calendar_of_someone_else_is_refused_naming_the_calendar(fake: FakeInfomaniak) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter(fake, calendar_id=1).create_room(request(mode="planned"))
    assert "Calendar 1" in caught.value.user_message and "key" not in caught.value.user_message
    assert caught.value.status == 403


async def test_verify_uses_the_calendar_list_the_seed_names(fake: FakeInfomaniak) -> None:
    await adapter(fake).verify()
    assert [r.path for r in fake.requests] == ["/api/pim/calendar"]
    assert fake.requests[0].headers["authorization"] == "Bearer ik-token"


async def test_verify_refuses_a_calendar_the_token_cannot_write_to(fake: FakeInfomaniak) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter(fake, calendar_id=555).verify()
    assert "Calendar 555" in caught.value.user_message and "key" not in caught.value.user_message
    assert caught.value.field == "calendar_id"
    assert fake.requests_to("/1/kmeet/rooms", "POST") == []


async def test_verify_reports_a_403_on_the_calendar_list_as_the_calendar(fake: FakeInfomaniak) -> None:
    fake.faults.add(Fault(status=403), path="/api/pim/calendar")
    with pytest.raises(Rejected) as caught:
        await adapter(fake).verify()
    assert "Calendar 72618" in caught.value.user_message and "key" not in caught.value.user_message


def test_real_calendar_list_lives_on_the_calendar_host() -> None:
    assert adapter(None).calendar_base() == "http://127.0.0.1:9"
    real = KMeetProvider(KMeetCredentials(token="t", calendar_id=1), endpoints=Endpoints())
    assert real.calendar_base() == "https://calendar.infomaniak.com"


async def test_fake_refuses_options_sent_as_one_object(fake: FakeInfomaniak) -> None:
    body = {"calendar_id": 72618, "starting_at": "2026-12-01 10:00:00", "ending_at": "2026-12-01 11:00:00",
            "timezone": "Europe/Zurich", "hostname": "kmeet.infomaniak.com", "title": "x",
            "options": {key: False for key in REQUIRED_OPTIONS} | {"subject": "x"}}
    async with httpx.AsyncClient(base_url=fake.url) as client:  # type: ignore[attr-defined]
        answer = await client.post("/1/kmeet/rooms", json=body, headers={"Authorization": "Bearer ik-token"})
        assert answer.status_code == 422 and "array of objects" in answer.text
        body["options"] = [body["options"]]
        answer = await client.post("/1/kmeet/rooms", json=body, headers={"Authorization": "Bearer ik-token"})
        assert answer.status_code == 200


async def test_seed_shaped_answer_without_name_or_id_still_makes_the_room(fake: FakeInfomaniak) -> None:
    fake.answer = "seed"
    room = await adapter(fake).create_room(request(mode="planned"))
    assert len(fake.rooms) == 1 and len(fake.requests_to("/1/kmeet/rooms", "POST")) == 1
    assert room.join_url == "https://calendar.infomaniak.com" and room.details["link_note"]
    assert room.room_id


async def test_answer_with_an_id_but_no_name_finds_the_room(fake: FakeInfomaniak) -> None:
    fake.answer = "no-name"
    room = await adapter(fake).create_room(request(mode="planned"))
    stored = fake.rooms[int(room.room_id)]
    assert room.join_url == f"https://meet.example.test/{stored['name']}"
    fake.faults.add(Fault(status=404), path="/1/kmeet/rooms/")
    unlisted = await adapter(fake).create_room(request(mode="planned"))
    assert unlisted.join_url == "https://calendar.infomaniak.com" and len(fake.rooms) == 2


async def test_unknown_settings_is_not_found(fake: FakeInfomaniak) -> None:
    with pytest.raises(NotFound):
        await adapter(fake).room_settings("999")


async def test_create_is_not_retried_after_a_server_error(fake: FakeInfomaniak) -> None:
    fake.faults.add(Fault(status=500, after_handling=True), path="/1/kmeet/rooms")
    with pytest.raises(Unavailable):
        await adapter(fake).create_room(request(mode="planned"))
    assert len(fake.requests_to("/1/kmeet/rooms", "POST")) == 1


async def test_read_is_retried_after_server_errors_and_malformed_json(fake: FakeInfomaniak) -> None:
    kmeet = adapter(fake)
    room = await kmeet.create_room(request(mode="planned"))
    fake.faults.add(Fault(status=503), path="/1/kmeet/rooms/")
    fake.faults.add(Fault(status=429, retry_after=0), path="/1/kmeet/rooms/")
    settings = await kmeet.room_settings(room.room_id)
    assert settings["id"] == int(room.room_id)
    assert len(fake.requests_to("/1/kmeet/rooms/", "GET")) == 3
    fake.faults.add(Fault(malformed=True), path="/1/kmeet/rooms/")
    with pytest.raises(Unavailable):
        await kmeet.room_settings(room.room_id)


async def test_timeout_on_create_is_unavailable_and_not_retried(fake: FakeInfomaniak) -> None:
    fake.faults.add(Fault(delay=1.5), path="/1/kmeet/rooms")
    with pytest.raises(Unavailable):
        await adapter(fake, policy=SHORT_TIMEOUT).create_room(request(mode="planned"))
    assert len(fake.requests_to("/1/kmeet/rooms", "POST")) == 1


async def test_rooms_cannot_be_deleted_through_the_api() -> None:
    with pytest.raises(NotSupported):
        await adapter().delete_room("abc")


async def test_an_instant_room_moves_as_it_is_and_a_planned_one_needs_a_new_room(fake: FakeInfomaniak) -> None:
    kmeet = adapter(fake)
    instant = await kmeet.create_room(request())
    assert KMeetProvider.move_by(instant) is MoveBy.RESCHEDULE
    later = RoomRequest(title="Planning", start=START + timedelta(days=1), end=START + timedelta(days=1, hours=1),
                        timezone="Europe/Zurich")
    moved = await kmeet.reschedule_room(instant, later)
    assert (moved.room_id, moved.join_url, moved.starts_at) == (instant.room_id, instant.join_url, later.start)
    assert fake.requests == []  # an instant room is a link: nothing to tell kMeet
    planned = await kmeet.create_room(request(mode="planned"))
    assert KMeetProvider.move_by(planned) is MoveBy.NEW_ROOM
    with pytest.raises(NotSupported):
        await kmeet.reschedule_room(planned, later)
    assert KMeetOptions.from_room_details(planned.details) == {"mode": "planned"}
    assert KMeetOptions.from_room_details(instant.details) == {}
    await kmeet.aclose()
