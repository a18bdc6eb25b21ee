"""The ClickMeeting fake itself: it refuses what ClickMeeting refuses and answers in the real shapes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from providers.clickmeeting import ClickMeetingProvider, php_form_encode
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.paths import spec_file
from tests.unit.providers.clickmeeting.support import KEY, request_for


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CREATE = {"name": "Demo", "room_type": "meeting", "permanent_room": 0, "access_type": 1}


def fixture(name: str) -> Any:
    return json.loads(spec_file("clickmeeting", "teachbase_fixtures", name).read_text())


def assert_same_shape(actual: Any, expected: Any, path: str = "$", *, skip: frozenset[str] = frozenset()) -> None:
    """Same keys at every level and compatible value types; null on either side matches anything."""
    if path in skip or actual is None or expected is None:
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {type(actual).__name__}"
        assert set(actual) == set(expected), f"{path}: differs by {sorted(set(actual) ^ set(expected))}"
        for key in expected:
            assert_same_shape(actual[key], expected[key], f"{path}.{key}", skip=skip)
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: {type(actual).__name__}"
        if expected:
            for item in actual:
                assert_same_shape(item, expected[0], f"{path}[]", skip=skip)
    elif isinstance(expected, bool) or isinstance(actual, bool):
        assert type(actual) is type(expected), f"{path}: {actual!r} vs {expected!r}"
    elif isinstance(expected, int | float):
        assert isinstance(actual, int | float), f"{path}: {actual!r}"
    else:
        assert type(actual) is type(expected), f"{path}: {actual!r} vs {expected!r}"


@pytest.fixture
async def raw(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{base_url}/v1/", headers={"X-Api-Key": KEY}) as client:
        yield client


# --- what the fake refuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "wrong"}])
async def test_missing_or_wrong_key_is_401_with_the_error_body(base_url: str, headers: dict) -> None:
    async with httpx.AsyncClient(base_url=f"{base_url}/v1/") as client:
        response = await client.get("ping.json", headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "code": 401,
        "name": "Unauthorized",
        "errors": [{"name": "X-Api-Key", "message": "Invalid or missing API key."}],
    }


async def test_json_bodies_are_refused(fake: FakeClickMeeting, raw: httpx.AsyncClient) -> None:
    response = await raw.post("conferences.json", json=CREATE)
    assert response.status_code == 400 and fake.conferences == {}
    ok = await raw.post("conferences.json", content=php_form_encode(CREATE), headers=FORM)
    assert ok.status_code == 200 and len(fake.conferences) == 1


async def test_create_requires_the_documented_fields(raw: httpx.AsyncClient) -> None:
    response = await raw.post("conferences.json", content="name=Demo", headers=FORM)
    assert response.status_code == 422
    assert [e["name"] for e in response.json()["errors"]] == ["room_type", "permanent_room", "access_type"]
    for change, field in (
        ({"room_type": "party"}, "room_type"),
        ({"access_type": 4}, "access_type"),
        ({"access_type": 2}, "password"),
        ({"duration": "ninety"}, "duration"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"settings": {"confetti": 1}}, "settings"),
        ({"lobby_enabled": "yes"}, "lobby_enabled"),  # the seed's "(bool)": 1/0 or true/false
        ({"skin_id": "dark"}, "skin_id"),  # "(int) skin_id"
        ({"settings": {"show_on_personal_page": "maybe"}}, "settings[show_on_personal_page]"),
        ({"registration": {"enabled": "sometimes"}}, "registration[enabled]"),
        ({"registration": {"template": 4}}, "registration[template]"),
    ):
        bad = await raw.post("conferences.json", content=php_form_encode(CREATE | change), headers=FORM)
        assert (bad.status_code, bad.json()["errors"][0]["name"]) == (422, field), change


async def test_paths_without_suffix_are_json_and_other_formats_are_501(raw: httpx.AsyncClient) -> None:
    assert (await raw.get("ping")).json() == {"ping": "pong"}
    refused = await raw.get("ping.xml")
    assert refused.status_code == 501 and refused.json()["code"] == 501


async def test_autologin_and_tokens_check_their_fields(fake: FakeClickMeeting, raw: httpx.AsyncClient) -> None:
    created = await raw.post("conferences.json", content=php_form_encode(CREATE | {"access_type": 3}), headers=FORM)
    room = created.json()
    path = f"conferences/{room['room']['id']}"
    missing = await raw.post(f"{path}/room/autologin_hash.json", content="email=a%40b.io", headers=FORM)
    assert [e["name"] for e in missing.json()["errors"]] == ["nickname", "role"]
    body = php_form_encode({"email": "a@b.io", "nickname": "A", "role": "boss"})
    bad_role = await raw.post(f"{path}/room/autologin_hash.json", content=body, headers=FORM)
    assert bad_role.json()["errors"][0]["name"] == "role"
    for how_many in ("0", "1001", "x", ""):
        refused = await raw.post(f"{path}/tokens.json", content=f"how_many={how_many}", headers=FORM)
        assert refused.status_code == 422 and refused.json()["errors"][0]["name"] == "how_many"
    assert fake.tokens.get(room["room"]["id"], []) == []


async def test_upload_needs_multipart_field_uploaded(fake: FakeClickMeeting, raw: httpx.AsyncClient) -> None:
    assert (await raw.post("file-library.json", content="uploaded=x", headers=FORM)).status_code == 400
    wrong_field = await raw.post("file-library.json", files={"file": ("a.png", b"x")})
    assert wrong_field.status_code == 422 and wrong_field.json()["errors"][0]["name"] == "uploaded"
    assert fake.files == {}


# --- the shapes of the real answers -------------------------------------------------------------------------

# The teachbase fixtures are real ClickMeeting answers; the fake must answer with the same keys and types.


async def test_conference_shapes(fake: FakeClickMeeting, adapter: ClickMeetingProvider, raw: httpx.AsyncClient) -> None:
    permanent = await adapter.create_room(request_for(permanent_room=True, access_type=3))
    scheduled = await adapter.create_room(request_for())
    got = (await raw.get(f"conferences/{permanent.room_id}.json")).json()
    assert_same_shape(got, fixture("get_conferences_1.json"))
    listed = (await raw.get("conferences/active.json")).json()
    assert_same_shape([c for c in listed if c["id"] == int(scheduled.room_id)], fixture("get_conferences_active.json"))
    await adapter.edit_conference(scheduled.room_id, {"status": "inactive"})
    assert_same_shape((await raw.get("conferences/inactive.json")).json(), fixture("get_conferences_inactive.json"))
    assert_same_shape(await adapter.skins(), fixture("get_conferences_skins.json"))
    deleted = await raw.delete(f"conferences/{scheduled.room_id}.json")
    assert deleted.json() == fixture("delete_accounts_1_conferences_1.json")


async def test_token_autologin_and_invitation_shapes(adapter: ClickMeetingProvider, raw: httpx.AsyncClient) -> None:
    room = await adapter.create_room(request_for(access_type=3))
    made = await raw.post(f"conferences/{room.room_id}/tokens.json", content="how_many=2", headers=FORM)
    assert_same_shape(made.json(), fixture("post_conferences_1_tokens.json"))
    token = made.json()["access_tokens"][0]["token"]
    await adapter.send_invitations(room.room_id, ["ann@x.io"])
    listed = await raw.get(f"conferences/{room.room_id}/tokens.json")
    assert_same_shape(listed.json(), fixture("get_conferences_1_tokens.json"))
    login = await raw.post(
        f"conferences/{room.room_id}/room/autologin_hash.json",
        content=php_form_encode({"email": "a@b.io", "nickname": "A", "role": "host", "token": token}),
        headers=FORM,
    )
    assert_same_shape(login.json(), fixture("post_conferences_1_room_autologin_hash.json"))
    body = php_form_encode({"attendees": [{"email": "b@x.io"}]})
    invited = await raw.post(f"conferences/{room.room_id}/invitation/email/ru.json", content=body, headers=FORM)
    assert invited.json() == fixture("post_conferences_1_invitation_email_ru.json")


async def test_session_and_report_shapes(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider, raw: httpx.AsyncClient,
) -> None:
    room = await adapter.create_room(request_for())
    attendees = [{"email": "a@x.io", "rating": "4"}, {"email": "b@x.io"}]
    session_id = fake.add_session(int(room.room_id), attendees=attendees)
    base = f"conferences/{room.room_id}/sessions/{session_id}"
    sessions = await raw.get(f"conferences/{room.room_id}/sessions.json")
    assert_same_shape(sessions.json(), fixture("get_conferences_1_sessions.json"))
    attendance = await raw.get(f"{base}/attendees.json")
    assert_same_shape(attendance.json(), fixture("get_conferences_1_sessions_1_attendees.json"))

    states = [(await raw.get(f"{base}/generate-pdf/en.json")).json() for _ in range(3)]
    assert_same_shape(states[0], fixture("get_conferences_1_sessions_1_generate-pdf_en.json"))  # NEW
    assert states[1]["status"] == fixture("get_conferences_1_sessions_1_generate-pdf_ru.json")["status"]  # IN PROGRESS
    assert_same_shape(states[1], fixture("get_conferences_1_sessions_1_generate-pdf_ru.json"))
    assert_same_shape(states[2], fixture("get_conferences_1_sessions_1_generate-pdf_pl.json"))  # FINISHED
    await raw.get(f"{base}/generate-pdf/ru.json")

    detail = (await raw.get(f"{base}.json")).json()
    expected = fixture("get_conferences_1_sessions_1.json")
    assert_same_shape(detail, expected, skip=frozenset({"$.pdf"}))
    assert set(detail["pdf"]) == set(expected["pdf"])
    assert_same_shape(detail["pdf"]["en"], expected["pdf"]["en"])  # finished
    assert_same_shape(detail["pdf"]["ru"], {"status": "NEW", "progress": 0})  # asked once
    assert_same_shape(detail["pdf"]["de"], expected["pdf"]["de"])  # never asked


async def test_registration_shapes(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider, raw: httpx.AsyncClient,
) -> None:
    room = await adapter.create_room(request_for(registration={"enabled": True}))
    session_id = fake.add_session(int(room.room_id))
    fake.add_registration(int(room.room_id), first_name="A", last_name="B", email="a@x.io", session_id=session_id)
    await adapter.register(room.room_id, first_name="C", last_name="D", email="c@x.io")
    repeat = await raw.post(
        f"conferences/{room.room_id}/registration.json",
        content=php_form_encode({"registration": {"1": "C", "2": "D", "3": "c@x.io"}}),
        headers=FORM,
    )
    assert_same_shape(repeat.json(), fixture("post_conferences_1_registration.json"))
    everyone = (await raw.get(f"conferences/{room.room_id}/registrations/all.json")).json()
    assert_same_shape(everyone, fixture("get_conferences_1_registrations.json"))
    in_session = (await raw.get(f"conferences/{room.room_id}/sessions/{session_id}/registrations.json")).json()
    assert_same_shape(in_session, fixture("get_conferences_1_sessions_1_registrations.json"))
    contact = await raw.post("contacts.json", content="email=a%40x.io&firstname=A&lastname=B", headers=FORM)
    assert contact.json() == fixture("post_contacts.json")


async def test_library_recording_and_zone_shapes(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider, raw: httpx.AsyncClient,
) -> None:
    room = await adapter.create_room(request_for())
    uploaded = await adapter.upload_file("deck.pdf", b"%PDF", room_id=room.room_id)
    assert_same_shape(uploaded, fixture("post_file-library.json"))
    assert_same_shape(await adapter.room_files(room.room_id), fixture("get_file-library_conferences_1.json"))
    fake.add_recording(int(room.room_id))
    assert_same_shape(await adapter.recordings(room.room_id), fixture("get_conferences_1_recordings.json"))
    cleared = await raw.delete(f"conferences/{room.room_id}/recordings.json")
    assert cleared.json() == fixture("delete_conferences_1_recordings.json")
    everything = await adapter.time_zones()
    known = set(fixture("get_time_zone_list.json"))  # from 2016: a few names were retired since
    assert all(isinstance(zone, str) for zone in everything)
    assert len(known & set(everything)) > 0.95 * len(known)
    russian = await adapter.time_zones("ru")
    assert set(russian) <= set(everything)
    expected_ru = set(fixture("get_time_zone_list_ru.json"))
    assert "Europe/Moscow" in russian and len(set(russian) & expected_ru) >= len(expected_ru) - 2
