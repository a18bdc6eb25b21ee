"""The Bolt listeners: ack at once, then the lazy work (call the core, send what it returned).

    shell = SlackShell(runtime, clients=clients)      # await clients(team_id) -> AsyncWebClient | None
    shell.register(app)                               # every slash command, action, view and event

The app runs with ``process_before_response=True`` (bot.slack.app): each listener's ``ack`` answers
Slack's HTTP request as soon as it returns; provider calls run afterwards, in Bolt's lazy listeners.
The core is reached only through ``runtime.registry``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import LINK_ACTION_PREFIX
from bot.render.home import home_view
from bot.render.modals import modal_values, modal_view, read_state
from bot.runtime import Runtime
from bot.slack.directory import ClientForTeam
from bot.slack.sink import SlackSink
from bot.workers.delivery import deliver
from bot.workers.outbox import OutboxWorker
from commands.framework.context import Context, Person, Services
from commands.framework.replies import Message, Reply

log = logging.getLogger(__name__)

ACK_HEADROOM = 0.05  # seconds
FORM_TOO_SLOW = "I could not open the form (it took too long). Please run the command again."


def slack_context(body: dict[str, Any], person: Person | None) -> Context:
    """Team, user, channel and the user's zone from any Slack payload (command, action, view, event)."""
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


async def ack_now(ack: AsyncAck) -> None:
    """Ack with nothing: the work (if any) happens in a lazy listener."""
    await ack()


class SlackShell:
    """Listeners bound to one runtime; ``register(app)`` wires every slash command and event."""

    def __init__(self, runtime: Runtime, *, clients: ClientForTeam, outbox: OutboxWorker) -> None:
        self.runtime = runtime
        self.clients = clients
        self.outbox = outbox  # every channel message and DM goes through it

    def register(self, app: AsyncApp) -> None:
        """Add the listeners to ``app``: one per slash command the registry answers, then actions, views, events."""
        for command in self.runtime.registry.commands():
            app.command(command)(ack=ack_now, lazy=[self.run_command])
        app.action(re.compile("^" + re.escape(LINK_ACTION_PREFIX)))(ack_now)  # Slack opens the URL itself
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

    async def run_command(self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        # Lazy work shares the event loop with the acks of requests still arriving; yielding a
        # moment lets a burst's acks go out before this command's CPU work starts.
        await asyncio.sleep(ACK_HEADROOM)
        services = self.runtime.services
        person = await services.directory.person(body.get("team_id", ""), body.get("user_id", ""))
        ctx = slack_context(body, person)
        reply = await self.runtime.registry.dispatch(body["command"], body.get("text", ""), ctx, services)
        await self.send(reply, ctx, services, client, respond=respond, trigger_id=body.get("trigger_id"))

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
        registry = self.runtime.registry
        view = body["view"]
        form = registry.form(view.get("callback_id", ""))
        if form is None:
            return
        state = read_state(view)
        ctx = await self.context_of(body, channel_id=state.get("channel_id"))
        values = modal_values(view)
        services = self.runtime.services
        if await form.check(values, state, ctx, services):
            return  # the user already sees the field errors
        reply = await form.submit(values, state, ctx, services)
        await self.send(reply, ctx, services, client)

    async def run_action(self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        """A button or a modal input with dispatch_action: route to the core."""
        registry = self.runtime.registry
        services = self.runtime.services
        for clicked in body.get("actions", []):
            action_id = clicked.get("action_id", "")
            view = body.get("view") or {}
            if view.get("type") == "modal" and (form := registry.form(view.get("callback_id", ""))) is not None:
                state = read_state(view)
                ctx = await self.context_of(body, channel_id=state.get("channel_id"))
                modal = await form.change(modal_values(view), state, ctx, services)
                if modal is not None:
                    try:
                        await client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal_view(modal))
                    except SlackApiError as error:  # hash_conflict: a newer change already redrew it
                        log.info("views.update skipped: %s", error.response.get("error"))
                continue
            handler = registry.action(action_id)
            if handler is None:
                log.info("no handler for action %s", action_id)
                continue
            ctx = await self.context_of(body)
            reply = await handler(clicked.get("value") or "", ctx, services)
            await self.send(reply, ctx, services, client, respond=respond if body.get("response_url") else None,
                            trigger_id=body.get("trigger_id"))

    async def on_home_opened(self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home" or not context.team_id:
            return
        user_id = event.get("user", "")
        ctx = await self.context_of({"team_id": context.team_id, "user_id": user_id})
        home = await self.runtime.registry.home(ctx, self.runtime.services)
        await client.views_publish(user_id=user_id, view=home_view(home))

    async def on_app_uninstalled(self, context: AsyncBoltContext) -> None:
        """Uninstalled: the bot token and every provider credential of the workspace are deleted."""
        if context.team_id:
            await self.runtime.storage.workspaces.forget(context.team_id)

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if context.team_id and (event.get("tokens") or {}).get("bot"):
            await self.runtime.storage.workspaces.forget_bot_token(context.team_id)

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
        """Open the reply's modal while the trigger id is fresh, then post its messages."""
        if reply.modal is not None and trigger_id:
            try:
                await client.views_open(trigger_id=trigger_id, view=modal_view(reply.modal))
            except SlackApiError as error:
                log.warning("views.open failed: %s", error.response.get("error"))
                reply.messages.insert(0, Message(FORM_TOO_SLOW))
        sink = SlackSink(client, respond=respond, channel_id=ctx.channel_id)
        await deliver(reply, sink, team_id=ctx.team_id, requester=ctx.user_id, services=services, outbox=self.outbox)
