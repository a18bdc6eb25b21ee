"""ClickMeeting adapter: the form encoder, the generic interface, errors and retries, against the loopback fake.

Endpoint-by-endpoint tests are in test_clickmeeting_endpoints.py; the fake's own rules and the
fixture shapes in test_clickmeeting_fake.py. Both import the fixtures below.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest

from providers.base import Capability, Endpoints, Role, Room, RoomRequest
from providers.clickmeeting import (
    AccessType,
    ClickMeetingCredentials,
    ClickMeetingProvider,
    autologin_url,
    duration_text,
    php_form_encode,
    php_form_pairs,
)
from providers.errors import (
    AuthFailed,
    NotFound,
    NotSupported,
    ProviderError,
    RateLimited,
    Rejected,
    Unavailable,
)
from providers.http import RetryPolicy
from tests.fakes.clickmeeting import FakeClickMeeting, error_body, parse_php_form
from tests.fakes.server import Fault, Recorded, serve

KEY = "cm-test-key"
FAST = RetryPolicy(initial_delay=0.01, max_delay=0.05, timeout=0.5)
FORM = "application/x-www-form-urlencoded"
START = datetime(2030, 5, 1, 8, 0, tzinfo=UTC)  # 10:00 in Warsaw (CEST)


class AppSwitch:
    """One loopback server per test module, answering with the current test's fresh fake."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[AppSwitch, str]]:
    switch = AppSwitch()
    with serve(switch) as url:
        yield switch, url


@pytest.fixture
def fake(server: tuple[AppSwitch, str]) -> FakeClickMeeting:
    fake = FakeClickMeeting(api_key=KEY)
    server[0].app = fake.app
    return fake


@pytest.fixture
def base_url(server: tuple[AppSwitch, str], fake: FakeClickMeeting) -> str:
    return server[1]


def make_adapter(base_url: str, *, key: str = KEY) -> ClickMeetingProvider:
    return ClickMeetingProvider(
        ClickMeetingCredentials(api_key=key), endpoints=Endpoints(clickmeeting=f"{base_url}/v1"), policy=FAST
    )


@pytest.fixture
async def adapter(base_url: str) -> AsyncIterator[ClickMeetingProvider]:
    client = make_adapter(base_url)
    yield client
    await client.aclose()


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


# --- the PHP-style form encoder ---------------------------------------------------------------------------


def test_encoder_flat_values_booleans_and_none() -> None:
    data = {"name": "Q&A = fun", "permanent_room": False, "lobby_enabled": True, "skin_id": 4, "x": None}
    pairs = php_form_pairs(data)
    assert pairs == [("name", "Q&A = fun"), ("permanent_room", "0"), ("lobby_enabled", "1"), ("skin_id", "4")]
    assert php_form_encode({"name": "Q&A = fun"}) == "name=Q%26A+%3D+fun"


def test_encoder_nested_dicts_and_scalar_lists() -> None:
    data = {"settings": {"show_on_personal_page": True, "thank_you_page_url": ""}, "list": ["x", "y"]}
    assert php_form_pairs(data) == [
        ("settings[show_on_personal_page]", "1"),
        ("settings[thank_you_page_url]", ""),
        ("list[]", "x"),
        ("list[]", "y"),
    ]
    assert php_form_encode({"list": ["x"]}) == "list%5B%5D=x"


def test_encoder_list_of_one_key_dicts_uses_empty_brackets() -> None:
    assert php_form_pairs({"attendees": [{"email": "a@b.c"}, {"email": "d@e.f"}]}) == [
        ("attendees[][email]", "a@b.c"),
        ("attendees[][email]", "d@e.f"),
    ]


def test_encoder_list_of_multi_key_dicts_uses_indices() -> None:
    # With [] PHP would start a new person at every key; indices keep each person together.
    assert php_form_pairs({"people": [{"email": "a@b.c", "role": "host"}, {"email": "d@e.f"}]}) == [
        ("people[0][email]", "a@b.c"),
        ("people[0][role]", "host"),
        ("people[1][email]", "d@e.f"),
    ]


def test_encoder_rejects_what_php_cannot_carry() -> None:
    with pytest.raises(TypeError, match="datetime"):
        php_form_pairs({"starts_at": START})


@pytest.mark.parametrize(
    ("data", "php_reads"),
    [
        ({"a": {"b": {"c": True}}}, {"a": {"b": {"c": "1"}}}),
        ({"registration": {"1": "Ann", "2": "Lee"}}, {"registration": {"1": "Ann", "2": "Lee"}}),
        ({"grid": [["a", "b"], ["c"]]}, {"grid": [["a", "b"], ["c"]]}),
        ({"people": [{"e": "x", "n": "y"}, {"e": "z"}]}, {"people": [{"e": "x", "n": "y"}, {"e": "z"}]}),
        ({"empty": [], "none": None, "d": {}}, {}),
        ({"text": "zażółć & [x]=1 +"}, {"text": "zażółć & [x]=1 +"}),
        ({"mixed": [None, "a", {"k": False}]}, {"mixed": ["a", {"k": "0"}]}),
    ],
)
def test_encoder_round_trips_through_php_parsing(data: dict, php_reads: dict) -> None:
    body = php_form_encode(data)
    assert parse_php_form(parse_qsl(body, keep_blank_values=True)) == php_reads


def test_duration_and_autologin_url_helpers() -> None:
    assert duration_text(timedelta(minutes=80)) == "1:20"
    assert duration_text(timedelta(minutes=20)) == "0:20"
    assert duration_text(timedelta(minutes=59, seconds=1)) == "1:00"  # a started minute counts
    assert autologin_url("https://a.clickmeeting.com/room", "AQN4_x") == "https://a.clickmeeting.com/room?l=AQN4_x"
    assert autologin_url("https://a.test/r?lang=pl", "H") == "https://a.test/r?lang=pl&l=H"


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


# --- errors and retries -------------------------------------------------------------------------------------

ERROR_CASES = [
    (400, Rejected, "name", "This value should not be blank."),
    (401, AuthFailed, "X-Api-Key", "Invalid API key."),
    (403, AuthFailed, "lobby_enabled", "The lobby is available only in paid accounts."),
    (404, NotFound, "room_id", "Conference not found."),
    (422, Rejected, "how_many", "how_many must be between 1 and 1000."),
    (500, Unavailable, None, "Internal error."),
    (501, NotSupported, "format", "Not implemented."),
    (504, Unavailable, None, "Gateway timeout."),
]


@pytest.mark.parametrize(("status", "kind", "field", "message"), ERROR_CASES)
async def test_documented_error_codes_map_to_the_tree(
    fake: FakeClickMeeting,
    adapter: ClickMeetingProvider,
    status: int,
    kind: type[ProviderError],
    field: str | None,
    message: str,
) -> None:
    body = error_body(status, [(field, message)])
    fake.faults.add(Fault(status=status, body=body), path="/v1/conferences/42", times=3)  # outlast GET retries
    with pytest.raises(kind) as caught:
        await adapter.get_conference(42)
    error = caught.value
    assert type(error) is kind
    assert error.provider == "clickmeeting" and error.status == status
    assert message in (error.raw or "")  # the provider's words are kept for the logs
    assert error.user_message and "ClickMeeting" in error.user_message
    if isinstance(error, Rejected):
        assert (error.field, error.reason) == (field, message)
        assert message.rstrip(".") in error.user_message


async def test_several_field_errors_are_all_reported(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    # The fake itself answers 422 naming each missing field.
    with pytest.raises(Rejected) as caught:
        await adapter.create_conference({"name": "", "room_type": "meeting"})
    assert caught.value.field == "name"
    assert "permanent_room: This value should not be blank." in (caught.value.reason or "")
    assert '"code": 422' in (caught.value.raw or "") or '"code":422' in (caught.value.raw or "")


async def test_real_fake_answers_map_too(fake: FakeClickMeeting, base_url: str, adapter: ClickMeetingProvider) -> None:
    with pytest.raises(NotFound):
        await adapter.get_conference(999)
    room = await adapter.create_room(request_for())
    with pytest.raises(Rejected) as caught:
        await adapter.generate_tokens(room.room_id, how_many=3)  # an open room has no tokens
    assert caught.value.field == "access_type"
    fake.paid_account = False
    with pytest.raises(AuthFailed) as forbidden:
        await adapter.edit_conference(room.room_id, {"lobby_enabled": True})
    assert forbidden.value.status == 403 and "paid accounts" in (forbidden.value.raw or "")


async def test_get_retries_5xx_and_429_then_succeeds(fake: FakeClickMeeting, adapter: ClickMeetingProvider) -> None:
    room = await adapter.create_room(request_for())
    path = f"/v1/conferences/{room.room_id}"
    fake.faults.add(Fault(status=503), path=path, method="GET")
    fake.faults.add(Fault(status=429, retry_after=0), path=path, method="GET")
    conference = await adapter.get_conference(room.room_id)
    assert conference["id"] == int(room.room_id)
    assert len(fake.requests_to(path, "GET")) == 3


async def test_get_gives_up_after_retries(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    fake.faults.add(Fault(status=500), path="/v1/ping", times=5)
    with pytest.raises(Unavailable):
        await adapter.ping()
    assert len(fake.requests_to("/v1/ping")) == FAST.max_retries + 1


async def test_long_retry_after_is_rate_limited(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    fake.faults.add(Fault(status=429, retry_after=120), path="/v1/ping")
    with pytest.raises(RateLimited) as caught:
        await adapter.ping()
    assert caught.value.retry_after == 120


async def test_malformed_json_is_unavailable(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    fake.faults.add(Fault(malformed=True), path="/v1/conferences/skins")
    with pytest.raises(Unavailable) as caught:
        await adapter.skins()
    assert "unreadable" in (caught.value.raw or "")


async def test_slow_answer_times_out_then_retry_succeeds(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    fake.faults.add(Fault(delay=0.8), path="/v1/ping")
    assert await adapter.ping() == {"ping": "pong"}
    assert len(fake.requests_to("/v1/ping")) == 2
