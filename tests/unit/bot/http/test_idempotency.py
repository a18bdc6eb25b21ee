"""The request key and the body parser take whatever Slack (or anyone with the secret) sends: they
never raise, and what they refuse or key is decided by the request's identity only."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import Headers

from bot.http.guard import Refused, parse_slack_body
from bot.http.idempotency import Idempotent, request_key
from db.errors import StorageError

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=6),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                        max_size=3), max_leaves=10)
KEYS = st.sampled_from(["type", "event_id", "command", "actions", "view", "trigger_id", "team", "team_id"])
bodies = st.dictionaries(KEYS | st.text(max_size=5), json_values, max_size=6)
HEADERS = Headers({"x-slack-request-timestamp": "1", "x-slack-signature": "v0=ab"})


@given(body=bodies)
def test_any_body_gets_a_key_or_none_and_never_an_error(body: dict[str, Any]) -> None:
    key = request_key(body, HEADERS)
    assert key is None or len(key) == 64


@given(body=st.binary(max_size=80), content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded",
                                                                    None, "text/plain"]))
def test_any_bytes_parse_to_an_object_or_a_400(body: bytes, content_type: str | None) -> None:
    try:
        assert isinstance(parse_slack_body(body, content_type), dict)
    except Refused as refused:
        assert refused.status == 400


def test_retries_of_one_event_share_a_key_and_two_events_do_not() -> None:
    event = {"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_home_opened"}}
    retry = Headers({"x-slack-request-timestamp": "2", "x-slack-signature": "v0=cd", "x-slack-retry-num": "1"})
    assert request_key(event, HEADERS) == request_key(event, retry)
    assert request_key(event, HEADERS) != request_key({**event, "event_id": "Ev2"}, HEADERS)


def test_a_command_is_known_by_its_signature_and_a_submission_by_its_values() -> None:
    command = {"command": "/meeting", "text": "new kmeet Standup"}
    assert request_key(command, HEADERS) != request_key(command, Headers({"x-slack-signature": "v0=other"}))
    view = {"id": "V1", "hash": "h", "state": {"values": {"title": {"title": {"value": "A"}}}}}
    submitted = {"type": "view_submission", "view": view}
    changed = {"type": "view_submission", "view": {**view, "state": {"values": {"title": {"title": {"value": "B"}}}}}}
    assert request_key(submitted, HEADERS) != request_key(changed, HEADERS)
    assert request_key({"type": "url_verification", "challenge": "x"}, HEADERS) is None


async def test_a_database_that_cannot_record_the_key_does_not_stop_the_request() -> None:
    async def claim(*args: Any, **kwargs: Any) -> None:
        raise StorageError("The database cannot be reached right now: refused.")

    reached: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)

    storage = SimpleNamespace(handled=SimpleNamespace(claim=claim))
    middleware = Idempotent(app, storage=storage)  # type: ignore[arg-type]
    scope = {"type": "http", "headers": [], "state": {"slack_body": {"type": "event_callback", "event_id": "Ev1"}}}
    await middleware(scope, None, None)  # type: ignore[arg-type]
    assert reached == [True]


@pytest.mark.parametrize("payload", ["[1]", "1", "null", '"text"'])
def test_a_payload_that_is_json_but_not_an_object_is_refused(payload: str) -> None:
    with pytest.raises(Refused) as refused:
        parse_slack_body(urlencode({"payload": payload}).encode(), "application/x-www-form-urlencoded")
    assert refused.value.status == 400
