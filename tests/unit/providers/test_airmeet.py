"""Airmeet adapter against the loopback fake: every endpoint, its checks and its documented errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from providers.airmeet import (
    EVENT_LINK,
    AirmeetCredentials,
    AirmeetProvider,
    EventStatus,
)
from providers.base import Capability, Endpoints, MemoryTokenCache, Role, RoomRequest
from providers.errors import (
    AuthFailed,
    NotFound,
    NotReady,
    NotSupported,
    RateLimited,
    Rejected,
    Unavailable,
)
from providers.http import RetryPolicy
from providers.registry import build
from tests.fakes.airmeet import PREPARING, FakeAirmeet
from tests.fakes.server import Fault, serve

POLICY = RetryPolicy(initial_delay=0.01, max_delay=0.05, timeout=0.5)
CREDS = AirmeetCredentials(access_key="ak", secret_key="sk")
START = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=2)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeAirmeet, str]]:
    # One loopback server per module; each test starts from a reset fake.
    fake = FakeAirmeet(access_key="ak", secret_key="sk", team=("host@example.com", "cohost@example.com"))
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def fake(served: tuple[FakeAirmeet, str]) -> FakeAirmeet:
    served[0].reset()
    return served[0]


@pytest.fixture
def base_url(served: tuple[FakeAirmeet, str], fake: FakeAirmeet) -> str:
    return served[1]


@pytest.fixture
async def airmeet(base_url: str) -> AsyncIterator[AirmeetProvider]:
    adapter = AirmeetProvider(CREDS, endpoints=Endpoints(airmeet=base_url), policy=POLICY, token_cache=MemoryTokenCache())
    yield adapter
    await adapter.aclose()


def room_request(**changes: object) -> RoomRequest:
    values: dict[str, object] = {
        "title": "Quarterly review", "start": START, "end": END, "timezone": "Asia/Kolkata",
        "host_email": "host@example.com", "description": "Numbers and plans",
    }
    values.update(changes)
    return RoomRequest(**values)  # type: ignore[arg-type]


async def new_event(airmeet: AirmeetProvider) -> str:
    return (await airmeet.create_room(room_request())).room_id


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


# ---------------------------------------------------------------- sessions


async def test_create_session_is_a_hosting_session_with_speakers(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    await airmeet.add_speaker(event_id, name="Ada", email="ada@example.com")

    created = await airmeet.create_session(
        event_id, title="Keynote", start=START, duration_minutes=45, host_email="host@example.com",
        summary="Opening", speaker_emails=["ada@example.com"], cohost_emails=["ada@example.com"],
    )

    assert fake.requests_to(f"/airmeet/{event_id}/session")[-1].json == {
        "sessionTitle": "Keynote", "sessionStartTime": int(START.timestamp() * 1000), "sessionDuration": 45,
        "hostEmail": "host@example.com", "type": "HOSTING", "sessionSummary": "Opening",
        "speakerEmails": ["ada@example.com"], "cohostEmails": ["ada@example.com"],
    }
    assert created.session_id in fake.events[event_id].sessions
    info = await airmeet.event_info(event_id)
    assert [s["sessionid"] for s in info["sessions"]] == [created.session_id]
    assert info["session_hosts"] == [{"email": "host@example.com"}]


@pytest.mark.parametrize(
    ("kwargs", "field", "raw"),
    [
        ({"speaker_emails": ["stranger@example.com"]}, "speakerEmails", "Speaker stranger@example.com is not added to the Airmeet"),
        ({"host_email": "outsider@example.com"}, "hostEmail", "Host outsider@example.com is not a team member of the community"),
        ({"start": START + timedelta(minutes=30)}, "sessionStartTime", "There is already an overlapping session at the same time"),
    ],
)
async def test_create_session_refusals_name_the_field(
    airmeet: AirmeetProvider, fake: FakeAirmeet, kwargs: dict[str, object], field: str, raw: str
) -> None:
    event_id = await new_event(airmeet)
    await airmeet.create_session(event_id, title="First", start=START, duration_minutes=60, host_email="host@example.com")
    values: dict[str, object] = {"title": "Second", "start": START + timedelta(hours=3), "duration_minutes": 30,
                                 "host_email": "host@example.com"}
    values.update(kwargs)

    with pytest.raises(Rejected) as caught:
        await airmeet.create_session(event_id, **values)  # type: ignore[arg-type]

    assert (caught.value.status, caught.value.field, caught.value.raw) == (400, field, raw)
    assert len(fake.events[event_id].sessions) == 1


async def test_delete_session_removes_it_and_a_second_delete_is_not_found(
    airmeet: AirmeetProvider, fake: FakeAirmeet
) -> None:
    event_id = await new_event(airmeet)
    created = await airmeet.create_session(event_id, title="S", start=START, duration_minutes=10, host_email="host@example.com")
    assert created.session_id is not None

    await airmeet.delete_session(event_id, created.session_id)

    assert fake.requests[-1].method == "DELETE"
    assert fake.requests[-1].path == f"/airmeet/{event_id}/session/{created.session_id}"
    assert fake.events[event_id].sessions == {}
    with pytest.raises(NotFound):
        await airmeet.delete_session(event_id, created.session_id)


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


async def test_create_booth_and_list_booths(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    booth_id = await airmeet.create_booth(event_id, name="Sponsor A", tags=["gold"])

    assert fake.requests_to(f"/airmeet/{event_id}/booths", "POST")[-1].json == {"name": "Sponsor A", "tags": ["gold"]}
    assert fake.events[event_id].booths[booth_id]["name"] == "Sponsor A"
    assert [b["uid"] for b in await airmeet.booths(event_id)] == [booth_id]


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


async def test_add_attendee_registers_a_participant(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    await airmeet.add_attendee(event_id, email="lin@example.com", first_name="Lin", last_name="Wu")

    assert fake.requests_to(f"/airmeet/{event_id}/attendee")[-1].json == {
        "email": "lin@example.com", "firstName": "Lin", "lastName": "Wu", "sendEmailInvite": True,
    }
    assert [p["email"] async for p in airmeet.participants(event_id)] == ["lin@example.com"]


# ---------------------------------------------------------------- reads and paging


async def test_list_events_skips_archived_ones(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    kept, archived = await new_event(airmeet), await new_event(airmeet)
    await airmeet.archive_event(archived)

    listed = [e["uid"] async for e in airmeet.list_events()]

    assert listed == [kept]
    assert fake.requests_to("/airmeets")[-1].query == {"size": "500"}


async def test_participants_page_by_number_until_total(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    fake.add_participants(event.uuid, [{"email": f"p{i}@example.com", "name": f"P{i}", "registrationDate": i}
                                       for i in range(5)])

    emails = [p["email"] async for p in airmeet.participants(event.uuid, sorting_key="registrationDate",
                                                              sorting_direction="ASC", page_size=2)]

    assert emails == [f"p{i}@example.com" for i in range(5)]
    assert [r.query["pageNumber"] for r in fake.requests_to(f"/airmeet/{event.uuid}/participants")] == ["1", "2", "3"]
    assert fake.requests_to(f"/airmeet/{event.uuid}/participants")[0].query == {
        "pageNumber": "1", "resultSize": "2", "sortingKey": "registrationDate", "sortingDirection": "ASC",
    }


async def test_attendees_follow_after_cursors_across_pages(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    fake.add_attendees(event.uuid, [{"user_id": f"u{i}"} for i in range(5)])

    ids = [row["user_id"] async for row in airmeet.attendees(event.uuid, page_size=2)]

    assert ids == ["u0", "u1", "u2", "u3", "u4"]
    sent = fake.requests_to(f"/airmeet/{event.uuid}/attendees")
    assert len(sent) == 3
    assert "after" not in sent[0].query and sent[0].query["size"] == "2"
    assert sent[1].query["after"] and sent[2].query["after"] != sent[1].query["after"]


async def test_attendees_can_page_backwards_from_a_before_cursor(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    from tests.fakes.airmeet import encode_cursor

    event = fake.add_event()
    fake.add_attendees(event.uuid, [{"user_id": f"u{i}"} for i in range(5)])

    ids = [row["user_id"] async for row in airmeet.attendees(event.uuid, page_size=2, before=encode_cursor(4))]

    assert ids == ["u2", "u3", "u0", "u1"]  # page by page, newest page first
    assert all("after" not in r.query for r in fake.requests_to(f"/airmeet/{event.uuid}/attendees"))


async def test_cursor_arguments_are_checked(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    with pytest.raises(Rejected) as caught:
        [row async for row in airmeet.attendees("e", after="a", before="b")]
    assert caught.value.field == "before"
    with pytest.raises(Rejected) as caught:
        [row async for row in airmeet.poll_responses("e", page_size=51)]
    assert caught.value.field == "size"
    assert fake.requests == []


async def test_export_still_preparing_is_not_ready(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    session = await airmeet.create_session(event_id, title="S", start=START, duration_minutes=10, host_email="host@example.com")
    assert session.session_id is not None
    fake.preparing(session.session_id)

    with pytest.raises(NotReady) as caught:
        [row async for row in airmeet.session_attendees(session.session_id)]
    assert (caught.value.status, caught.value.raw) == (202, PREPARING)

    fake.ready(session.session_id)
    fake.add_session_attendees(session.session_id, [{"user_id": "u1"}])
    assert [row async for row in airmeet.session_attendees(session.session_id)] == [{"user_id": "u1"}]


async def test_export_in_body_400_is_rejected(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    fake.invalid_exports[event.uuid] = "Session status is not valid"

    with pytest.raises(Rejected) as caught:
        [row async for row in airmeet.attendees(event.uuid)]

    assert (caught.value.status, caught.value.raw) == (400, "Session status is not valid")


async def test_booth_attendance_polls_and_questions(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    booth_id = await airmeet.create_booth(event_id, name="Booth")
    event = fake.events[event_id]
    event.booth_attendance[booth_id] = [{"user_id": "b1"}]
    event.polls.extend({"name": f"P{i}", "polls": [{"question": "Q", "answer": "A"}]} for i in range(3))
    event.questions.append({"name": "P0", "questions": [{"question": "Why?", "session_id": "s1"}]})

    assert [r["user_id"] async for r in airmeet.booth_attendees(event_id, booth_id)] == ["b1"]
    assert [r["name"] async for r in airmeet.poll_responses(event_id, page_size=2)] == ["P0", "P1", "P2"]
    assert len(fake.requests_to(f"/airmeet/{event_id}/polls")) == 2
    assert (await airmeet.questions(event_id))[0]["questions"][0]["question"] == "Why?"
    with pytest.raises(NotFound):
        [r async for r in airmeet.booth_attendees(event_id, "no-booth")]


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
