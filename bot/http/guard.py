"""What reaches Bolt from Slack's POSTs: signed, at most ``MAX_BODY`` bytes, and parseable.

    app = SlackGuard(app, signing_secret="…")      # in front of POST /slack/events (bot.http.app)

Order matters (issue 11, finding 3): the signature headers and the body's size are checked before
a byte is read, the signature before anything is parsed, and the parse before Bolt sees the body.
Answers: 401 unsigned or stale, 413 too big, 400 signed but malformed; never a 500, and the log
gets one line without the body (it may hold what someone typed, keys included).
The parsed body travels on in ``scope["state"]["slack_body"]`` for bot.http.idempotency.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import metrics

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes; Slack's requests are a few KB, a full modal state some tens
MAX_AGE = 300  # seconds: Slack's own replay window for the request timestamp
GUARDED_PATHS = frozenset({"/slack/events"})


class Refused(Exception):
    """A request answered here, before Bolt: ``status`` and a short reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_slack_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    """Slack's body as Bolt will read it (slack_bolt.request.internals.parse_body), or ``Refused(400)``.

        parse_slack_body(b"payload=%7B%22type%22%3A%22x%22%7D", "application/x-www-form-urlencoded")
    """
    try:
        text = body.decode("utf-8")
        if not text:
            return {}
        if content_type == "application/json" or text.startswith("{"):
            parsed: Any = json.loads(text)
        else:
            params = dict(parse_qsl(text, keep_blank_values=True))
            parsed = json.loads(params["payload"]) if "payload" in params else params
    except (UnicodeDecodeError, ValueError) as error:  # json.JSONDecodeError is a ValueError
        raise Refused(400, f"malformed body ({type(error).__name__})") from None
    if not isinstance(parsed, dict):
        raise Refused(400, "malformed body (not an object)")
    return parsed


class SlackGuard:
    """ASGI middleware for Slack's POST routes: size, signature, then shape; other requests pass."""

    def __init__(self, app: ASGIApp, *, signing_secret: str | None, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.secret = signing_secret.encode() if signing_secret else None
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in GUARDED_PATHS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            self.check_headers(headers)
            body = await self.read_body(receive)
            self.check_signature(headers, body)
            parsed = parse_slack_body(body, headers.get("content-type", "").split(";")[0].strip() or None)
        except Refused as refused:
            log.warning("refused a Slack request: %s", refused.reason)
            metrics.slack_refused.labels(status=str(refused.status)).inc()
            await PlainTextResponse(refused.reason, refused.status)(scope, receive, send)
            return
        scope.setdefault("state", {})["slack_body"] = parsed
        await self.pass_on(scope, body, send)

    def check_headers(self, headers: Headers) -> None:
        if self.secret is None:
            raise Refused(401, "no SLACK_SIGNING_SECRET is set, so no request can be verified")
        timestamp = headers.get("x-slack-request-timestamp", "")
        if not headers.get("x-slack-signature") or not timestamp.isascii() or not timestamp.isdigit():
            raise Refused(401, "unsigned request")
        if abs(time.time() - int(timestamp)) > MAX_AGE:
            raise Refused(401, "stale request timestamp")
        length = headers.get("content-length")
        if length is not None and (not length.isascii() or not length.isdigit() or int(length) > self.max_body):
            raise Refused(413, "body too large")

    async def read_body(self, receive: Receive) -> bytes:
        """The body, stopping as soon as it passes the cap (a chunked body has no Content-Length)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refused(400, "client went away")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise Refused(413, "body too large")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def check_signature(self, headers: Headers, body: bytes) -> None:
        """Slack's v0 HMAC over the raw bytes (slack_sdk's verifier decodes them first, and a body
        that is not UTF-8 made it raise)."""
        assert self.secret is not None
        base = b"v0:" + headers["x-slack-request-timestamp"].encode() + b":" + body
        expected = "v0=" + hmac.new(self.secret, base, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), headers["x-slack-signature"].encode("utf-8", "replace")):
            raise Refused(401, "invalid signature")

    async def pass_on(self, scope: Scope, body: bytes, send: Send) -> None:
        """Run the app on the body read here; a signed body Bolt still chokes on is a 400, not a 500."""
        started = False
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:  # the app waits for a disconnect only after answering
                return {"type": "http.disconnect"}
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, replay, watch)
        except Exception as error:  # one line, no traceback: the body may hold secrets
            log.warning("a signed Slack request failed before its answer: %s", type(error).__name__)
            if not started:
                metrics.slack_refused.labels(status="400").inc()
                await PlainTextResponse("malformed request", 400)(scope, replay, send)
