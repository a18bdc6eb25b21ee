"""What the fake Slack keeps and answers with: its limits, the error answer, tokens, calls, response posts.

    raise SlackError("channel_not_found")          # -> 200 {"ok": false, "error": "channel_not_found"}
    call = fake.calls_to("chat.postMessage")[-1]   # a Call: method, token, args, response
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# What a fresh bot token may do unless a test says otherwise: every scope the fake's methods check.
DEFAULT_BOT_SCOPES = ("chat:write", "commands", "im:write", "mpim:write", "users:read", "users:read.email",
                      "channels:read", "groups:read", "files:read", "files:write")

# The scope Slack requires per method (docs.slack.dev, "Required scopes"); absent = none needed.
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "conversations.open": "im:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "users.info": "users:read",
    "apps.connections.open": "connections:write",
    "files.list": "files:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
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
    expires_at: float | None = None  # a rotating token (xoxe.xoxb-) stops working then: token_expired
    enterprise_id: str | None = None  # an org-wide install's token


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
class Trigger:
    issued: float
    expired: bool = False
    used: bool = False


@dataclass
class Injected:
    error: str | None = None  # fail_next: 200 ok:false with this error
    retry_after: int | None = None  # rate_limit_next: 429 with this Retry-After
