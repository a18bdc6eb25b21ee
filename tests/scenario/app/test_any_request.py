"""Any body, payload and headers to Slack's routes (issue 11, "How it is checked"): never a 500, never
a traceback in the log, and an unsigned request never runs anything. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.scenario.harness import SlackScenario, sign, slack_app

EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TABLES = ("meeting", "reminder", "provideraccount", "preference", "workspace", "handledrequest")

KEYS = ["type", "event_id", "event", "team", "team_id", "user", "user_id", "channel", "channel_id", "actions",
        "view", "command", "text", "trigger_id", "enterprise", "enterprise_id", "authorizations", "api_app_id",
        "challenge", "token", "container", "callback_id", "is_enterprise_install", "state", "id", "tab",
        "action_id", "value", "hash", "private_metadata", "tokens", "bot"]
TYPES = ["event_callback", "url_verification", "block_actions", "view_submission", "view_closed", "shortcut",
         "message_action", "block_suggestion", "app_rate_limited", "app_home_opened", "app_uninstalled",
         "tokens_revoked", "modal", "home"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2, 2**40), st.floats(allow_nan=False),
                    st.sampled_from([*TYPES, "T1", "U1", "C1", "new_meeting", "/meeting", "help", "kmeet"]),
                    st.text(max_size=8))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner,
                                                                 max_size=4),
    max_leaves=12)
objects = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6)


@st.composite
def bodies(draw: st.DrawFn, response_url: str) -> tuple[bytes, str | None]:
    """A body and its content type: Slack's three shapes with any content, or anything at all."""
    kind = draw(st.sampled_from(["command", "payload", "event", "bytes", "text"]))
    if kind == "command":
        fields = {"command": draw(st.sampled_from(["/meeting", "/kmeet", "/nope", ""])),
                  "text": draw(st.sampled_from(["help", "new kmeet Standup", "list", "", "new"]) | st.text(max_size=20)),
                  "team_id": draw(st.sampled_from(["T1", "T9", ""])), "user_id": draw(st.sampled_from(["U1", "U2", ""])),
                  "channel_id": "C1", "response_url": response_url, "trigger_id": "t.1"}
        fields = {k: v for k, v in fields.items() if draw(st.booleans()) or k == "command"}
        return urlencode(fields).encode(), "application/x-www-form-urlencoded"
    if kind == "payload":
        payload = draw(objects.map(json.dumps) | st.text(max_size=30))
        return urlencode({"payload": payload}).encode(), draw(st.sampled_from(["application/x-www-form-urlencoded", None]))
    if kind == "event":
        envelope = {"type": "event_callback", "team_id": "T1", "event_id": draw(st.text(max_size=6)),
                    "event": draw(objects), **draw(objects)}
        return json.dumps(envelope).encode(), draw(st.sampled_from(["application/json", None, "text/plain"]))
    if kind == "text":
        return draw(st.text(max_size=60)).encode(), draw(st.sampled_from(["application/json", "text/plain", None]))
    return draw(st.binary(max_size=60)), draw(st.sampled_from(["application/json", "application/x-www-form-urlencoded"]))


headers_kinds = st.sampled_from(["signed", "signed", "signed", "wrong secret", "stale", "none", "garbage"])
extra_headers = st.dictionaries(st.sampled_from(["X-Slack-Retry-Num", "X-Slack-Retry-Reason", "X-Forwarded-For"]),
                                st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=8),
                                max_size=2)


def signature_headers(kind: str, body: bytes) -> dict[str, str]:
    if kind == "signed":
        return sign(body) if _utf8(body) else {}
    if kind == "wrong secret":
        return sign(body, secret="not-the-secret") if _utf8(body) else {}
    if kind == "stale":
        return sign(body, timestamp=int(time.time()) - 3600) if _utf8(body) else {}
    if kind == "garbage":
        return {"X-Slack-Request-Timestamp": "12e3", "X-Slack-Signature": "v0=zz"}
    return {}


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def stored(slack: SlackScenario) -> dict[str, int]:
    with slack.storage.engine.connect() as connection:
        return {t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}


async def settled() -> None:
    """Let the work after the acks of earlier examples finish, so what changes now is this request's doing."""
    others = [task for task in asyncio.all_tasks()  # the outbox worker's loop runs until the app stops
              if task is not asyncio.current_task() and not task.get_name().startswith("outbox-")]
    if others:
        await asyncio.wait(others, timeout=5)


def assert_clean_log(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage() or r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


@EXAMPLES
@given(data=st.data(), signing=headers_kinds, extra=extra_headers)
async def test_any_post_to_slack_events(slack: SlackScenario, caplog: pytest.LogCaptureFixture, data: st.DataObject,
                                        signing: str, extra: dict[str, str]) -> None:
    caplog.set_level(logging.INFO)
    body, content_type = data.draw(bodies(slack.fake.response_url("any")))
    headers = {**signature_headers(signing, body), **extra}
    if content_type:
        headers["Content-Type"] = content_type
    await settled()
    before, calls = stored(slack), slack.fake.mark()
    response = await slack.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code < 500
    if signing != "signed":
        assert response.status_code == 401
        assert slack.fake.mark() == calls and stored(slack) == before
    assert "Traceback" not in response.text
    assert_clean_log(caplog)


OAUTH = {"slack_bot_token": None, "slack_client_id": "1111.2222", "slack_client_secret": "fake-client-secret"}


@pytest.fixture(params=["single", "oauth"])
async def any_mode(request: pytest.FixtureRequest, database_url: str) -> AsyncIterator[SlackScenario]:
    """The app serving one workspace, or many through OAuth (where the install routes are live)."""
    async with slack_app(database_url, **(OAUTH if request.param == "oauth" else {})) as scenario:
        yield scenario


@EXAMPLES
@given(path=st.sampled_from(["/slack/install", "/slack/oauth_redirect", "/healthz", "/slack/events"]),
       method=st.sampled_from(["GET", "POST", "PUT"]),
       query=st.dictionaries(st.sampled_from(["code", "state", "error", "team", "x"]), st.text(max_size=12), max_size=3))
async def test_any_request_to_the_other_routes(any_mode: SlackScenario, caplog: pytest.LogCaptureFixture, path: str,
                                               method: str, query: dict[str, str]) -> None:
    caplog.set_level(logging.INFO)
    await settled()
    before = stored(any_mode)
    response = await any_mode.http.request(method, path, params=query)
    assert response.status_code < 500 and "Traceback" not in response.text
    assert stored(any_mode) == before
    assert_clean_log(caplog)
