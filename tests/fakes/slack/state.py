"""The fake's workspaces: teams, tokens, users, channels, DMs, messages, views, triggers, injected failures.

    fake.add_user("U1", team_id="T1", tz="Europe/Paris"); fake.add_channel("C1", team_id="T1", members=["U1"])
    fake.fail_next("chat.postMessage", "channel_not_found")
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from tests.fakes.server import FakeService
from tests.fakes.slack.records import (
    DEFAULT_BOT_SCOPES,
    TRIGGER_ID,
    Call,
    Injected,
    ResponsePost,
    SlackError,
    Team,
    TokenInfo,
    Trigger,
)


class SlackState(FakeService):
    """State and seeding shared by the Web API methods, OAuth and Socket Mode."""

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
        # Slack's pace for chat.postMessage: seconds between two posts to one channel (None: unlimited),
        # and how long every Web API call takes to answer.
        self.channel_spacing: float | None = None
        self.latency: float = 0.0
        self._last_post: dict[tuple[str, str], float] = {}
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
        self._triggers: dict[str, Trigger] = {}
        self._codes: dict[str, dict[str, Any]] = {}
        self._refresh_tokens: dict[str, dict[str, Any]] = {}  # refresh token -> its install's grant
        self._response_urls: dict[str, int] = {}
        self._responses: list[ResponsePost] = []
        self._calls: list[Call] = []
        self._injected: dict[str, list[Injected]] = {}
        self._files: dict[str, list[dict[str, Any]]] = {}  # channel id -> files shared there
        for token, team_id in (tokens or {}).items():
            self.add_token(token, team_id)
        for token in app_tokens:
            self.add_app_token(token)
        super().__init__()

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

    def expire_token(self, token: str) -> None:
        """Make a token's time run out (as 12 hours would with token rotation): calls then get ``token_expired``."""
        with self._lock:
            self._tokens[token].expires_at = time.time() - 1

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

    def new_trigger_id(self) -> str:
        """Mint a trigger id for a test payload (``trigger_ttl`` counts from now)."""
        with self._lock:
            trigger_id = f"{int(time.time())}.{next(self._ids)}.{secrets.token_hex(8)}"
            self._triggers[trigger_id] = Trigger(issued=time.monotonic())
            return trigger_id

    def expire_trigger(self, trigger_id: str) -> None:
        """Make ``views.open`` with this trigger id answer ``expired_trigger_id``."""
        with self._lock:
            self._triggers.setdefault(trigger_id, Trigger(issued=time.monotonic())).expired = True

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

    def fail_next(self, method: str, error: str = "invalid_auth", *, times: int = 1) -> None:
        """The next ``times`` calls to ``method`` answer 200 ``{"ok": false, "error": error}``."""
        with self._lock:
            self._injected.setdefault(method, []).extend(Injected(error=error) for _ in range(times))

    def rate_limit_next(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        """The next ``times`` calls to ``method`` answer 429, ``Retry-After``, ``error: ratelimited``.

        Slack sends whole seconds and slack_sdk parses the header with ``int()``, so this takes an int.
        """
        with self._lock:
            self._injected.setdefault(method, []).extend(
                Injected(retry_after=int(retry_after)) for _ in range(times)
            )

    def _take_injected(self, method: str) -> Injected | None:
        queue = self._injected.get(method)
        return queue.pop(0) if queue else None

    def _root(self) -> str:
        if self.root_url is None:
            raise RuntimeError("the fake is not served yet: use `with fake.running()` or fake.bind(url)")
        return self.root_url

    def _team(self, token: TokenInfo) -> Team:
        assert token.team_id is not None, "bot tokens always belong to a workspace"
        return self._teams[token.team_id]

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

    def _postable_channel(self, team: Team, ref: Any, *, scopes: tuple[str, ...] = ()) -> dict[str, Any]:
        """Where the bot may post: its DMs and channels, and public ones with ``chat:write.public``
        (docs.slack.dev, chat:write.public: "send messages to channels @your_slack_app isn't a member of")."""
        if isinstance(ref, str) and ref[:1] in ("U", "W") and ref not in self._channels:
            # A user id as channel posts into the app's DM with that user.
            self._user_of_team(team, ref)
            return self._channels[self._open_dm(team, [ref])[0]]
        channel = self._channel_of_team(team, ref)
        if channel["is_archived"]:
            raise SlackError("is_archived")
        if not channel["bot_member"] and (channel["is_private"] or "chat:write.public" not in scopes):
            raise SlackError("not_in_channel")
        return channel

    def dm_channel(self, team_id: str, user_id: str) -> str | None:
        """The id of the bot's DM with ``user_id``, once opened."""
        with self._lock:
            return self._dms.get((team_id, frozenset({user_id})))

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
        trigger = self._triggers.setdefault(trigger_id, Trigger(issued=time.monotonic()))
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
