"""The Bolt app for the configured mode, its Web API clients, and the scopes it asks for.

    app, shell = build_bolt_app(settings, runtime)      # AsyncApp with every listener registered

Modes (``settings.slack_mode()``): "single" serves one workspace with ``SLACK_BOT_TOKEN``; "oauth"
serves many, installed through ``/slack/install`` with tokens kept by bot.slack.installations.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot import metrics
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.directory import SlackDirectory
from bot.slack.files import SlackFiles
from bot.slack.installations import ROTATE_MINUTES_BEFORE, BotTokens, DbInstallationStore, DbStateStore
from bot.slack.listeners import SlackShell, failure_line
from bot.slack.oauth_pages import CALLBACKS, InstallFlow
from bot.slack.sink import SessionPool, SlackPoster
from bot.workers.outbox import OutboxWorker

log = logging.getLogger(__name__)

BOT_SCOPES = ["commands", "chat:write", "chat:write.public", "users:read", "users:read.email",
              "channels:read", "groups:read",
              "files:read",  # bulk imports: a CSV shared with the bot
              "files:write", "im:write"]  # /airmeet exports and import summaries: CSV files


class CountingRateLimitHandler(AsyncRateLimitErrorRetryHandler):
    """Slack's 429 handling (wait Retry-After, retry), counting each 429 in ``meetbot_slack_rate_limited``.

    The SDK asks its retry handlers about every answer, first handler first: this one sees them all.
    """

    async def can_retry_async(self, *, state: RetryState, request: HttpRequest,
                              response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if response is not None and response.status_code == 429:
            metrics.slack_rate_limited.labels(method=request.url.rstrip("/").rsplit("/", 1)[-1]).inc()
        return await super().can_retry_async(state=state, request=request, response=response, error=error)


def web_client(settings: Settings, token: str | None = None) -> AsyncWebClient:
    """A Web API client on ``SLACK_API_URL`` that waits out 429s (Retry-After) and retries blips."""
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            CountingRateLimitHandler(max_retry_count=2),
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def token_rotator(settings: Settings) -> AsyncTokenRotator | None:
    """Rotates expiring tokens (the app's token rotation) through ``SLACK_API_URL``; OAuth mode only."""
    if not settings.slack_client_id or settings.slack_client_secret is None:
        return None
    return AsyncTokenRotator(client_id=settings.slack_client_id,
                             client_secret=settings.slack_client_secret.get_secret_value(), client=web_client(settings))


class TeamClients:
    """``await clients(team_id)``: a client with the team's bot token, or None when the team has none.

    Work outside any request (the reminder tick, the directory) has no Bolt client at hand; in OAuth
    mode the token is the team's installation's, or its organisation's, rotated when due (BotTokens).
    """

    def __init__(self, settings: Settings, runtime: Runtime, *, store: DbInstallationStore | None = None) -> None:
        self.settings = settings
        self.runtime = runtime
        self.tokens = BotTokens(store or DbInstallationStore(runtime.storage, rotator=token_rotator(settings)))

    async def __call__(self, team_id: str) -> AsyncWebClient | None:
        token = await self.token(team_id)
        return web_client(self.settings, token) if token else None

    async def token(self, team_id: str) -> str | None:
        """The team's bot token (the configured one in single-workspace mode), or None."""
        if self.settings.slack_bot_token is not None:
            return self.settings.slack_bot_token.get_secret_value()
        return await self.tokens(team_id)


async def on_error(error: Exception, response: BoltResponse | None) -> BoltResponse | None:
    """Bolt's error handler: one log line naming the error and where it was raised, never the
    traceback or the body (they quote what people typed); a request that fails this way was
    signed but malformed (the core's own errors are answered in words before they get here), so 400.
    """
    log.warning("a Slack request failed: %s", failure_line(error))
    return BoltResponse(status=400, body="malformed request") if response is not None else None


def build_bolt_app(settings: Settings, runtime: Runtime) -> tuple[AsyncApp, SlackShell]:
    """The AsyncApp for the configured mode (single workspace or OAuth), listeners registered."""
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    common: dict[str, Any] = {
        "signing_secret": signing_secret,
        # The HTTP answer goes out as soon as the listener returns, once it has acked and started
        # the work in a task (listeners.SlackShell.after_ack). Otherwise Bolt starts the listener
        # first and polls for the ack.
        "process_before_response": True,
        "ignoring_self_events_enabled": True,
    }
    store = DbInstallationStore(runtime.storage, rotator=token_rotator(settings))
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
            installation_store=store,
            state_store=DbStateStore(runtime.storage),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
            callback_options=CALLBACKS,
        )
        # The store rotates expiring tokens itself, one at a time (bot.slack.installations). Bolt's
        # authorize rotates too, with the refresh token the store just spent, when a token it gets
        # is within its margin: a smaller margin than the store's keeps it from ever doing so. (The
        # authorize AsyncOAuthSettings builds would also call slack.com whatever SLACK_API_URL says.)
        oauth.authorize = AsyncInstallationStoreAuthorize(
            logger=logging.getLogger("slack_bolt.authorization"), installation_store=store,
            client_id=oauth.client_id, client_secret=oauth.client_secret,
            token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE // 2, client=web_client(settings),
        )
        app = AsyncApp(client=web_client(settings), oauth_flow=InstallFlow(settings=oauth), **common)
    app.error(on_error)
    clients = TeamClients(settings, runtime, store=store)
    runtime.services.directory = SlackDirectory(clients)
    runtime.services.files = SlackFiles(clients)
    pool = SessionPool()  # the outbox's posts and the answers to response URLs reuse its connections
    outbox = OutboxWorker(runtime.services, SlackPoster(clients.token, api_url=settings.slack_api_url, pool=pool),
                          grace=settings.reminder_grace())
    shell = SlackShell(runtime, clients=clients, outbox=outbox, pool=pool)
    shell.register(app)
    return app, shell
