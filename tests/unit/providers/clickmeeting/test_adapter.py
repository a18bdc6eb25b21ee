"""ClickMeeting adapter: the common interface (create, delete, verify) and personal links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from providers.base import Capability, MoveBy, Role, Room, RoomRequest
from providers.clickmeeting import AccessType, ClickMeetingCredentials, ClickMeetingProvider
from providers.errors import AuthFailed, Rejected, Unavailable
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.server import Fault
from tests.unit.providers.clickmeeting.support import KEY, START, form_of, last, make_adapter, request_for


# --- create_room / delete_room / verify ---------------------------------------------------------------------


def test_capabilities_and_credentials_hide_the_key() -> None:
    assert ClickMeetingProvider.capabilities == {
        Capability.SCHEDULED_ROOM,
        Capability.INSTANT_ROOM,
        Capability.PERSONAL_LINK,
        Capability.CANCEL,
        Capability.LIST,
        Capability.REPORT,
    }
    assert KEY not in repr(ClickMeetingCredentials(api_key=KEY))


async def test_create_room_schedules_a_meeting(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await adapter.create_room(request_for("Standup", description="Coffee first"))

    sent = last(fake, "POST", "/v1/conferences.json")
    assert form_of(sent) == [
        ("name", "Standup"),
        ("room_type", "meeting"),
        ("permanent_room", "0"),
        ("access_type", "1"),
        ("timezone", "Europe/Warsaw"),
        ("starts_at", "2030-05-01 10:00:00"),  # wall time in the request's zone
        ("duration", "1:30"),
        ("lobby_description", "Coffee first"),
    ]
    stored = fake.conferences[int(room.room_id)]
    assert stored["starts_at"] == "2030-05-01T10:00:00+02:00"
    assert stored["ends_at"] == "2030-05-01T11:30:00+02:00"
    assert room.join_url == stored["room_url"]
    assert room.host_url is None  # host links are personal: personal_link(role=HOST)
    assert room.starts_at == START and room.ends_at == START + timedelta(minutes=90)
    assert room.details["access_type"] == 1 and room.details["room_type"] == "meeting"
    assert "access_role_hashes" not in room.details and "autologin_hash" not in room.details


async def test_create_room_password_webinar_with_settings(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await adapter.create_room(
        request_for(
            "Launch",
            room_type="webinar",
            access_type="2",
            password="s3cret",
            lobby_enabled=True,
            settings={"show_on_personal_page": False, "recorder_autostart_enabled": True},
            registration={"enabled": True, "template": 2},
        )
    )
    assert form_of(last(fake, "POST", "/v1/conferences.json")) == [
        ("name", "Launch"),
        ("room_type", "webinar"),
        ("permanent_room", "0"),
        ("access_type", "2"),
        ("timezone", "Europe/Warsaw"),
        ("starts_at", "2030-05-01 10:00:00"),
        ("duration", "1:30"),
        ("password", "s3cret"),
        ("lobby_enabled", "1"),
        ("registration[enabled]", "1"),
        ("registration[template]", "2"),
        ("settings[show_on_personal_page]", "0"),
        ("settings[recorder_autostart_enabled]", "1"),
    ]
    stored = fake.conferences[int(room.room_id)]
    assert fake.passwords[stored["id"]] == "s3cret"
    assert stored["settings"]["show_on_personal_page"] is False
    assert stored["settings"]["recorder_autostart_enabled"] is True
    assert stored["registration_enabled"] == 1 and stored["lobby_enabled"] is True and stored["room_type"] == "webinar"


async def test_create_options_typed_as_the_seed_from_console_words(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    await adapter.create_room(request_for(
        "Launch", lobby_enabled="yes", skin_id="2", registration="on", registration_template="3",
        show_on_personal_page="no", thank_you_page_url="https://example.com/thanks",
    ))
    form = form_of(last(fake, "POST", "/v1/conferences.json"))
    assert form[-6:] == [
        ("lobby_enabled", "1"),
        ("skin_id", "2"),
        ("registration[enabled]", "1"),
        ("registration[template]", "3"),
        ("settings[show_on_personal_page]", "0"),
        ("settings[thank_you_page_url]", "https://example.com/thanks"),
    ]


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"lobby_enabled": "maybe"}, "lobby_enabled", "yes or no"),
        ({"skin_id": "dark"}, "skin_id", "whole number"),
        ({"skin_id": "0"}, "skin_id", "skins list"),
        ({"registration": "sometimes"}, "registration", "yes or no"),
        ({"registration_template": "5"}, "registration_template", "1, 2 or 3"),
        ({"registration": {"enabled": True, "template": 9}}, "registration_template", "1, 2 or 3"),
        ({"show_on_personal_page": "perhaps"}, "show_on_personal_page", "yes or no"),
        ({"settings": {"recorder_autostart_enabled": "later"}}, "recorder_autostart_enabled", "yes or no"),
        ({"settings": {"confetti": True}}, "confetti", "no option"),
        ({"settings": "all"}, "settings", "one by one"),
    ],
)
async def test_a_wrong_create_option_is_refused_in_words_before_sending(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider, options: dict, field: str, words: str
) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter.create_room(request_for("Launch", **options))
    assert caught.value.field == field and words in caught.value.user_message
    assert caught.value.user_message.endswith(".") and "\n" not in caught.value.user_message
    assert fake.requests == []


async def test_create_room_instant_permanent_room(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await adapter.create_room(request_for("Always on", permanent_room=True))
    pairs = dict(form_of(last(fake, "POST", "/v1/conferences.json")))
    assert pairs["permanent_room"] == "1" and "starts_at" not in pairs and "duration" not in pairs
    assert fake.conferences[int(room.room_id)]["permanent_room"] is True
    assert room.starts_at is None


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"room_type": "party"}, "room_type"),
        ({"access_type": 7}, "access_type"),
        ({"access_type": 2}, "password"),  # a password room needs its password
        ({"permanent_room": "maybe"}, "permanent_room"),
    ],
)
async def test_create_room_refuses_bad_options_locally(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider, options: dict, field: str
) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter.create_room(request_for(**options))
    assert caught.value.field == field
    assert fake.requests == []


async def test_create_room_refuses_unknown_zone_and_backwards_times(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    with pytest.raises(Rejected) as zone:
        await adapter.create_room(
            RoomRequest(title="x", start=START, end=START + timedelta(hours=1), timezone="Mars/Base")
        )
    with pytest.raises(Rejected) as backwards:
        await adapter.create_room(request_for(minutes=-10))
    assert (zone.value.field, backwards.value.field) == ("timezone", "end")
    assert fake.requests == []


async def test_create_that_gets_500_is_not_retried(fake: FakeClickMeeting, adapter: ClickMeetingProvider) -> None:
    fake.faults.add(Fault(status=500, after_handling=True), path="/v1/conferences", method="POST")
    with pytest.raises(Unavailable) as caught:
        await adapter.create_room(request_for())
    assert caught.value.status == 500
    assert len(fake.requests_to("/v1/conferences", "POST")) == 1  # the room may exist: never sent twice
    assert len(fake.conferences) == 1


async def test_create_throttled_with_429_is_retried(fake: FakeClickMeeting, adapter: ClickMeetingProvider) -> None:
    # 429 means ClickMeeting did nothing yet, so even a create may go again.
    fake.faults.add(Fault(status=429, retry_after=0), path="/v1/conferences", method="POST")
    room = await adapter.create_room(request_for())
    assert len(fake.requests_to("/v1/conferences", "POST")) == 2
    assert list(fake.conferences) == [int(room.room_id)]


async def test_delete_room_and_deleting_again_is_fine(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await adapter.create_room(request_for())
    await adapter.delete_room(room.room_id)
    assert last(fake, "DELETE", f"/v1/conferences/{room.room_id}.json")
    assert fake.conferences == {}
    await adapter.delete_room(room.room_id)  # 404: already gone
    assert len(fake.requests_to(f"/v1/conferences/{room.room_id}", "DELETE")) == 2


async def test_verify_pings_and_wrong_key_is_auth_failed(
    fake: FakeClickMeeting, base_url: str, adapter: ClickMeetingProvider,
) -> None:
    await adapter.verify()
    assert last(fake, "GET", "/v1/ping.json")
    wrong = make_adapter(base_url, key="not-the-key")
    try:
        with pytest.raises(AuthFailed) as caught:
            await wrong.verify()
    finally:
        await wrong.aclose()
    assert caught.value.status == 401
    assert "Invalid or missing API key." in (caught.value.raw or "")
    assert fake.requests[-1].headers["x-api-key"] == "not-the-key"


# --- personal links ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
async def test_personal_link_for_each_role(fake: FakeClickMeeting, adapter: ClickMeetingProvider, role: Role) -> None:
    room = await adapter.create_room(request_for())
    link = await adapter.personal_link(room, email="ann@example.com", name="Ann Lee", role=role)

    sent = last(fake, "POST", f"/v1/conferences/{room.room_id}/room/autologin_hash.json")
    assert form_of(sent) == [("email", "ann@example.com"), ("nickname", "Ann Lee"), ("role", role.value)]
    prefix = f"{room.join_url}?l="
    assert link.startswith(prefix)
    login = fake.autologins[link.removeprefix(prefix)]
    assert login == {
        "room_id": int(room.room_id),
        "email": "ann@example.com",
        "nickname": "Ann Lee",
        "role": role.value,
        "token": None,
    }


async def test_personal_link_in_password_room(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await adapter.create_room(request_for(access_type=AccessType.PASSWORD, password="s3cret"))
    link = await adapter.personal_link(room, email="bo@example.com", name="Bo", role=Role.LISTENER, password="s3cret")
    sent = last(fake, "POST", f"/v1/conferences/{room.room_id}/room/autologin_hash.json")
    assert form_of(sent) == [
        ("email", "bo@example.com"),
        ("nickname", "Bo"),
        ("role", "listener"),
        ("password", "s3cret"),
    ]
    assert fake.autologins[link.split("?l=")[1]]["email"] == "bo@example.com"

    with pytest.raises(Rejected) as wrong:
        await adapter.personal_link(room, email="bo@example.com", name="Bo", role=Role.LISTENER, password="guess")
    assert (wrong.value.status, wrong.value.field) == (422, "password")
    assert "Wrong room password." in (wrong.value.raw or "")

    before = len(fake.requests)
    with pytest.raises(Rejected) as missing:
        await adapter.personal_link(room, email="bo@example.com", name="Bo", role=Role.HOST)
    assert missing.value.field == "password" and len(fake.requests) == before


async def test_personal_link_in_token_room_spends_a_fresh_token(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await adapter.create_room(request_for(access_type=3))
    link = await adapter.personal_link(room, email="cy@example.com", name="Cy", role=Role.PRESENTER)

    assert form_of(last(fake, "POST", f"/v1/conferences/{room.room_id}/tokens.json")) == [("how_many", "1")]
    token = fake.tokens[int(room.room_id)][0]["token"]
    sent = last(fake, "POST", f"/v1/conferences/{room.room_id}/room/autologin_hash.json")
    assert form_of(sent) == [("email", "cy@example.com"), ("nickname", "Cy"), ("role", "presenter"), ("token", token)]
    assert link == f"{room.join_url}?l={next(iter(h for h, v in fake.autologins.items() if v['token'] == token))}"


async def test_personal_link_in_token_room_with_a_given_token(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await adapter.create_room(request_for(access_type=3))
    token = (await adapter.generate_tokens(room.room_id, how_many=2))[1]["token"]
    link = await adapter.personal_link(room, email="di@example.com", name="Di", role=Role.LISTENER, token=token)
    assert len(fake.requests_to(f"/v1/conferences/{room.room_id}/tokens", "POST")) == 1
    assert fake.autologins[link.split("?l=")[1]]["token"] == token
    with pytest.raises(Rejected) as caught:
        await adapter.personal_link(room, email="di@example.com", name="Di", role=Role.LISTENER, token="NOPE00")
    assert caught.value.field == "token"


async def test_personal_link_looks_up_the_access_type_when_unknown(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    made = await adapter.create_room(request_for())
    bare = Room(provider="clickmeeting", room_id=made.room_id, join_url=made.join_url)
    link = await adapter.personal_link(bare, email="ed@example.com", name="Ed", role=Role.HOST)
    assert last(fake, "GET", f"/v1/conferences/{made.room_id}.json")
    assert link.startswith(f"{made.join_url}?l=")


# --- reschedule_room (/meeting move) ----------------------------------------------------------------------


async def test_reschedule_room_edits_start_and_duration_with_permanent_room(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await adapter.create_room(request_for("Standup"))
    later = RoomRequest(title="Standup", start=START + timedelta(days=1), end=START + timedelta(days=1, minutes=45),
                        timezone="Europe/Warsaw")
    moved = await adapter.reschedule_room(room, later)

    sent = last(fake, "PUT", f"/v1/conferences/{room.room_id}.json")
    # Seed 002: "permanent_room [...] Required in case of changing starts_at and duration parameters."
    assert form_of(sent) == [("permanent_room", "0"), ("timezone", "Europe/Warsaw"),
                             ("starts_at", "2030-05-02 10:00:00"), ("duration", "0:45")]
    assert fake.conferences[int(room.room_id)]["starts_at"] == "2030-05-02T10:00:00+02:00"
    assert (moved.room_id, moved.join_url, moved.starts_at) == (room.room_id, room.join_url, later.start)
    assert ClickMeetingProvider.move_by(room) is MoveBy.RESCHEDULE


async def test_a_permanent_room_has_no_time_to_change(fake: FakeClickMeeting, adapter: ClickMeetingProvider) -> None:
    room = await adapter.create_room(request_for("Open room", permanent_room=True))
    before = len(fake.requests)
    later = RoomRequest(title="Open room", start=START + timedelta(days=1), end=START + timedelta(days=1, hours=1),
                        timezone="Europe/Warsaw")
    moved = await adapter.reschedule_room(room, later)
    assert len(fake.requests) == before and moved.join_url == room.join_url and moved.starts_at == later.start


async def test_a_refused_edit_changes_nothing(fake: FakeClickMeeting, adapter: ClickMeetingProvider) -> None:
    room = await adapter.create_room(request_for("Standup"))
    fake.faults.add(Fault(status=500), path=f"/v1/conferences/{room.room_id}", method="PUT", times=5)
    with pytest.raises(Unavailable):
        await adapter.reschedule_room(room, request_for("Standup", minutes=30))
    assert fake.conferences[int(room.room_id)]["ends_at"] == "2030-05-01T11:30:00+02:00"
