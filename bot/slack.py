"""The Slack shell: Bolt listeners, the Slack sink and directory, installations. Only bot/ imports Bolt.

    app = build_bolt_app(settings, runtime)      # AsyncApp, listeners registered

Every listener does three things (STYLE.md): ack at once, call the core, send what it returned.
Provider calls happen after the ack, in Bolt's lazy listeners.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from aiohttp import ClientError
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import DeliveryError, deliver
from bot.render import home_view, message_blocks, message_fallback, modal_values, modal_view
from bot.runtime import Runtime
from bot.settings import Settings
from commands.framework.context import Context, Person, Services
from commands.framework.replies import Audience, Message, Reply
from db.repo import Repository

log = logging.getLogger(__name__)

BOT_SCOPES = ["commands", "chat:write", "chat:write.public", "users:read", "users:read.email",
              "channels:read", "groups:read"]
PERSON_TTL = 300.0
ACK_HEADROOM = 0.05  # seconds


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


class SlackDirectory:
    """People from ``users.info`` with the team's own token, cached for a few minutes."""

    def __init__(self, client_for_team: Callable[[str], AsyncWebClient | None]) -> None:
        self.client_for_team = client_for_team
        self._cache: dict[tuple[str, str], tuple[float, Person | None]] = {}
        self._readers: dict[tuple[str, str, str], tuple[float, bool]] = {}

    async def person(self, team_id: str, user_id: str) -> Person | None:
        key = (team_id, user_id)
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        client = self.client_for_team(team_id)
        if client is None:
            return None
        try:
            user = (await client.users_info(user=user_id))["user"]
        except (SlackApiError, ClientError, asyncio.TimeoutError) as error:
            log.warning("users.info failed for %s: %s", user_id, getattr(error, "response", error))
            return None
        profile = user.get("profile") or {}
        person = Person(
            id=user_id,
            name=profile.get("real_name") or user.get("real_name") or user.get("name") or user_id,
            email=profile.get("email"),
            tz=user.get("tz"),
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        )
        self._cache[key] = (time.monotonic() + PERSON_TTL, person)
        return person

    async def can_read(self, team_id: str, channel_id: str, user_id: str) -> bool:
        """Public channels: anyone. Private ones: their members (the bot reads them as a member)."""
        key = (team_id, channel_id, user_id)
        cached = self._readers.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        client = self.client_for_team(team_id)
        allowed = False
        if client is not None:
            try:
                channel = (await client.conversations_info(channel=channel_id))["channel"]
                allowed = not channel.get("is_private")
                cursor = None
                while not allowed:
                    page = await client.conversations_members(channel=channel_id, cursor=cursor, limit=200)
                    allowed = user_id in page["members"]
                    cursor = (page.get("response_metadata") or {}).get("next_cursor")
                    if not cursor:
                        break
            except (SlackApiError, ClientError, asyncio.TimeoutError) as error:
                log.info("cannot tell whether %s may read %s: %s", user_id, channel_id, error)
        self._readers[key] = (time.monotonic() + PERSON_TTL, allowed)
        return allowed


class SlackSink:
    """Posts messages: ephemeral ones through the response URL (or chat.postEphemeral), others by chat.postMessage."""

    def __init__(self, client: AsyncWebClient, *, respond: AsyncRespond | None = None, channel_id: str | None = None):
        self.client = client
        self.respond = respond
        self.channel_id = channel_id

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None:
        blocks = message_blocks(message)
        text = message_fallback(message)
        try:
            if message.audience is Audience.REQUESTER:
                if self.respond is not None:
                    await self.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
                    return None
                if self.channel_id and requester:
                    try:
                        await self.client.chat_postEphemeral(channel=self.channel_id, user=requester, text=text,
                                                             blocks=blocks)
                        return None
                    except SlackApiError as error:  # not a member there: tell them in the app's DM instead
                        log.info("ephemeral in %s failed (%s); sending a DM", self.channel_id,
                                 error.response.get("error"))
                target = requester
            else:
                target = message.to
            if not target:
                raise DeliveryError("no recipient")
            if message.replace_ts:
                await self.client.chat_update(channel=target, ts=message.replace_ts, text=text, blocks=blocks)
                return message.replace_ts
            answer = await self.client.chat_postMessage(channel=target, text=text, blocks=blocks,
                                                        unfurl_links=False, unfurl_media=False)
            return str(answer.get("ts"))
        except SlackApiError as error:
            raise DeliveryError(str(error.response.get("error", "slack_error"))) from None
        except (ClientError, asyncio.TimeoutError) as error:
            raise DeliveryError(f"network: {type(error).__name__}") from None


class DbInstallationStore(AsyncInstallationStore):
    """Installations in our database; bot tokens are encrypted by the column type."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        if not installation.team_id or not installation.bot_token:
            raise ValueError("meetbot installs into one workspace with a bot token")
        self.repo.save_installation(
            installation.team_id,
            bot_token=installation.bot_token,
            bot_id=installation.bot_id,
            bot_user_id=installation.bot_user_id,
            bot_scopes=",".join(installation.bot_scopes or []),
            team_name=installation.team_name,
            enterprise_id=installation.enterprise_id,
            installer_user_id=installation.user_id,
        )

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        workspace = self.repo.get_workspace(team_id) if team_id else None
        if workspace is None or not workspace.bot_token:
            return None
        return Bot(
            app_id=None,
            enterprise_id=workspace.enterprise_id,
            team_id=workspace.team_id,
            team_name=workspace.team_name,
            bot_token=workspace.bot_token,
            bot_id=workspace.bot_id or "",
            bot_user_id=workspace.bot_user_id or "",
            bot_scopes=workspace.bot_scopes,
            installed_at=workspace.installed_at.timestamp(),
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            return None
        return Installation(
            user_id=user_id or "",
            team_id=bot.team_id,
            team_name=bot.team_name,
            enterprise_id=bot.enterprise_id,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            installed_at=bot.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            self.repo.forget_bot_token(team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if team_id and user_id is None:
            self.repo.forget_workspace(team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            self.repo.forget_workspace(team_id)


class DbStateStore(AsyncOAuthStateStore):
    """OAuth ``state`` values in the database, so any replica can finish an install."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return self.repo.issue_oauth_state()

    async def async_consume(self, state: str) -> bool:
        return self.repo.consume_oauth_state(state)


def slack_context(body: dict[str, Any], person: Person | None) -> Context:
    user = body.get("user_id") or (body.get("user") or {}).get("id") or ""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    return Context(
        team_id=team,
        user_id=user,
        channel_id=channel,
        user_tz=(person.tz if person and person.tz else "UTC"),
        user_name=person.name if person else None,
    )


class SlackShell:
    """Listeners bound to one runtime; ``register(app)`` wires every slash command and event."""

    def __init__(self, settings: Settings, runtime: Runtime) -> None:
        self.settings = settings
        self.runtime = runtime

    def client_for_team(self, team_id: str) -> AsyncWebClient | None:
        """A client with the team's bot token (the reminder tick runs outside any request)."""
        if self.settings.slack_bot_token is not None:
            return web_client(self.settings, self.settings.slack_bot_token.get_secret_value())
        workspace = self.runtime.repo.get_workspace(team_id)
        if workspace is None or not workspace.bot_token:
            return None
        return web_client(self.settings, workspace.bot_token)

    def register(self, app: AsyncApp) -> None:
        for command in self.runtime.registry.commands():
            app.command(command)(ack=ack_now, lazy=[self.run_command])
        app.action(re.compile(r"^link_"))(ack_now)  # link buttons: Slack opens the URL itself
        app.action(re.compile(r".+"))(ack=ack_now, lazy=[self.run_action])
        app.view(re.compile(r".+"))(ack=self.ack_view, lazy=[self.run_view])
        app.event("app_home_opened")(ack=ack_now, lazy=[self.on_home_opened])
        app.event("app_uninstalled")(ack=ack_now, lazy=[self.on_app_uninstalled])
        app.event("tokens_revoked")(ack=ack_now, lazy=[self.on_tokens_revoked])

    async def context_of(self, body: dict[str, Any], *, channel_id: str | None = None) -> Context:
        ctx = slack_context(body, None)
        person = await self.runtime.services.directory.person(ctx.team_id, ctx.user_id)
        ctx = slack_context(body, person)
        return dataclasses.replace(ctx, channel_id=channel_id) if channel_id else ctx

    async def ack_view(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Fast checks happen inside the ack, so bad values show on their fields."""
        view = body["view"]
        form = self.runtime.registry.form(view.get("callback_id", ""))
        if form is None:
            await ack()
            return
        state = read_state(view)
        ctx = await self.context_of(body, channel_id=state.get("channel_id"))
        errors = await form.check(modal_values(view), state, ctx, self.runtime.services)
        if errors:
            await ack(response_action="errors", errors=errors)
        else:
            await ack()

    async def run_view(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body["view"]
        form = self.runtime.registry.form(view.get("callback_id", ""))
        if form is None:
            return
        state = read_state(view)
        ctx = await self.context_of(body, channel_id=state.get("channel_id"))
        values = modal_values(view)
        services = self.runtime.services
        if await form.check(values, state, ctx, services):
            return  # the user already sees the field errors
        reply = await self.runtime.registry.guard(form.submit(values, state, ctx, services))
        await self.send(reply, ctx, services, client)

    async def run_action(self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        """A button or a modal input with dispatch_action: route to the core."""
        services = self.runtime.services
        for clicked in body.get("actions", []):
            action_id = clicked.get("action_id", "")
            view = body.get("view") or {}
            if view.get("type") == "modal" and (form := self.runtime.registry.form(view.get("callback_id", ""))) is not None:
                state = read_state(view)
                ctx = await self.context_of(body, channel_id=state.get("channel_id"))
                modal = await form.change(modal_values(view), state, ctx, services)
                if modal is not None:
                    try:
                        await client.views_update(view_id=view["id"], hash=view.get("hash"),
                                                  view=modal_view(modal, private_metadata=json.dumps(modal.state)))
                    except SlackApiError as error:  # hash_conflict: a newer change already redrew it
                        log.info("views.update skipped: %s", error.response.get("error"))
                continue
            handler = self.runtime.registry.action(action_id)
            if handler is None:
                log.info("no handler for action %s", action_id)
                continue
            ctx = await self.context_of(body)
            reply = await self.runtime.registry.guard(handler(clicked.get("value") or "", ctx, services))
            await self.send(reply, ctx, services, client, respond=respond if body.get("response_url") else None,
                            trigger_id=body.get("trigger_id"))

    async def on_home_opened(self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home" or not context.team_id:
            return
        user_id = event.get("user", "")
        ctx = await self.context_of({"team_id": context.team_id, "user_id": user_id})
        home = await self.runtime.registry.home(ctx, self.runtime.services)
        await client.views_publish(user_id=user_id, view=home_view(home))

    async def run_command(self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        # Lazy work shares the event loop with the acks of requests still arriving; yielding a
        # moment lets a burst's acks go out before this command's CPU work starts.
        await asyncio.sleep(ACK_HEADROOM)
        services = self.runtime.services
        person = await services.directory.person(body.get("team_id", ""), body.get("user_id", ""))
        ctx = slack_context(body, person)
        reply = await self.runtime.registry.dispatch(body["command"], body.get("text", ""), ctx, services)
        await self.send(reply, ctx, services, client, respond=respond, trigger_id=body.get("trigger_id"))

    async def send(
        self,
        reply: Reply,
        ctx: Context,
        services: Services,
        client: AsyncWebClient,
        *,
        respond: AsyncRespond | None = None,
        trigger_id: str | None = None,
    ) -> None:
        if reply.modal is not None and trigger_id:
            try:
                await client.views_open(trigger_id=trigger_id,
                                        view=modal_view(reply.modal, private_metadata=json.dumps(reply.modal.state)))
            except SlackApiError as error:
                log.warning("views.open failed: %s", error.response.get("error"))
                reply.messages.insert(0, Message("I could not open the form (it took too long). Please run the command again."))
        sink = SlackSink(client, respond=respond, channel_id=ctx.channel_id)
        await deliver(reply, sink, team_id=ctx.team_id, requester=ctx.user_id, services=services)

    async def on_app_uninstalled(self, context: AsyncBoltContext) -> None:
        """Uninstalled: the bot token and every provider credential of the workspace are deleted."""
        if context.team_id:
            self.runtime.repo.forget_workspace(context.team_id)

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if context.team_id and (event.get("tokens") or {}).get("bot"):
            self.runtime.repo.forget_bot_token(context.team_id)

    def sink_for_team(self, team_id: str) -> SlackSink | None:
        client = self.client_for_team(team_id)
        return SlackSink(client) if client else None


async def ack_now(ack: AsyncAck) -> None:
    await ack()


def read_state(view: dict[str, Any]) -> dict[str, str]:
    try:
        state = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return state if isinstance(state, dict) else {}


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
            installation_store=DbInstallationStore(runtime.repo),
            state_store=DbStateStore(runtime.repo),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        )
        app = AsyncApp(client=web_client(settings), oauth_settings=oauth, **common)
    shell = SlackShell(settings, runtime)
    runtime.services.directory = SlackDirectory(shell.client_for_team)
    shell.register(app)
    return app, shell

