"""The Whereby adapter against the loopback fake: create, get, list, delete, verify, links, local checks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from providers import registry
from providers.base import Capability, Endpoints, Role
from providers.errors import AuthFailed, NotFound, Rejected
from providers.http import RetryPolicy
from providers.whereby import (
    MeetingSpec,
    RoomMode,
    WherebyCredentials,
    WherebyMeeting,
    WherebyProvider,
)
from tests.fakes.server import Fault
from tests.fakes.whereby import FakeWhereby

from tests.unit.providers.whereby.support import KEY, MEETINGS, request


# -- create ---------------------------------------------------------------------------------


async def test_create_room_sends_end_date_and_fields_and_returns_room_links(
    adapter: WherebyProvider, fake: FakeWhereby
) -> None:
    end = datetime(2099, 5, 7, 17, 42, 49, 123456, tzinfo=UTC) + timedelta(hours=-5)
    room = await adapter.create_room(request(end=end))

    [sent] = fake.requests
    assert (sent.method, sent.path) == ("POST", MEETINGS)
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.json == {"endDate": "2099-05-07T12:42:49Z", "fields": ["hostRoomUrl", "viewerRoomUrl"]}

    stored = fake.meetings[room.room_id]
    assert stored.end_date == datetime(2099, 5, 7, 12, 42, 49, tzinfo=UTC)
    assert (stored.room_mode, stored.is_locked, stored.template_type) == ("normal", False, None)
    assert room.provider == "whereby"
    assert room.join_url == stored.room_url
    assert room.join_url.startswith("https://acme.whereby.com/")
    assert room.host_url == stored.host_room_url
    assert room.ends_at == stored.end_date
    assert room.details == {
        "meetingId": stored.meeting_id,
        "roomUrl": stored.room_url,
        "viewerRoomUrl": stored.viewer_room_url,
        "roomName": stored.room_name,
        "viewerMode": False,
    }


async def test_create_room_maps_every_option_and_viewer_mode_puts_the_viewer_link_in_join_url(
    adapter: WherebyProvider, fake: FakeWhereby
) -> None:
    room = await adapter.create_room(
        request(room_mode="group", is_locked="yes", room_name_prefix="team standup",
                room_name_pattern="human-short", viewer_mode=True)
    )

    body = fake.requests[-1].json
    assert body == {
        "endDate": body["endDate"],
        "isLocked": True,
        "roomMode": "group",
        "roomNamePrefix": "teamstandup",  # spaces removed, as Whereby would
        "roomNamePattern": "human-short",
        "templateType": "viewerMode",
        "fields": ["hostRoomUrl", "viewerRoomUrl"],
    }
    stored = fake.meetings[room.room_id]
    assert (stored.room_mode, stored.is_locked, stored.template_type) == ("group", True, "viewerMode")
    assert stored.room_name.startswith("/teamstandup") and len(stored.room_name) == len("/teamstandup") + 6
    assert room.join_url == stored.viewer_room_url != stored.room_url
    assert room.host_url == stored.host_room_url
    assert room.details["roomUrl"] == stored.room_url and room.details["viewerMode"] is True


async def test_create_meeting_without_viewer_mode_keeps_the_room_link_for_the_channel(
    adapter: WherebyProvider, fake: FakeWhereby
) -> None:
    meeting = await adapter.create_meeting(
        MeetingSpec(end=datetime.now(UTC) + timedelta(hours=2), room_mode=RoomMode.GROUP)
    )
    assert fake.requests[-1].json["roomMode"] == "group"
    room = meeting.to_room()
    assert room.join_url == meeting.room_url == fake.meetings[meeting.meeting_id].room_url
    assert meeting.viewer_room_url == fake.meetings[meeting.meeting_id].viewer_room_url


# -- get, list, delete, verify ------------------------------------------------------------


async def test_get_meeting_asks_for_the_host_and_viewer_links(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    created = await adapter.create_room(request())
    meeting = await adapter.get_meeting(created.room_id)

    sent = fake.requests[-1]
    assert (sent.method, sent.path) == ("GET", f"{MEETINGS}/{created.room_id}")
    assert sent.query == {"fields": "hostRoomUrl,viewerRoomUrl"}
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    stored = fake.meetings[created.room_id]
    assert meeting == WherebyMeeting(
        meeting_id=stored.meeting_id, room_url=stored.room_url, end_date=stored.end_date,
        start_date=meeting.start_date, room_name=stored.room_name,
        host_room_url=stored.host_room_url, viewer_room_url=stored.viewer_room_url,
    )
    assert meeting.start_date is not None and meeting.start_date.tzinfo is not None


async def test_list_meetings_follows_the_cursor_across_pages(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    created = [await adapter.create_room(request()) for _ in range(5)]
    fake.requests.clear()

    listed = [meeting async for meeting in adapter.list_meetings(page_size=2)]

    assert [m.meeting_id for m in listed] == [room.room_id for room in created]
    assert all(m.host_room_url and m.viewer_room_url for m in listed)
    pages = fake.requests_to(MEETINGS, "GET")
    assert len(pages) == 3
    assert "cursor" not in pages[0].query
    assert all(page.query["limit"] == "2" and page.query["fields"] == "hostRoomUrl,viewerRoomUrl" for page in pages)
    cursors = [page.query["cursor"] for page in pages[1:]]
    assert len(set(cursors)) == 2 and all(cursors)


async def test_list_meetings_rejects_a_page_size_whereby_refuses(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    with pytest.raises(Rejected) as caught:
        [m async for m in adapter.list_meetings(page_size=101)]
    assert caught.value.field == "page_size"
    assert fake.requests == []


async def test_delete_room_removes_it_and_a_second_delete_is_fine(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    room = await adapter.create_room(request())
    await adapter.delete_room(room.room_id)

    sent = fake.requests[-1]
    assert (sent.method, sent.path) == ("DELETE", f"{MEETINGS}/{room.room_id}")
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert room.room_id not in fake.meetings
    await adapter.delete_room(room.room_id)  # Whereby answers 204 again
    with pytest.raises(NotFound):
        await adapter.get_meeting(room.room_id)


async def test_delete_of_a_meeting_whereby_reports_missing_is_not_an_error(
    adapter: WherebyProvider, fake: FakeWhereby
) -> None:
    fake.faults.add(Fault(status=404, body={"error": "The requested resource doesn't exist"}), method="DELETE")
    await adapter.delete_room("42")
    assert [(r.method, r.path) for r in fake.requests] == [("DELETE", f"{MEETINGS}/42")]


async def test_meeting_ids_are_quoted_into_one_path_segment(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    with pytest.raises(NotFound):
        await adapter.get_meeting("../recordings")
    # Sent as "..%2Frecordings" (one segment); the server decodes it. Unquoted, httpx would have
    # normalised "meetings/../recordings" into "/v1/recordings".
    assert fake.requests[-1].path == f"{MEETINGS}/../recordings"
    assert not fake.requests_to("/v1/recordings")
    sent = len(fake.requests)
    for no_id in ("", ".", ".."):  # "meetings/.." would be resolved into the API's root, "." into the list
        with pytest.raises(Rejected):
            await adapter.get_meeting(no_id)
        with pytest.raises(Rejected):
            await adapter.delete_meeting(no_id)
    assert len(fake.requests) == sent


async def test_verify_lists_one_meeting(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    await adapter.verify()
    [sent] = fake.requests
    assert (sent.method, sent.path, sent.query) == ("GET", MEETINGS, {"limit": "1"})


async def test_verify_with_a_wrong_key_is_auth_failed(base_url: str, policy: RetryPolicy, fake: FakeWhereby) -> None:
    async with WherebyProvider(
        WherebyCredentials(api_key="wrong"), endpoints=Endpoints(whereby=f"{base_url}/v1"), policy=policy
    ) as provider:
        with pytest.raises(AuthFailed) as caught:
            await provider.verify()
    assert caught.value.status == 401
    assert caught.value.raw == "Access token is missing or invalid"
    assert "API key" in caught.value.user_message
    assert len(fake.requests) == 1  # a 401 is not retried


# -- local validation: nothing is sent ----------------------------------------------------


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"room_name_prefix": "team_standup"}, "room_name_prefix"),
        ({"room_name_prefix": "team/standup"}, "room_name_prefix"),
        ({"room_name_prefix": "a" * 40}, "room_name_prefix"),
        ({"room_mode": "huge"}, "room_mode"),
        ({"room_name_pattern": "words"}, "room_name_pattern"),
        ({"is_locked": "maybe"}, "is_locked"),
        ({"viewer_mode": "perhaps"}, "viewer_mode"),
        ({"viewer_mode": True, "room_mode": "normal"}, "room_mode"),
        ({"viewer_mode": True, "is_locked": False}, "is_locked"),
        ({"password": "x"}, "password"),
    ],
)
async def test_bad_options_are_rejected_before_any_request(
    adapter: WherebyProvider, fake: FakeWhereby, options: dict[str, object], field: str
) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter.create_room(request(**options))
    assert caught.value.field == field
    assert caught.value.status is None
    assert f"`{field}`" in caught.value.user_message
    assert fake.requests == []


@pytest.mark.parametrize(
    ("typed", "sent"),
    [("example-prefix", "example-prefix"), ("Team Sync", "teamsync"), ("All Hands 2026", "allhands2026")],
)
async def test_a_prefix_is_lowercased_without_spaces_as_the_seed_says(
    adapter: WherebyProvider, fake: FakeWhereby, typed: str, sent: str
) -> None:
    room = await adapter.create_room(request(room_name_prefix=typed))
    assert fake.requests[-1].json["roomNamePrefix"] == sent
    assert room.join_url.startswith(f"https://acme.whereby.com/{sent}")


async def test_a_prefix_of_39_lowercase_letters_and_digits_is_accepted(
    adapter: WherebyProvider, fake: FakeWhereby
) -> None:
    prefix = "a1" * 19 + "z"
    await adapter.create_room(request(room_name_prefix=prefix))
    assert fake.requests[-1].json["roomNamePrefix"] == prefix


@pytest.mark.parametrize(
    "end",
    [datetime.now(UTC) - timedelta(minutes=1), datetime(2099, 1, 1, 12, 0)],
    ids=["past", "naive"],
)
async def test_an_end_in_the_past_or_without_zone_is_rejected_before_any_request(
    adapter: WherebyProvider, fake: FakeWhereby, end: datetime
) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter.create_room(request(end=end))
    assert caught.value.field == "end"
    assert fake.requests == []


# -- personal links, registry, credentials ------------------------------------------------


async def test_personal_link_by_role(adapter: WherebyProvider, fake: FakeWhereby) -> None:
    viewer_room = await adapter.create_room(request(viewer_mode=True))
    stored = fake.meetings[viewer_room.room_id]
    sent = len(fake.requests)
    link = adapter.personal_link
    assert await link(viewer_room, email="h@x.io", name="H", role=Role.HOST) == stored.host_room_url
    assert await link(viewer_room, email="p@x.io", name="P", role=Role.PRESENTER) == stored.room_url
    assert await link(viewer_room, email="l@x.io", name="L", role=Role.LISTENER) == stored.viewer_room_url
    assert len(fake.requests) == sent  # no per-person links: nothing to ask Whereby


def test_capabilities_and_registry_build() -> None:
    assert WherebyProvider.capabilities == {
        Capability.SCHEDULED_ROOM, Capability.HOST_URL, Capability.VIEWER_URL, Capability.CANCEL, Capability.LIST,
    }
    assert Capability.INSTANT_ROOM not in WherebyProvider.capabilities
    adapter = registry.build("whereby", {"api_key": KEY}, endpoints=Endpoints())
    assert isinstance(adapter, WherebyProvider)
    assert str(adapter.client.base_url) == "https://api.whereby.dev/v1/"
    asyncio.run(adapter.aclose())


def test_credentials_hide_the_key_and_refuse_extras() -> None:
    credentials = WherebyCredentials(api_key=KEY)
    assert KEY not in repr(credentials)
    with pytest.raises(ValueError):
        WherebyCredentials(api_key="")
    with pytest.raises(ValueError):
        WherebyCredentials(api_key=KEY, region="eu")  # type: ignore[call-arg]
