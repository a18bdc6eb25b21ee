"""bot.logs: every shape a secret took in a log line of ours or of a library's is redacted; libraries
build no debug line that would be dropped."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.logs import PATTERNS, REDACTED, may_hold_secrets, redact, scrub
from tests.fakes.slack import FakeSlack
from tests.support.logs import captured_logs

SECRET = st.text(alphabet="abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-", min_size=12, max_size=40)
SHAPES = [
    "Attempting WebSocket connection to ws://h/socket/?sessionId={}&transport=websocket&EIO=3",
    "joined https://whereby.test/room?roomKey={}",
    "auto-login https://cm.test/room?l={}",
    "headers: {{'Authorization': 'Bearer {}'}}",
    "{{\"api_key\": \"{}\", \"region\": \"eu\"}}",
    "credentials={{'password': '{}'}}",
    "X-Api-Key: {}",
    "refresh_token={}&grant_type=refresh_token",
    "Invalid request signature detected (signature: v0=abc, timestamp: 1, body: token=t&text=connect {})",
    "A global middleware (x) skipped calling next() without providing a response for the request (text={})",
    "Sending a request - url: POST https://slack/api/chat.postMessage, data: {{'text': '{}'}}, json: {{}}",
]


@given(secret=SECRET, shape=st.sampled_from(SHAPES))
def test_a_secret_in_any_known_shape_is_redacted(secret: str, shape: str) -> None:
    line = redact(shape.format(secret))
    assert secret not in line and REDACTED in line


@pytest.mark.parametrize("token", ["xoxb-1-2-abc", "xoxp-9-x", "xoxe.xoxb-1-MIIabc", "xoxe-1-My4tYWJj", "xapp-1-A1-2-z"])
def test_slack_tokens_are_redacted_wherever_they_stand(token: str) -> None:
    assert redact(f"client for {token} failed") == f"client for {REDACTED} failed"


def test_fernet_ciphertext_is_redacted() -> None:
    assert redact("row gAAAAABnQ1xZ_9w2dVHlZ8ExampleCipherTextValue== kept") == f"row {REDACTED} kept"


def test_a_secret_split_over_template_and_argument_is_redacted() -> None:
    record = logging.LogRecord("x", logging.INFO, "f", 1, "token=%s for %s", ("s3cr3t-value", "U1"), None)
    assert scrub(record).getMessage() == f"token={REDACTED} for U1"


def test_numbers_stay_numbers_for_their_format() -> None:
    record = logging.LogRecord("x", logging.INFO, "f", 1, "%d reminders in %.1f s", (3, 0.25), None)
    assert scrub(record).getMessage() == "3 reminders in 0.2 s"


def test_ordinary_lines_are_left_alone() -> None:
    line = "users.info failed for U1: ratelimited; retrying in 3 s (page 2 of 4)"
    assert redact(line) == line


def test_the_log_settings_read_any_case_and_refuse_other_values(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    monkeypatch.setenv("MEETBOT_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("MEETBOT_LOG_FORMAT", "Json")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.meetbot_log_level, settings.meetbot_log_format) == ("debug", "json")
    monkeypatch.setenv("MEETBOT_LOG_LEVEL", "loud")
    with pytest.raises(ValidationError, match="meetbot_log_level"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_a_sentence_about_stored_data_is_not_taken_for_a_body() -> None:
    line = "The database refused a change that conflicts with stored data: duplicate key value."
    assert redact(line) == line
    assert redact("Sending a request - data: {'code': 'abc'}, json: {}") == f"Sending a request - data: {REDACTED}"


async def test_slack_sdk_builds_its_debug_lines_only_when_they_are_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk reads its logger's own level, not the effective one, before building a line that
    # quotes a whole post: unset, it built and dropped two per post at every level.
    built: list[str] = []
    for name in ("slack_sdk.web.async_base_client", "slack_sdk.webhook.async_client"):
        monkeypatch.setattr(logging.getLogger(name), "debug", lambda line, *_, **__: built.append(line))
    fake = FakeSlack(tokens={"xoxb-logs1": "T1"})
    fake.add_channel("C1", team_id="T1", name="general", members=[])
    with fake.running():
        client = AsyncWebClient(token="xoxb-logs1", base_url=fake.api_url)
        answers = AsyncWebhookClient(url=fake.response_url("logs"))
        for level, lines in (("info", 0), ("warning", 0), ("debug", 4)):
            built.clear()
            with captured_logs(level=level):
                await client.chat_postMessage(channel="C1", text="Room ready")
                await answers.send(text="Room ready")
            assert len(built) == lines, level


# Key words and shapes the patterns look for, and what stands around them, to build lines from.
KEYS = ["token", "bot_token", "Token_Cache", "api_key", "APIKEY", "x-api-key", "access-key", "secret", "client_secret",
        "signing-secret", "secret_keys", "password", "passwd", "sessionId", "session_id", "roomKey", "host_url",
        "hostRoomUrl", "credentials", "Authorization", "signature", "x-slack-signature", "body", "request_body",
        "Payload", "data", "JSON", "params", "request", "for the request ", "Bearer", "basic", "xoxb-", "xapp-1-",
        "xoxe.xoxb-", "gAAAAA", "A" * 24, "?l", "&code", ";state", "hash", "="]
AROUND = [":", ": ", " = ", " ", "'", '"', "{", "[", "(", ")", "b'", "abc", "x1", "/", "-", "_", "."]


@given(st.lists(st.one_of(st.sampled_from(KEYS), st.sampled_from(AROUND), st.text(max_size=3)), max_size=10)
       .map("".join))
def test_a_line_the_quick_check_passes_over_is_one_no_pattern_would_change(line: str) -> None:
    if not may_hold_secrets(line):
        assert all(pattern.sub(replacement, line) == line for pattern, replacement in PATTERNS), line
    else:
        assert redact(line) == _all_patterns(line)


@pytest.mark.parametrize("key", KEYS)
def test_each_key_word_alone_is_enough_for_the_quick_check(key: str) -> None:
    for line in (f"{key}: abc123", f"{key} abc123", f"'{key}': 'abc'", f"{key}: {{'x': 1}}",
                 f"{key}abcdefghijklmnopqrstuvwxyz", f"x {key}: b'abc'", f"see {key}(abc)"):
        assert may_hold_secrets(line) or _all_patterns(line) == line, line


def _all_patterns(line: str) -> str:
    for pattern, replacement in PATTERNS:
        line = pattern.sub(replacement, line)
    return line


def test_an_access_line_is_left_as_it_is_and_an_oauth_code_in_one_is_not() -> None:
    assert not may_hold_secrets('127.0.0.1:5555 - "POST /slack/events HTTP/1.1" 200')
    line = '127.0.0.1:5555 - "GET /slack/oauth_redirect?code=4321.abcd&state=s1 HTTP/1.1" 302'
    assert redact(line) == f'127.0.0.1:5555 - "GET /slack/oauth_redirect?code={REDACTED}&state={REDACTED} HTTP/1.1" 302'
