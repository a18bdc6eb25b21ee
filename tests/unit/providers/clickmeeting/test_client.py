"""ClickMeeting client: the PHP-style form encoder, error mapping and retries, against the loopback fake."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl

import pytest

from providers.clickmeeting import (
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
from tests.fakes.clickmeeting import FakeClickMeeting, error_body, parse_php_form
from tests.fakes.server import Fault
from tests.support.policy import FAST, SHORT_TIMEOUT
from tests.unit.providers.clickmeeting.support import START, make_adapter, request_for


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


async def test_slow_answer_times_out_then_retry_succeeds(fake: FakeClickMeeting, base_url: str) -> None:
    fake.faults.add(Fault(delay=0.8), path="/v1/ping")
    async with make_adapter(base_url, policy=SHORT_TIMEOUT) as adapter:
        assert await adapter.ping() == {"ping": "pong"}
    assert len(fake.requests_to("/v1/ping")) == 2
