"""A Slack request is acted on once, on any replica: a repeat gets the first answer and changes nothing.

    app = Idempotent(app, storage=runtime.storage)   # behind bot.http.guard.SlackGuard (it parses the body)

The key of a request (issue 11, finding 1): a slash command's signature and timestamp (a replay
is the same signed bytes); an interaction's action ids and timestamps, or a view's id and submitted
values; an event's ``event_id`` (Slack's retries, marked ``X-Slack-Retry-Num``, carry the same one).
Keys live in the database for ``KEY_TTL`` (an hour).

Two ways, by what the ack says. A form submission's ack carries field errors, so its key is
claimed here, before the ack, and a repeat gets the stored first answer (a first attempt that
failed with a 5xx is forgotten, so Slack's retry runs it; a repeat while the first is still being
answered gets an empty 200). Every other ack is an empty 200 whatever happens, so the key only
travels on to Bolt's context (``REQUEST_KEY``) and the work after the ack claims it
(bot.slack.listeners): a burst of commands does not wait for the database before its acks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.slack.listeners import KEY_TTL, REQUEST_KEY
from db.errors import StorageError
from db.storage import Storage

log = logging.getLogger(__name__)

REPEAT_HEADER = "x-meetbot-repeat"  # set on answers given again, so operators can see them


def request_key(body: dict[str, Any], headers: Headers) -> str | None:
    """The identity of a state-changing Slack request, or None for one that changes nothing.

        request_key({"type": "event_callback", "event_id": "Ev1"}, headers)   # "event:Ev1" hashed
    """
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        identity = ["event", str(body["event_id"])]
    elif "command" in body:
        identity = ["command", headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")]
    elif kind == "block_actions":
        actions = body["actions"] if isinstance(body.get("actions"), list) else []
        identity = ["action", str(body.get("trigger_id", "")),
                    *(f"{a.get('action_id')}@{a.get('action_ts')}" for a in actions if isinstance(a, dict))]
    elif kind in ("view_submission", "view_closed") and isinstance(body.get("view"), dict):
        view = body["view"]
        state = json.dumps(view.get("state"), sort_keys=True, default=str)
        identity = ["view", str(kind), str(view.get("id", "")), str(view.get("hash", "")), state]
    elif kind in ("shortcut", "message_action") and body.get("trigger_id"):
        identity = ["shortcut", str(body["trigger_id"])]
    else:
        return None  # url_verification, ssl_check: answering twice is harmless
    return hashlib.sha256("\x1f".join(identity).encode()).hexdigest()


def team_of(body: dict[str, Any]) -> str:
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    return team if isinstance(team, str) else ""


class Idempotent:
    """ASGI middleware: a form submission's key is claimed here and its answer kept for repeats;
    any other request's key goes on to Bolt's context, for the work after the ack to claim."""

    def __init__(self, app: ASGIApp, *, storage: Storage, ttl: timedelta = KEY_TTL) -> None:
        self.app = app
        self.storage = storage
        self.ttl = ttl

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = scope.get("state", {}).get("slack_body") if scope["type"] == "http" else None
        key = request_key(body, Headers(scope=scope)) if isinstance(body, dict) else None
        if key is None or not isinstance(body, dict) or body.get("type") != "view_submission":
            if key is not None:
                scope["state"][REQUEST_KEY] = key  # bot.http.routes hands it to Bolt's context
            await self.app(scope, receive, send)
            return
        try:
            claim = await self.storage.handled.claim(key, team_id=team_of(body), now=datetime.now(UTC),
                                                     ttl=self.ttl)
        except StorageError as error:  # the listeners will say so in words; refusing here would say less
            log.warning("request key not recorded: %s", error)
            await self.app(scope, receive, send)
            return
        if not claim.first:
            retry = Headers(scope=scope).get("x-slack-retry-num")
            log.info("repeated Slack request answered again%s", f" (Slack retry {retry})" if retry else "")
            answer = claim.answer
            response = (Response(answer.body, answer.status, media_type=answer.content_type) if answer
                        else Response(b"", 200))
            response.headers[REPEAT_HEADER] = "1"
            await response(scope, receive, send)
            return
        await self.first(key, scope, receive, send)

    async def first(self, key: str, scope: Scope, receive: Receive, send: Send) -> None:
        status = 500
        content_type: str | None = None
        parts: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                content_type = Headers(raw=message.get("headers", [])).get("content-type")
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, keep)
        finally:
            with contextlib.suppress(StorageError):  # the key then expires unanswered: repeats get an empty 200
                if status >= 500:
                    await self.storage.handled.release(key)
                else:
                    await self.storage.handled.answer(key, status=status, content_type=content_type,
                                                      body=b"".join(parts).decode("utf-8", "replace"))
