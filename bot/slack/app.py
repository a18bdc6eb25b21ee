"""The Bolt app for the configured mode, its Web API clients, and the scopes it asks for.

    app, shell = build_bolt_app(settings, runtime)      # AsyncApp with every listener registered

Modes (``settings.slack_mode()``): "single" serves one workspace with ``SLACK_BOT_TOKEN``; "oauth"
serves many, installed through ``/slack/install`` with tokens kept by bot.slack.installations.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.directory import SlackDirectory
from bot.slack.installations import DbInstallationStore, DbStateStore
from bot.slack.listeners import SlackShell
from bot.slack.sink import SlackPoster
from bot.workers.outbox import OutboxWorker

BOT_SCOPES = ["commands", "chat:write", "chat:write.public", "users:read", "users:read.email",
              "channels:read", "groups:read"]


def web_client(settings: Settings, token: str | None = None) -> AsyncWebClient:
    """A Web API client on ``SLACK_API_URL`` that waits out 429s (Retry-After) and retries blips."""
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


class TeamClients:
    """``await clients(team_id)``: a client with the team's bot token, or None when the team has none.

    Work outside any request (the reminder tick, the directory) has no Bolt client at hand.
    """

    def __init__(self, settings: Settings, runtime: Runtime) -> None:
        self.settings = settings
        self.runtime = runtime

    async def __call__(self, team_id: str) -> AsyncWebClient | None:
        token = await self.token(team_id)
        return web_client(self.settings, token) if token else None

    async def token(self, team_id: str) -> str | None:
        """The team's bot token (the configured one in single-workspace mode), or None."""
        if self.settings.slack_bot_token is not None:
            return self.settings.slack_bot_token.get_secret_value()
        workspace = await self.runtime.storage.workspaces.get(team_id)
        if workspace is None or not workspace.bot_token:
            return None
        return workspace.bot_token


def build_bolt_app(settings: Settings, runtime: Runtime) -> tuple[AsyncApp, SlackShell]:
    """The AsyncApp for the configured mode (single workspace or OAuth), listeners registered."""
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    common: dict[str, Any] = {
        "signing_secret": signing_secret,
        # The HTTP answer goes out as soon as the ack function returns; the work runs after it
        # in lazy listeners. Otherwise Bolt starts the work first and polls for the ack.
        "process_before_response": True,
        "ignoring_self_events_enabled": True,
    }
    if settings.slack_mode() == "single":
        assert settings.slack_bot_token is not None
        token = settings.slack_bot_token.get_secret_value()
        app = AsyncApp(client=web_client(settings, token), **common)  # the client carries the token
    else:
        assert settings.slack_client_secret is not None
        oauth = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=BOT_SCOPES,
            installation_store=DbInstallationStore(runtime.storage),
            state_store=DbStateStore(runtime.storage),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        )
        app = AsyncApp(client=web_client(settings), oauth_settings=oauth, **common)
    clients = TeamClients(settings, runtime)
    runtime.services.directory = SlackDirectory(clients)
    outbox = OutboxWorker(runtime.services, SlackPoster(clients.token, api_url=settings.slack_api_url))
    shell = SlackShell(runtime, clients=clients, outbox=outbox)
    shell.register(app)
    return app, shell
