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
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import email.parser
import email.policy
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fakes.server import FakeService, serve

# What a fresh bot token may do unless a test says otherwise: every scope the fake's methods check.
DEFAULT_BOT_SCOPES = ("chat:write", "commands", "im:write", "mpim:write", "users:read", "users:read.email",
                      "channels:read", "groups:read")

# The scope Slack requires per method (docs.slack.dev, "Required scopes"); absent = none needed.
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "conversations.open": "im:write",
    "users.info": "users:read",
    "apps.connections.open": "connections:write",
}

# Slack's own limits that a Block Kit or message bug would hit first.
MAX_TEXT = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_MPIM_USERS = 8
RESPONSE_TYPES = ("ephemeral", "in_channel")
RESPONSE_URL_USES = 5  # "You can use a response_url five times within 30 minutes."

TRIGGER_ID = re.compile(r"^\d+\.\d+\.[A-Za-z0-9]+$")
ACCEPTED_CHARSETS = frozenset({"utf-8", "utf8", "iso-8859-1"})


class SlackError(Exception):
    """An ``ok: false`` answer: ``raise SlackError("channel_not_found")``."""

    def __init__(self, error: str, *, messages: Iterable[str] = (), **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


def missing(name: str) -> SlackError:
    """Slack's answer to a missing required argument without a method-specific error."""
    return SlackError("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])


@dataclass
class Team:
    """A workspace and the app's bot user in it."""

    id: str
    name: str
    domain: str
    bot_user_id: str
    bot_id: str


@dataclass
class TokenInfo:
    """A token the fake accepts: ``kind`` is "bot" (xoxb-) or "app" (xapp-)."""

    token: str
    kind: str
    team_id: str | None
    scopes: tuple[str, ...]
    revoked: bool = False


@dataclass
class Call:
    """One Web API call as the fake handled it: what came in and what went out."""

    method: str
    http_method: str
    token: str | None
    team_id: str | None
    args: dict[str, Any]
    content_type: str
    at: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return None if self.ok else self.response.get("error")


@dataclass
class ResponsePost:
    """One POST the app made to a ``response_url`` the fake handed out."""

    name: str
    body: dict[str, Any]
    at: float

    @property
    def text(self) -> str | None:
        return self.body.get("text")

    @property
    def blocks(self) -> list[dict[str, Any]] | None:
        return self.body.get("blocks")

    @property
    def response_type(self) -> str:
        return self.body.get("response_type", "ephemeral")

    @property
    def replace_original(self) -> bool:
        return bool(self.body.get("replace_original"))

    @property
    def delete_original(self) -> bool:
        return bool(self.body.get("delete_original"))


@dataclass
class _Trigger:
    issued: float
    expired: bool = False
    used: bool = False


@dataclass
class _Injected:
    error: str | None = None  # fail_next: 200 ok:false with this error
    retry_after: int | None = None  # rate_limit_next: 429 with this Retry-After


class FakeSlack(FakeService):
    """The Slack Web API on 127.0.0.1: ``FakeSlack(tokens={"xoxb-T1": "T1"}, app_tokens=["xapp-1"])``.

    ``client_id`` / ``client_secret`` are the app's OAuth credentials that ``oauth.v2.access`` checks;
    ``trigger_ttl`` (seconds, Slack's is 3) expires trigger ids minted by ``new_trigger_id``.
    """

    def __init__(
        self,
        tokens: dict[str, str] | None = None,
        *,
        app_tokens: Iterable[str] = (),
        client_id: str = "1111.2222",
        client_secret: str = "fake-client-secret",
        app_id: str = "A0MEETBOT1",
        trigger_ttl: float | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.app_id = app_id
        self.trigger_ttl = trigger_ttl
        self.expire_triggers = False  # True: every views.open answers expired_trigger_id
        self.root_url: str | None = None
        self.socket_tickets: list[str] = []
        self.socket_acks: list[dict[str, Any]] = []
        self._sockets: list[tuple[Any, asyncio.AbstractEventLoop]] = []
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._last_ts_us = 0
        self._teams: dict[str, Team] = {}
        self._tokens: dict[str, TokenInfo] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._dms: dict[tuple[str, frozenset[str]], str] = {}
        self._messages: dict[str, dict[str, dict[str, Any]]] = {}
        self._ephemerals: list[dict[str, Any]] = []
        self._views: dict[str, dict[str, Any]] = {}
        self._homes: dict[tuple[str, str], str] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._codes: dict[str, dict[str, Any]] = {}
        self._response_urls: dict[str, int] = {}
        self._responses: list[ResponsePost] = []
        self._calls: list[Call] = []
        self._injected: dict[str, list[_Injected]] = {}
        for token, team_id in (tokens or {}).items():
            self.add_token(token, team_id)
        for token in app_tokens:
            self.add_app_token(token)
        super().__init__()

    # ------------------------------------------------------------------ set-up

    def add_team(
        self,
        team_id: str,
        *,
        name: str | None = None,
        domain: str | None = None,
        bot_user_id: str | None = None,
        bot_id: str | None = None,
    ) -> Team:
        """Add (or update) a workspace: ``fake.add_team("T1", name="Acme", bot_user_id="U0BOT")``."""
        with self._lock:
            team = self._teams.get(team_id)
            if team is None:
                suffix = team_id[1:] or team_id
                team = Team(
                    id=team_id,
                    name=name or f"Workspace {team_id}",
                    domain=domain or f"ws-{team_id.lower()}",
                    bot_user_id=bot_user_id or f"U0BOT{suffix}",
                    bot_id=bot_id or f"B0BOT{suffix}",
                )
                self._teams[team_id] = team
            else:
                team.name = name or team.name
                team.domain = domain or team.domain
                team.bot_user_id = bot_user_id or team.bot_user_id
                team.bot_id = bot_id or team.bot_id
            return team

    def add_token(self, token: str, team_id: str, *, scopes: Iterable[str] = DEFAULT_BOT_SCOPES) -> None:
        """Accept a bot token for a workspace: ``fake.add_token("xoxb-T2", "T2", scopes=["chat:write"])``."""
        with self._lock:
            self.add_team(team_id)
            self._tokens[token] = TokenInfo(token, "bot", team_id, tuple(scopes))

    def add_app_token(self, token: str) -> None:
        """Accept an app-level token (Socket Mode): ``fake.add_app_token("xapp-1-A1-1-abc")``."""
        if not token.startswith("xapp-"):
            raise ValueError("app-level tokens start with xapp-")
        with self._lock:
            self._tokens[token] = TokenInfo(token, "app", None, ("connections:write",))

    def revoke(self, token: str) -> None:
        """Make a known token answer ``token_revoked`` from now on."""
        with self._lock:
            self._tokens[token].revoked = True

    def add_user(
        self,
        user_id: str,
        *,
        team_id: str | None = None,
        name: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "UTC",
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """Seed a member for ``users.info``: ``fake.add_user("U1", team_id="T1", tz="Europe/Paris")``."""
        with self._lock:
            team_id = self._only_team(team_id)
            now = datetime.now(ZoneInfo(tz))
            offset = now.utcoffset()
            name = name or user_id.lower()
            real_name = real_name or name.title()
            profile: dict[str, Any] = {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": name,
                "display_name_normalized": name,
                "team": team_id,
            }
            if email is not None:
                profile["email"] = email
            user = {
                "id": user_id,
                "team_id": team_id,
                "name": name,
                "deleted": deleted,
                "real_name": real_name,
                "tz": tz,
                "tz_label": now.tzname(),
                "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
                "is_admin": is_admin or is_owner,
                "is_owner": is_owner,
                "is_primary_owner": False,
                "is_restricted": False,
                "is_ultra_restricted": False,
                "is_bot": is_bot,
                "is_app_user": False,
                "updated": int(time.time()),
                "locale": locale,
                "profile": profile,
            }
            self._users[user_id] = user
            return user

    def add_channel(
        self,
        channel_id: str,
        *,
        team_id: str | None = None,
        name: str | None = None,
        members: Iterable[str] = (),
        is_private: bool = False,
        bot_member: bool = True,
        is_archived: bool = False,
    ) -> None:
        """Seed a channel: ``fake.add_channel("C1", team_id="T1", name="general", members=["U1"])``.

        ``bot_member=False`` makes posts answer ``not_in_channel``; ephemerals need the user in ``members``.
        """
        with self._lock:
            team_id = self._only_team(team_id)
            self._channels[channel_id] = {
                "id": channel_id,
                "team_id": team_id,
                "name": name or channel_id.lower(),
                "members": set(members),
                "is_private": is_private,
                "is_im": False,
                "bot_member": bot_member,
                "is_archived": is_archived,
            }

    def add_oauth_code(
        self,
        code: str,
        *,
        team_id: str,
        bot_token: str,
        bot_user_id: str | None = None,
        scopes: Iterable[str] = DEFAULT_BOT_SCOPES,
        team_name: str | None = None,
        authed_user_id: str = "U0INSTALLER",
        redirect_uri: str | None = None,
    ) -> None:
        """Let ``oauth.v2.access`` exchange ``code`` once; the bot token is valid from that moment.

        ``redirect_uri``: when the authorize step carried one, the exchange must repeat it.
        """
        with self._lock:
            self._codes[code] = {
                "team_id": team_id,
                "team_name": team_name,
                "bot_token": bot_token,
                "bot_user_id": bot_user_id,
                "scopes": tuple(scopes),
                "authed_user_id": authed_user_id,
                "redirect_uri": redirect_uri,
                "used": False,
            }

    def new_trigger_id(self) -> str:
        """Mint a trigger id for a test payload (``trigger_ttl`` counts from now)."""
        with self._lock:
            trigger_id = f"{int(time.time())}.{next(self._ids)}.{secrets.token_hex(8)}"
            self._triggers[trigger_id] = _Trigger(issued=time.monotonic())
            return trigger_id

    def expire_trigger(self, trigger_id: str) -> None:
        """Make ``views.open`` with this trigger id answer ``expired_trigger_id``."""
        with self._lock:
            self._triggers.setdefault(trigger_id, _Trigger(issued=time.monotonic())).expired = True

    # ------------------------------------------------------------------ running

    @contextlib.contextmanager
    def running(self) -> Iterator[str]:
        """Serve the fake and yield its SLACK_API_URL: ``with fake.running() as api_url: ...``."""
        with serve(self.app) as root_url:
            self.bind(root_url)
            yield self.api_url

    def bind(self, root_url: str) -> None:
        """Tell the fake where ``serve(fake.app)`` put it (``running()`` does this for you)."""
        self.root_url = root_url.rstrip("/")

    @property
    def api_url(self) -> str:
        """The SLACK_API_URL for the app, e.g. "http://127.0.0.1:PORT/api/"."""
        return f"{self._root()}/api/"

    def response_url(self, name: str) -> str:
        """A response_url for a test payload; posts to it are recorded under ``name``."""
        with self._lock:
            self._response_urls.setdefault(name, 0)
        return f"{self._root()}/response_url/{quote(name, safe='')}"

    # ------------------------------------------------------------------ failure injection

    def fail_next(self, method: str, error: str = "invalid_auth", *, times: int = 1) -> None:
        """The next ``times`` calls to ``method`` answer 200 ``{"ok": false, "error": error}``."""
        with self._lock:
            self._injected.setdefault(method, []).extend(_Injected(error=error) for _ in range(times))

    def rate_limit_next(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        """The next ``times`` calls to ``method`` answer 429, ``Retry-After``, ``error: ratelimited``.

        Slack sends whole seconds and slack_sdk parses the header with ``int()``, so this takes an int.
        """
        with self._lock:
            self._injected.setdefault(method, []).extend(
                _Injected(retry_after=int(retry_after)) for _ in range(times)
            )

    # ------------------------------------------------------------------ reading what happened

    @property
    def calls(self) -> list[Call]:
        """Every Web API call handled so far, oldest first (a snapshot)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The calls to one method: ``fake.calls_to("chat.postMessage")``."""
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def mark(self) -> int:
        """A position in ``calls``; pass it as ``since=`` to wait only for later calls."""
        with self._lock:
            return len(self._calls)

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """The messages now in a channel (updates applied, deletions gone), oldest first."""
        with self._lock:
            stored = self._messages.get(channel, {})
            return [json.loads(json.dumps(stored[ts])) for ts in sorted(stored)]

    def ephemerals_for(self, user: str) -> list[dict[str, Any]]:
        """The ephemeral messages shown to one user (``chat.postEphemeral``), oldest first."""
        with self._lock:
            return [dict(e) for e in self._ephemerals if e["user"] == user]

    @property
    def responses(self) -> list[ResponsePost]:
        """Every post to a response_url, oldest first (a snapshot)."""
        with self._lock:
            return list(self._responses)

    def responses_to(self, name: str) -> list[ResponsePost]:
        """The posts to the response_url made by ``fake.response_url(name)``."""
        with self._lock:
            return [r for r in self._responses if r.name == name]

    def view(self, view_id: str) -> dict[str, Any]:
        """The stored view object (modal or home tab) with this id."""
        with self._lock:
            return json.loads(json.dumps(self._views[view_id]))

    def home_tab(self, user_id: str, *, team_id: str | None = None) -> dict[str, Any] | None:
        """The home tab last published for a user, or None."""
        with self._lock:
            view_id = self._homes.get((self._only_team(team_id), user_id))
            return None if view_id is None else self.view(view_id)

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = 5.0,
        since: int = 0,
    ) -> Call:
        """Await the first call to ``method`` (at index >= ``since``) that ``predicate`` accepts.

        ``call = await fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "C1")``
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self._find_call(method, predicate, since)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(self._not_seen(method, timeout))
            await asyncio.sleep(0.01)

    def wait_for_sync(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = 5.0,
        since: int = 0,
    ) -> Call:
        """Blocking ``wait_for`` for tests that are not async."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self._find_call(method, predicate, since)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(self._not_seen(method, timeout))
                self._changed.wait(left)

    async def wait_for_response(
        self,
        name: str,
        predicate: Callable[[ResponsePost], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> ResponsePost:
        """Await the first post to ``fake.response_url(name)`` that ``predicate`` accepts."""
        deadline = time.monotonic() + timeout
        while True:
            for post in self.responses_to(name):
                if predicate is None or predicate(post):
                    return post
            if time.monotonic() >= deadline:
                raise AssertionError(f"no post to response_url {name!r} within {timeout}s; saw {self.responses}")
            await asyncio.sleep(0.01)

    def wait_for_response_sync(
        self,
        name: str,
        predicate: Callable[[ResponsePost], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> ResponsePost:
        """Blocking ``wait_for_response``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for post in self.responses_to(name):
                    if predicate is None or predicate(post):
                        return post
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no post to response_url {name!r} within {timeout}s; saw {self._responses}")
                self._changed.wait(left)

    # ------------------------------------------------------------------ HTTP

    def build_app(self) -> Any:
        return Starlette(
            routes=[
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/response_url/{name}", self._response_url_post, methods=["POST"]),
                WebSocketRoute("/link/", self._socket_mode),
            ]
        )

    # ------------------------------------------------------------------ Socket Mode

    async def _socket_mode(self, websocket: WebSocket) -> None:
        """Slack's Socket Mode: a ticket from apps.connections.open, ``hello``, then envelopes and acks."""
        ticket = websocket.query_params.get("ticket", "")
        with self._lock:
            valid = ticket in self.socket_tickets
            if valid:
                self.socket_tickets.remove(ticket)  # each URL works once
        if not valid:
            await websocket.close(code=4001)
            return
        await websocket.accept()
        await websocket.send_json({"type": "hello", "num_connections": 1,
                                   "connection_info": {"app_id": self.app_id},
                                   "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600}})
        with self._lock:
            self._sockets.append((websocket, asyncio.get_running_loop()))
        try:
            while True:
                message = await websocket.receive_json()
                with self._changed:
                    self.socket_acks.append(message)
                    self._changed.notify_all()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            with self._lock:
                self._sockets = [(ws, loop) for ws, loop in self._sockets if ws is not websocket]

    def push_envelope(self, kind: str, payload: dict[str, Any], *, timeout: float = 5.0) -> str:
        """Send an envelope (``slash_commands``, ``interactive``, ``events_api``) to the connected app.

        Returns its envelope id; the app's ack lands in ``socket_acks``.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                sockets = list(self._sockets)
            if sockets:
                break
            if time.monotonic() > deadline:
                raise AssertionError("no Socket Mode connection")
            time.sleep(0.02)
        websocket, loop = sockets[-1]
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": 0, "retry_reason": ""}
        asyncio.run_coroutine_threadsafe(websocket.send_json(envelope), loop).result(timeout)
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, *, timeout: float = 5.0) -> dict[str, Any]:
        """The app's ack of one envelope (Slack needs it within 3 seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for ack in self.socket_acks:
                    if ack.get("envelope_id") == envelope_id:
                        return ack
            await asyncio.sleep(0.02)
        raise AssertionError(f"no ack for envelope {envelope_id}")

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        call = Call(
            method=method,
            http_method=request.method,
            token=None,
            team_id=None,
            args={},
            content_type=content_type,
            at=time.time(),
        )
        headers: dict[str, str] = {}
        with self._lock:
            try:
                handler = self._handlers().get(method)
                if handler is None and method != "oauth.v2.access":
                    raise SlackError("unknown_method", req_method=method)
                try:  # parsed first so that even a throttled call shows what it carried
                    args, body_token = self._parse_args(request, body, content_type)
                    bad_body = None
                except SlackError as error:
                    args, body_token, bad_body = {}, None, error
                call.args = args
                injected = self._take_injected(method)
                if injected is not None and injected.retry_after is not None:
                    call.status = 429
                    headers["Retry-After"] = str(injected.retry_after)
                    raise SlackError("ratelimited")
                if bad_body is not None:
                    raise bad_body
                bearer, basic = self._authorization(request)
                call.token = bearer or body_token
                if injected is not None:
                    raise SlackError(injected.error or "invalid_auth")
                if handler is None:  # oauth.v2.access: the app's client credentials, no token
                    result = self._oauth_v2_access(args, basic)
                else:
                    token = self._authenticate(method, call.token)
                    call.team_id = token.team_id
                    headers["x-oauth-scopes"] = ",".join(token.scopes)
                    headers["x-accepted-oauth-scopes"] = METHOD_SCOPES.get(method, "")
                    result = handler(token, args, request)
                call.response = {"ok": True, **result}
                if "application/json" in content_type and "charset=" not in content_type.lower():
                    # Slack answers, but warns, when a JSON body does not name its charset.
                    call.response["warning"] = "missing_charset"
                    call.response["response_metadata"] = {"warnings": ["missing_charset"]}
            except SlackError as error:
                call.response = error.body()
            self._calls.append(call)
            self._changed.notify_all()
            return _json(call.response, status=call.status, headers=headers)

    async def _response_url_post(self, request: Request) -> Response:
        name = unquote(request.path_params["name"])
        body = await request.body()
        with self._lock:
            uses = self._response_urls.get(name)
            if uses is None:
                # Slack's answer for a hook that does not exist (incoming-webhook docs: 404 no_service).
                return PlainTextResponse("no_service", status_code=404)
            if uses >= RESPONSE_URL_USES:
                return PlainTextResponse("used_url", status_code=404)
            if "application/json" not in request.headers.get("content-type", ""):
                return PlainTextResponse("invalid_payload", status_code=400)
            try:
                payload = json.loads(body)
            except ValueError:
                return PlainTextResponse("invalid_payload", status_code=400)
            if not isinstance(payload, dict) or payload.get("response_type", "ephemeral") not in RESPONSE_TYPES:
                return PlainTextResponse("invalid_payload", status_code=400)
            has_content = payload.get("text") or payload.get("blocks") or payload.get("attachments")
            if not has_content and not payload.get("delete_original"):
                return PlainTextResponse("no_text", status_code=400)
            self._response_urls[name] = uses + 1
            self._responses.append(ResponsePost(name=name, body=payload, at=time.time()))
            self._changed.notify_all()
            return PlainTextResponse("ok")

    # ------------------------------------------------------------------ request plumbing

    def _handlers(self) -> dict[str, Callable[[TokenInfo, dict[str, Any], Request], dict[str, Any]]]:
        """The token-authenticated methods; ``oauth.v2.access`` is handled apart (client credentials)."""
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "apps.connections.open": self._apps_connections_open,
        }

    def _take_injected(self, method: str) -> _Injected | None:
        queue = self._injected.get(method)
        return queue.pop(0) if queue else None

    def _parse_args(self, request: Request, body: bytes, content_type: str) -> tuple[dict[str, Any], str | None]:
        """Merge query and body arguments; returns them and a ``token`` found in a form body or query."""
        args: dict[str, Any] = dict(parse_qsl(request.url.query, keep_blank_values=True))
        mime, _, params = content_type.partition(";")
        mime = mime.strip().lower()
        charset = _param(params, "charset")
        if request.method == "POST" and body:
            if not mime:
                raise SlackError("missing_post_type")
            if charset is not None and charset.lower() not in ACCEPTED_CHARSETS:
                raise SlackError("invalid_charset")
            if mime == "application/json":
                try:
                    parsed = json.loads(body.decode(charset or "utf-8"))
                except (ValueError, LookupError):
                    raise SlackError("invalid_json") from None
                if not isinstance(parsed, dict):
                    raise SlackError("json_not_object")
                parsed.pop("token", None)  # Slack reads the token of a JSON call from the header only
                args.update({k: v for k, v in parsed.items() if v is not None})
            elif mime in ("application/x-www-form-urlencoded", "text/plain"):
                try:
                    args.update(parse_qsl(body.decode(charset or "utf-8"), keep_blank_values=True, strict_parsing=True))
                except (ValueError, UnicodeDecodeError):
                    raise SlackError("invalid_form_data") from None
            elif mime == "multipart/form-data":
                args.update(_parse_multipart(body, content_type))
            else:
                raise SlackError("invalid_post_type")
        token = args.pop("token", None)
        return args, token

    def _authorization(self, request: Request) -> tuple[str | None, tuple[str, str] | None]:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip(), None
        if scheme.lower() == "basic":
            try:
                client_id, _, client_secret = base64.b64decode(value.strip()).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None, None
            return None, (client_id, client_secret)
        return None, None

    def _authenticate(self, method: str, token: str | None) -> TokenInfo:
        if not token:
            raise SlackError("not_authed")
        info = self._tokens.get(token)
        if info is None:
            raise SlackError("invalid_auth")
        if info.revoked:
            raise SlackError("token_revoked")
        wants_app_token = method == "apps.connections.open"
        if (info.kind == "app") != wants_app_token:
            raise SlackError("not_allowed_token_type")
        needed = METHOD_SCOPES.get(method)
        if needed is not None and needed not in info.scopes:
            raise SlackError("missing_scope", needed=needed, provided=",".join(info.scopes))
        return info

    # ------------------------------------------------------------------ methods

    def _auth_test(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        return {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "meetbot",
            "team_id": team.id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        channel = self._postable_channel(team, args.get("channel"))
        text, blocks = _message_content(args)
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": team.bot_user_id,
            "bot_id": team.bot_id,
            "app_id": self.app_id,
            "team": team.id,
            "text": text,
            "ts": ts,
        }
        if blocks is not None:
            message["blocks"] = blocks
        if args.get("attachments"):
            message["attachments"] = _json_arg(args["attachments"], error="invalid_attachments")
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        if args.get("metadata"):
            message["metadata"] = _json_arg(args["metadata"], error="invalid_metadata_format")
        self._messages.setdefault(channel["id"], {})[ts] = message
        return {"channel": channel["id"], "ts": ts, "message": message}

    def _chat_post_ephemeral(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        user = args.get("user")
        if not user:
            raise missing("user")
        channel = self._postable_channel(team, args.get("channel"))
        if user not in channel["members"]:
            raise SlackError("user_not_in_channel")
        text, blocks = _message_content(args)
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel["id"],
                "user": user,
                "text": text,
                "blocks": blocks,
                "thread_ts": args.get("thread_ts"),
                "ts": ts,
            }
        )
        return {"message_ts": ts}

    def _chat_update(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        channel = self._channel_of_team(team, args.get("channel"))
        ts = args.get("ts")
        if not ts:
            raise missing("ts")
        message = self._messages.get(channel["id"], {}).get(str(ts))
        if message is None:
            raise SlackError("message_not_found")
        text, blocks = _message_content(args)
        message["text"] = text
        if blocks is not None:
            message["blocks"] = blocks
        else:
            message.pop("blocks", None)  # Slack drops old blocks when an update sends only text
        message["edited"] = {"user": team.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel["id"], "ts": message["ts"], "text": text, "message": message}

    def _chat_delete(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        channel = self._channel_of_team(team, args.get("channel"))
        ts = args.get("ts")
        if not ts:
            raise missing("ts")
        if self._messages.get(channel["id"], {}).pop(str(ts), None) is None:
            raise SlackError("message_not_found")
        return {"channel": channel["id"], "ts": str(ts)}

    def _conversations_open(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        if args.get("channel"):
            channel = self._channel_of_team(team, args["channel"])
            if not channel["is_im"]:
                raise SlackError("method_not_supported_for_channel_type")
            return {"no_op": True, "already_open": True, "channel": {"id": channel["id"]}}
        raw = args.get("users")
        users = raw if isinstance(raw, list) else [u.strip() for u in str(raw or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > MAX_MPIM_USERS:
            raise SlackError("too_many_users")
        if len(users) > 1 and "mpim:write" not in token.scopes:
            raise SlackError("missing_scope", needed="mpim:write", provided=",".join(token.scopes))
        for user in users:
            self._user_of_team(team, user)
        channel_id, already_open = self._open_dm(team, users)
        channel = self._channels[channel_id]
        answer: dict[str, Any] = {"channel": {"id": channel_id}}
        if already_open:
            answer.update(no_op=True, already_open=True)
        if _truthy(args.get("return_im")):
            answer["channel"] = {
                "id": channel_id,
                "created": int(channel["created"]),
                "is_im": len(users) == 1,
                "is_mpim": len(users) > 1,
                "user": users[0] if len(users) == 1 else None,
                "is_open": True,
            }
        return answer

    def _readable_channel(self, token: TokenInfo, ref: Any) -> dict[str, Any]:
        """A channel the bot may read: private ones only when it is a member (channels:read / groups:read)."""
        channel = self._channel_of_team(self._team(token), ref)
        if channel["is_private"] and not channel["bot_member"]:
            raise SlackError("channel_not_found")
        needed = "groups:read" if channel["is_private"] else "channels:read"
        if not channel["is_im"] and needed not in token.scopes:
            raise SlackError("missing_scope", needed=needed, provided=",".join(token.scopes))
        return channel

    def _conversations_info(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        channel = self._readable_channel(token, args.get("channel"))
        return {"channel": {
            "id": channel["id"], "name": channel["name"], "is_channel": not channel["is_private"],
            "is_group": channel["is_private"], "is_im": channel["is_im"], "is_private": channel["is_private"],
            "is_archived": channel["is_archived"], "is_member": channel["bot_member"],
        }}

    def _conversations_members(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        """Members a page at a time: ``limit`` (default 100) and an opaque ``cursor``."""
        channel = self._readable_channel(token, args.get("channel"))
        members = sorted(channel["members"])
        try:
            start = int(base64.urlsafe_b64decode(str(args.get("cursor") or "MA==")).decode())
            limit = max(1, min(1000, int(args.get("limit") or 100)))
        except (ValueError, binascii.Error):
            raise SlackError("invalid_cursor") from None
        page = members[start : start + limit]
        following = start + limit
        cursor = base64.urlsafe_b64encode(str(following).encode()).decode() if following < len(members) else ""
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _users_info(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        user_id = args.get("user")
        if not user_id:
            raise SlackError("user_not_found")
        user = json.loads(json.dumps(self._user_of_team(team, user_id)))
        if "users:read.email" not in token.scopes:
            user["profile"].pop("email", None)  # Slack leaves email out without users:read.email
        if not _truthy(args.get("include_locale")):
            user.pop("locale", None)
        return {"user": user}

    def _views_open(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise missing("trigger_id")
        view = _view_arg(args, allowed_types=("modal",))
        self._exchange_trigger(str(trigger_id))
        return {"view": self._store_view(team, view, view_id=None)}

    def _views_update(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments", messages=["[ERROR] either view_id or external_id is required"])
        view = _view_arg(args, allowed_types=("modal",))
        current = self._find_view(team, view_id=view_id, external_id=external_id)
        if current is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(team, view, view_id=current["id"])
        return {"view": stored}

    def _views_publish(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        user_id = args.get("user_id")
        if not user_id:
            raise missing("user_id")
        view = _view_arg(args, allowed_types=("home",))
        self._user_of_team(team, user_id)
        current_id = self._homes.get((team.id, user_id))
        if current_id is not None and args.get("hash") and args["hash"] != self._views[current_id]["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(team, view, view_id=current_id)
        self._homes[(team.id, user_id)] = stored["id"]
        return {"view": stored}

    def _oauth_v2_access(self, args: dict[str, Any], basic: tuple[str, str] | None) -> dict[str, Any]:
        client_id, client_secret = basic or (args.get("client_id"), args.get("client_secret"))
        if client_id != self.client_id:
            raise SlackError("invalid_client_id")
        if client_secret != self.client_secret:
            raise SlackError("bad_client_secret")
        if args.get("grant_type") not in (None, "authorization_code"):
            raise SlackError("invalid_grant_type")
        code = args.get("code")
        grant = self._codes.get(str(code)) if code else None
        if grant is None or grant["used"]:
            raise SlackError("invalid_code")  # unknown, or already exchanged: codes are single-use
        if grant["redirect_uri"] is not None and args.get("redirect_uri") != grant["redirect_uri"]:
            raise SlackError("bad_redirect_uri")
        grant["used"] = True
        team = self.add_team(grant["team_id"], name=grant["team_name"], bot_user_id=grant["bot_user_id"])
        self._tokens[grant["bot_token"]] = TokenInfo(grant["bot_token"], "bot", team.id, grant["scopes"])
        return {
            "access_token": grant["bot_token"],
            "token_type": "bot",
            "scope": ",".join(grant["scopes"]),
            "bot_user_id": team.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": team.id, "name": team.name},
            "enterprise": None,
            "authed_user": {"id": grant["authed_user_id"]},
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        """Hand out a one-time Socket Mode URL, served by ``_socket_mode`` below."""
        ticket = str(uuid.uuid4())
        self.socket_tickets.append(ticket)
        host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        return {"url": f"ws://{host}/link/?ticket={ticket}&app_id={self.app_id}"}

    # ------------------------------------------------------------------ state helpers

    def _team(self, token: TokenInfo) -> Team:
        assert token.team_id is not None, "bot tokens always belong to a workspace"
        return self._teams[token.team_id]

    def _root(self) -> str:
        if self.root_url is None:
            raise RuntimeError("the fake is not served yet: use `with fake.running()` or fake.bind(url)")
        return self.root_url

    def _only_team(self, team_id: str | None) -> str:
        if team_id is not None:
            self.add_team(team_id)
            return team_id
        if len(self._teams) != 1:
            raise ValueError("say which team_id: the fake knows %d workspaces" % len(self._teams))
        return next(iter(self._teams))

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):010X}"

    def _next_ts(self) -> str:
        # Slack's ts is "seconds.micros" and unique per channel; keep it strictly increasing.
        now_us = max(int(time.time() * 1_000_000), self._last_ts_us + 1)
        self._last_ts_us = now_us
        return f"{now_us // 1_000_000}.{now_us % 1_000_000:06d}"

    def _find_call(self, method: str, predicate: Callable[[Call], bool] | None, since: int) -> Call | None:
        with self._lock:
            candidates = [c for c in self._calls[since:] if c.method == method]
        for call in candidates:
            if predicate is None or predicate(call):
                return call
        return None

    def _not_seen(self, method: str, timeout: float) -> str:
        seen = [(c.method, c.error or "ok", c.args) for c in self.calls]
        return f"no matching {method} call within {timeout}s; calls seen: {seen}"

    def _user_of_team(self, team: Team, user_id: str) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user is None or user["team_id"] != team.id:
            raise SlackError("user_not_found")
        return user

    def _channel_of_team(self, team: Team, ref: Any) -> dict[str, Any]:
        if not ref:
            raise SlackError("channel_not_found")
        ref = str(ref)
        channel = self._channels.get(ref)
        if channel is None:
            by_name = ref.lstrip("#")
            named = (c for c in self._channels.values() if c["team_id"] == team.id and not c["is_im"])
            channel = next((c for c in named if c["name"] == by_name), None)
        if channel is None or channel["team_id"] != team.id:
            raise SlackError("channel_not_found")
        return channel

    def _postable_channel(self, team: Team, ref: Any) -> dict[str, Any]:
        if isinstance(ref, str) and ref[:1] in ("U", "W") and ref not in self._channels:
            # A user id as channel posts into the app's DM with that user.
            self._user_of_team(team, ref)
            return self._channels[self._open_dm(team, [ref])[0]]
        channel = self._channel_of_team(team, ref)
        if channel["is_archived"]:
            raise SlackError("is_archived")
        if not channel["bot_member"]:
            raise SlackError("not_in_channel")
        return channel

    def _open_dm(self, team: Team, users: list[str]) -> tuple[str, bool]:
        key = (team.id, frozenset(users))
        channel_id = self._dms.get(key)
        if channel_id is not None:
            return channel_id, True
        channel_id = self._new_id("D" if len(users) == 1 else "G")
        self._dms[key] = channel_id
        self._channels[channel_id] = {
            "id": channel_id,
            "team_id": team.id,
            "name": channel_id.lower(),
            "members": {*users, team.bot_user_id},
            "is_private": True,
            "is_im": True,
            "bot_member": True,
            "is_archived": False,
            "created": time.time(),
        }
        return channel_id, False

    def _exchange_trigger(self, trigger_id: str) -> None:
        if not TRIGGER_ID.match(trigger_id):
            raise SlackError("invalid_trigger_id")
        trigger = self._triggers.setdefault(trigger_id, _Trigger(issued=time.monotonic()))
        too_old = self.trigger_ttl is not None and time.monotonic() - trigger.issued > self.trigger_ttl
        if self.expire_triggers or trigger.expired or too_old:
            raise SlackError("expired_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        trigger.used = True

    def _find_view(self, team: Team, *, view_id: Any, external_id: Any) -> dict[str, Any] | None:
        if view_id:
            view = self._views.get(str(view_id))
        else:
            view = next(
                (v for v in self._views.values() if v["team_id"] == team.id and v.get("external_id") == external_id),
                None,
            )
        return view if view is not None and view["team_id"] == team.id else None

    def _store_view(self, team: Team, view: dict[str, Any], *, view_id: str | None) -> dict[str, Any]:
        external_id = view.get("external_id")
        if external_id:
            clash = self._find_view(team, view_id=None, external_id=external_id)
            if clash is not None and clash["id"] != view_id:
                raise SlackError("duplicate_external_id")
        previous = self._views.get(view_id) if view_id else None
        new_id = view_id or self._new_id("V")
        stored = {
            "id": new_id,
            "team_id": team.id,
            "type": view["type"],
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": external_id or "",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "previous_view_id": None,
            "root_view_id": previous["root_view_id"] if previous else new_id,
            "app_id": self.app_id,
            "bot_id": team.bot_id,
        }
        self._views[new_id] = stored
        return json.loads(json.dumps(stored))


# ---------------------------------------------------------------------- argument checks


def _json(body: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body),
        status_code=status,
        headers=headers,
        media_type="application/json; charset=utf-8",
    )


def _param(params: str, name: str) -> str | None:
    for part in params.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == name:
            return value.strip('"')
    return None


def _parse_multipart(body: bytes, content_type: str) -> dict[str, str]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise SlackError("invalid_form_data")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            payload = part.get_payload(decode=True) or b""
            fields[str(name)] = payload.decode("utf-8", errors="replace")
    return fields


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _json_arg(value: Any, *, error: str) -> Any:
    """Form bodies carry structured arguments as JSON strings; JSON bodies carry them as is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError(error) from None
    return value


def _message_content(args: dict[str, Any]) -> tuple[str, list[dict[str, Any]] | None]:
    text = args.get("text")
    text = "" if text is None else str(text)
    blocks = None
    if args.get("blocks") not in (None, "", []):
        blocks = _json_arg(args["blocks"], error="invalid_blocks_format")
        if not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type") for b in blocks):
            raise SlackError("invalid_blocks", messages=["[ERROR] blocks must be a list of objects with a type"])
        if len(blocks) > MAX_MESSAGE_BLOCKS:
            raise SlackError("invalid_blocks", messages=[f"[ERROR] no more than {MAX_MESSAGE_BLOCKS} items allowed"])
    if not text.strip() and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    return text, blocks


def _view_arg(args: dict[str, Any], *, allowed_types: tuple[str, ...]) -> dict[str, Any]:
    if not args.get("view"):
        raise missing("view")
    view = _json_arg(args["view"], error="invalid_arguments")
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", messages=["[ERROR] view must be an object [json-pointer:/view]"])
    problems: list[str] = []
    if view.get("type") not in allowed_types:
        problems.append(f"[ERROR] must be one of {list(allowed_types)} [json-pointer:/view/type]")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        problems.append("[ERROR] missing required field: blocks [json-pointer:/view/blocks]")
    elif len(blocks) > MAX_VIEW_BLOCKS:
        problems.append(f"[ERROR] no more than {MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]")
    if view.get("type") == "modal":
        title = view.get("title")
        if not isinstance(title, dict) or title.get("type") != "plain_text" or not title.get("text"):
            problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
        elif len(title["text"]) > MAX_VIEW_TITLE:
            problems.append(f"[ERROR] must be at most {MAX_VIEW_TITLE} characters [json-pointer:/view/title/text]")
        has_inputs = isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_inputs and not view.get("submit"):
            problems.append("[ERROR] input blocks need a submit button [json-pointer:/view/submit]")
    if len(str(view.get("private_metadata", ""))) > MAX_PRIVATE_METADATA:
        limit = f"[ERROR] must be at most {MAX_PRIVATE_METADATA} characters"
        problems.append(f"{limit} [json-pointer:/view/private_metadata]")
    if problems:
        raise SlackError("invalid_arguments", messages=problems)
    return view
