"""A loopback fake of the Slack Web API, strict enough that a wrong call fails the way Slack fails.

    fake = FakeSlack(tokens={"xoxb-T1": "T1"})
    fake.add_user("U1", team_id="T1", name="ada", email="ada@example.com", tz="Europe/Paris")
    fake.add_channel("C1", team_id="T1", name="general", members=["U1"])
    with fake.running() as api_url:                 # "http://127.0.0.1:PORT/api/" = SLACK_API_URL
        ...                                          # drive the app
        call = fake.wait_for_sync("chat.postMessage", lambda c: c.args["channel"] == "C1")
        assert "Room ready" in fake.messages_in("C1")[-1]["text"]

What it checks, as Slack does (HTTP 200 with ``{"ok": false, "error": ...}`` unless noted):
- the method exists (``unknown_method``), the token is known (``not_authed`` / ``invalid_auth`` /
  ``token_revoked``), is of the right kind (``not_allowed_token_type``: bot tokens for Web API
  methods, ``xapp-`` tokens for ``apps.connections.open``) and carries the method's scope
  (``missing_scope`` with ``needed`` and ``provided``);
- the body: ``application/json`` (a ``token`` inside JSON is ignored, as Slack ignores it),
  ``application/x-www-form-urlencoded`` or ``multipart/form-data``; query parameters are merged in
  (slack_sdk sends ``auth.test``, ``conversations.open`` and ``chat.delete`` that way and
  ``users.info`` as a GET). Bad JSON -> ``invalid_json``, JSON that is no object ->
  ``json_not_object``, no Content-Type -> ``missing_post_type``, another one -> ``invalid_post_type``,
  an odd charset -> ``invalid_charset``;
- each method's required arguments and state: channels, users, messages, views, home tabs, trigger
  ids (each usable once), OAuth codes (each usable once) all belong to one workspace (team), so a
  token of another workspace gets ``channel_not_found`` / ``user_not_found``.

Every call the fake handled is kept in ``calls`` (method, token, team, merged args, answer);
``requests`` (from FakeService) also holds the raw HTTP requests, including ones a shared fault
answered before the fake saw them. ``fail_next`` / ``rate_limit_next`` inject Slack-level failures,
``faults`` the HTTP-level ones (500, timeouts, broken JSON) for paths such as "/api/chat.update".
Reading helpers are safe to call from the test's thread while the server runs in its own.

The package, by job: ``records`` (limits, errors, calls), ``checks`` (bodies and arguments),
``state`` (workspaces and their seeding), ``methods`` (the Web API methods), ``oauth``,
``socket_mode``, ``observe`` (reading and waiting), ``fake`` (the server that joins them).
"""

from __future__ import annotations

from tests.fakes.slack.fake import FakeSlack
from tests.fakes.slack.records import (
    DEFAULT_BOT_SCOPES,
    METHOD_SCOPES,
    Call,
    ResponsePost,
    SlackError,
    Team,
    TokenInfo,
)

__all__ = ["DEFAULT_BOT_SCOPES", "METHOD_SCOPES", "Call", "FakeSlack", "ResponsePost", "SlackError", "Team", "TokenInfo"]
