"""Helpers the ClickMeeting adapter tests share: the key, request builders, the last request, seeding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from providers.base import Endpoints, Room, RoomRequest
from providers.clickmeeting import ClickMeetingCredentials, ClickMeetingProvider
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.server import Recorded
from providers.http import RetryPolicy
from tests.support.policy import FAST


KEY = "cm-test-key"
FORM = "application/x-www-form-urlencoded"
START = datetime(2030, 5, 1, 8, 0, tzinfo=UTC)  # 10:00 in Warsaw (CEST)


def make_adapter(base_url: str, *, key: str = KEY, policy: RetryPolicy = FAST) -> ClickMeetingProvider:
    return ClickMeetingProvider(
        ClickMeetingCredentials(api_key=key), endpoints=Endpoints(clickmeeting=f"{base_url}/v1"), policy=policy
    )


def request_for(
    title: str = "Standup", *, minutes: int = 90, description: str | None = None, **options: object
) -> RoomRequest:
    return RoomRequest(
        title=title,
        start=START,
        end=START + timedelta(minutes=minutes),
        timezone="Europe/Warsaw",
        description=description,
        options=options,
    )


def last(fake: FakeClickMeeting, method: str, path: str) -> Recorded:
    """The last request with this method and exact path, checked for the API key."""
    matching = [r for r in fake.requests if r.method == method and r.path == path]
    assert matching, f"no {method} {path} in {[(r.method, r.path) for r in fake.requests]}"
    assert matching[-1].headers["x-api-key"] == KEY
    return matching[-1]


def form_of(recorded: Recorded) -> list[tuple[str, str]]:
    assert recorded.headers["content-type"] == FORM
    return recorded.form


async def make_room(adapter: ClickMeetingProvider, **options: Any) -> Room:
    return await adapter.create_room(request_for("Weekly sync", **options))


def seed_rooms(fake: FakeClickMeeting, count: int, *, status: str = "active") -> list[int]:
    ids = []
    for number in range(count):
        form = {"name": f"Room {number}", "room_type": "meeting", "permanent_room": "1", "access_type": "1"}
        room = fake.add_conference(form)
        room["status"] = status
        ids.append(room["id"])
    return ids


def seed_session(fake: FakeClickMeeting, room_id: int) -> int:
    end = datetime(2030, 4, 1, 12, 0, tzinfo=UTC)
    return fake.add_session(
        room_id,
        start=end - timedelta(hours=1),
        end=end,
        attendees=[
            {"email": "host@x.io", "nickname": "Hana", "role": "host"},
            {"email": "ann@x.io", "nickname": "Ann", "rating": "5", "rating_comment": "Great"},
            {"email": "bob@x.io", "nickname": "Bob", "role": "presenter"},
        ],
    )
