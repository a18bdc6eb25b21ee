"""Drive the real ASGI app with signed Slack requests, against the loopback fake Slack Web API.

    async with slack_app(database_url) as slack:
        await slack.command("/meeting help")
        reply = await slack.reply()           # what the user saw (the response_url post)

Request shapes follow Slack's (../shared/specs/slack/bolt_python_fixtures): slash commands are
form-encoded, interactivity is ``payload=<json>``, events are JSON; all signed with the v0 HMAC.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography.fernet import Fernet
from slack_sdk.signature import SignatureVerifier

from bot.runtime import Runtime, build_runtime
from bot.http.app import create_app
from bot.settings import Settings
from db.storage import Storage
from tests.fakes.slack import FakeSlack

SIGNING_SECRET = "scenario-signing-secret"
BOT_TOKEN = "xoxb-scen1"
TEAM = "T1"


def sign(body: bytes, *, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Slack's request signature headers for ``body``."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


@dataclass
class SlackScenario:
    fake: FakeSlack
    http: httpx.AsyncClient
    runtime: Runtime
    settings: Settings
    last_response_name: str | None = None
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    app_shell: Any = None  # bot.slack.listeners.SlackShell, for driving the reminder tick

    @property
    def storage(self) -> Storage:
        return self.runtime.storage

    async def post(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> httpx.Response:
        signed = sign(body) if headers is None else headers
        return await self.http.post("/slack/events", content=body,
                                    headers={"Content-Type": content_type, **signed})

    async def command(self, line: str, *, user: str = "U1", channel: str = "C1", team: str = TEAM,
                      extra: dict[str, str] | None = None) -> httpx.Response:
        """Type a slash command: ``await slack.command('/meeting new kmeet Standup')``; ``extra`` adds
        fields (an org-wide install's ``enterprise_id`` and ``is_enterprise_install``)."""
        command, _, text = line.partition(" ")
        name = f"cmd-{next(self._names)}"
        self.last_response_name = name
        body = urlencode({
            "token": "verification_token", "team_id": team, "team_domain": "acme", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": command, "text": text,
            "api_app_id": "A0MEETBOT1", "response_url": self.fake.response_url(name),
            "trigger_id": self.fake.new_trigger_id(), **(extra or {}),
        }).encode()
        response = await self.post(body, "application/x-www-form-urlencoded")
        assert response.status_code == 200, response.text
        return response

    async def reply(self, name: str | None = None, *, timeout: float = 5.0) -> str:
        """The text (with block texts) of the next response_url post for a command."""
        post = await self.fake.wait_for_response(name or self.last_response_name or "", timeout=timeout)
        return block_text(post.body)

    async def interact(self, payload: dict[str, Any]) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(body, "application/x-www-form-urlencoded")

    async def event(self, event: dict[str, Any], *, team: str = TEAM, extra: dict[str, Any] | None = None) -> httpx.Response:
        body = json.dumps({
            "token": "verification_token", "team_id": team, "api_app_id": "A0MEETBOT1", "event": event,
            "type": "event_callback", "event_id": f"Ev{next(self._names)}", "event_time": int(time.time()),
            **(extra or {}),
        }).encode()
        return await self.post(body, "application/json")


def block_text(body: dict[str, Any]) -> str:
    """Every piece of text in a message body: its text, section texts, fields, button labels and URLs."""
    parts = [body.get("text") or ""]
    for block in body.get("blocks") or []:
        if "text" in block:
            parts.append(block["text"].get("text", ""))
        parts.extend(f.get("text", "") for f in block.get("fields", []))
        for element in block.get("elements", []):
            parts.append(element.get("text", {}).get("text", ""))
            if element.get("url"):
                parts.append(element["url"])
    return "\n".join(p for p in parts if p)


def seed_workspace(fake: FakeSlack) -> None:
    fake.add_token(BOT_TOKEN, TEAM)
    fake.add_user("U1", team_id=TEAM, name="ada", real_name="Ada Admin", email="ada@example.com",
                  tz="Europe/Zurich", is_admin=True)
    fake.add_user("U2", team_id=TEAM, name="bob", real_name="Bob Member", email="bob@example.com", tz="America/New_York")
    fake.add_user("U3", team_id=TEAM, name="cy", real_name="Cy Guest", email="cy@example.com", tz="Asia/Kolkata")
    fake.add_channel("C1", team_id=TEAM, name="general", members=["U1", "U2", "U3"])
    fake.add_channel("C2", team_id=TEAM, name="quiet", members=["U1"], bot_member=False)


def scenario_settings(api_url: str, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_signing_secret": SIGNING_SECRET,
        "slack_bot_token": BOT_TOKEN,
        "slack_api_url": api_url,
        "database_url": database_url,
        "meetbot_secret_keys": Fernet.generate_key().decode(),
        "kmeet_host": "meet.example.test",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def slack_app(database_url: str, **overrides: Any) -> AsyncIterator[SlackScenario]:
    """The whole app in HTTP mode over a fresh database, with the fake Slack running on loopback."""
    fake = FakeSlack(tokens={})
    seed_workspace(fake)
    if overrides.get("slack_app_token"):  # Socket Mode: the app connects out in its startup
        fake.add_app_token(overrides["slack_app_token"])
    with fake.running() as api_url:
        settings = scenario_settings(api_url, database_url, **overrides)
        runtime = build_runtime(settings, purpose="serve")
        app = create_app(settings, runtime, scheduler=False)
        transport = httpx.ASGITransport(app=app)
        # ASGITransport runs no lifespan, so the app's own runs here: the outbox worker (and Socket Mode's
        # connection) start and stop as in `meetbot serve` (scheduler=False: no ticks).
        async with httpx.AsyncClient(transport=transport, base_url="https://meetbot.test") as http, \
                app.router.lifespan_context(app):
            yield SlackScenario(fake=fake, http=http, runtime=runtime, settings=settings, app_shell=app.state.shell)
