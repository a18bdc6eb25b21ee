"""The request path (issue 11, findings 1 and 3): a replayed or retried request changes nothing twice;
the signature is checked before anything is parsed; big bodies get 413, malformed signed ones 400."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import text

from bot.http.guard import MAX_BODY, SlackGuard
from bot.http.idempotency import REPEAT_HEADER
from tests.scenario.harness import SIGNING_SECRET, TEAM, SlackScenario, sign
from tests.scenario.meeting.test_new_modal import open_modal, tomorrow
from tests.scenario.views import submission

FORM = "application/x-www-form-urlencoded"


def meetings(slack: SlackScenario) -> int:
    with slack.storage.engine.connect() as connection:  # a test may block its own loop
        return int(connection.execute(text("SELECT count(*) FROM meeting")).scalar() or 0)


def command_body(slack: SlackScenario, line: str) -> bytes:
    command, _, words = line.partition(" ")
    return urlencode({"token": "verification_token", "team_id": TEAM, "channel_id": "C1", "user_id": "U1",
                      "command": command, "text": words, "api_app_id": "A0MEETBOT1",
                      "response_url": slack.fake.response_url("replayed"),
                      "trigger_id": slack.fake.new_trigger_id()}).encode()


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_replayed_slash_command_creates_one_room_and_one_announcement(slack: SlackScenario) -> None:
    body = command_body(slack, "/meeting new kmeet Standup")
    headers = sign(body)
    answers = [await slack.post(body, FORM, headers) for _ in range(3)]
    assert [(a.status_code, a.content) for a in answers] == [(200, b"")] * 3  # the first answer, each time
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)  # the work after any second ack would have started by now
    assert meetings(slack) == 1
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_replays_arriving_together_still_create_once(slack: SlackScenario) -> None:
    body = command_body(slack, "/meeting new kmeet Standup")
    headers = sign(body)
    answers = await asyncio.gather(*(slack.post(body, FORM, headers) for _ in range(4)))
    assert {a.status_code for a in answers} == {200}
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)
    assert meetings(slack) == 1 and len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_a_new_signature_is_a_new_request(slack: SlackScenario) -> None:
    """The same words typed twice are two meetings: only the same signed request is a repeat."""
    for _ in range(2):
        await slack.command("/meeting new kmeet Standup")
        await slack.reply()
    assert meetings(slack) == 2


def event_body(event_id: str) -> bytes:
    return json.dumps({"token": "verification_token", "team_id": TEAM, "api_app_id": "A0MEETBOT1",
                       "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
                       "event": {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}}).encode()


async def test_slacks_retries_of_an_event_are_recognised(slack: SlackScenario) -> None:
    first = await slack.post(event_body("Ev0RETRY"), "application/json")
    await slack.fake.wait_for("views.publish")
    for retry in ("1", "2"):  # Slack signs each retry anew, with the same event_id
        body = event_body("Ev0RETRY")
        again = await slack.post(body, "application/json",
                                 {**sign(body), "X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"})
        assert (again.status_code, again.content) == (200, b"")
    before_other = slack.fake.mark()  # an index into every call (auth.test and users.info come first)
    await slack.post(event_body("Ev0OTHER"), "application/json")
    await slack.fake.wait_for("views.publish", since=before_other)
    await asyncio.sleep(0.3)
    assert first.status_code == 200 and len(slack.fake.calls_to("views.publish")) == 2


async def test_a_replayed_form_submission_creates_once_and_gets_the_first_answer(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    body = urlencode({"payload": json.dumps(submission(slack, view, title="Standup", start_date=tomorrow(),
                                                       start_time="10:00"))}).encode()
    headers = sign(body)
    first = await slack.post(body, FORM, headers)
    again = await slack.post(body, FORM, headers)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)
    assert meetings(slack) == 1


async def test_a_replayed_refused_submission_gets_the_same_field_errors(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    body = urlencode({"payload": json.dumps(submission(slack, view, title="   "))}).encode()
    headers = sign(body)
    first, again = [await slack.post(body, FORM, headers) for _ in range(2)]
    assert first.json()["response_action"] == "errors"
    assert again.json() == first.json() and again.headers.get(REPEAT_HEADER) == "1"


@pytest.mark.parametrize(("body", "content_type"), [
    (b"payload=%7Bbad", FORM),
    (b"{bad", "application/json"),
    (b"payload=%5B1%2C2%5D", FORM),          # JSON, but not an object
    (b"[1, 2]", "application/json"),
])
async def test_malformed_signed_bodies_get_400_without_a_traceback(
        slack: SlackScenario, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str) -> None:
    caplog.set_level(logging.DEBUG)
    response = await slack.post(body, content_type)
    assert response.status_code == 400
    no_tracebacks(caplog)


async def test_a_signed_body_that_is_not_utf8_gets_400(slack: SlackScenario, caplog: pytest.LogCaptureFixture) -> None:
    body = b"\xff\xfe{}"
    timestamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}
    assert (await slack.post(body, "application/json", headers)).status_code == 400
    no_tracebacks(caplog)


async def test_a_body_over_the_cap_gets_413(slack: SlackScenario, caplog: pytest.LogCaptureFixture) -> None:
    body = urlencode({"command": "/meeting", "text": "x" * MAX_BODY}).encode()
    response = await slack.post(body, FORM)
    assert response.status_code == 413
    no_tracebacks(caplog)
    assert meetings(slack) == 0 and slack.fake.calls == []


async def test_unsigned_junk_is_refused_before_parsing(slack: SlackScenario, caplog: pytest.LogCaptureFixture) -> None:
    for body, content_type in ((b"payload=%7Bbad", FORM), (b"{bad", "application/json")):
        assert (await slack.post(body, content_type, {})).status_code == 401
    no_tracebacks(caplog)


async def _call(guard: SlackGuard, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, int]:
    """Run ``guard`` on a POST whose body arrives in ``chunks``: (status, bytes the guard asked for)."""
    delivered = 0
    pending = list(chunks)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        chunk = pending.pop(0)
        delivered += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not be reached")

    scope = {"type": "http", "method": "POST", "path": "/slack/events", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    await guard(scope, receive, send)
    return sent[0]["status"], delivered


async def test_an_unsigned_10_mb_body_is_never_read() -> None:
    guard = SlackGuard(lambda *_: None, signing_secret=SIGNING_SECRET)  # type: ignore[arg-type]
    ten_mb = [b"x" * 1_000_000] * 10
    assert await _call(guard, {"Content-Length": str(10_000_000)}, ten_mb) == (401, 0)
    # signed headers but a declared size over the cap: refused before reading, too
    signed = {**sign(b"irrelevant"), "Content-Length": str(10_000_000)}
    assert await _call(guard, signed, ten_mb) == (413, 0)


async def test_a_chunked_body_stops_being_read_past_the_cap() -> None:
    guard = SlackGuard(lambda *_: None, signing_secret=SIGNING_SECRET)  # type: ignore[arg-type]
    status, delivered = await _call(guard, sign(b"irrelevant"), [b"x" * 400_000] * 25)
    assert status == 413 and delivered <= MAX_BODY + 400_000
