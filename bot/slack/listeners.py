"""The Bolt listeners: ack at once, then the work in a task (call the core, send what it returned).

    shell = SlackShell(runtime, clients=clients)      # await clients(team_id) -> AsyncWebClient | None
    shell.register(app)                               # every slash command, action, view and event

The app runs with ``process_before_response=True`` (bot.slack.app): each listener acks and returns,
and Bolt answers Slack's HTTP request then; provider calls run afterwards, in a task the listener
started (``SlackShell.after_ack``). Nothing before an ack calls Slack or a provider (issue 11,
finding 6): a form's ack checks only what needs no lookup (``CacheOnlyDirectory``), and the work
after it checks the rest. That work runs once per request key (``SlackShell.once``; the key comes
from bot.http.idempotency). The core is reached only through ``runtime.registry``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import re
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.blocks import LINK_ACTION_PREFIX
from bot.render.home import home_view
from bot.render.modals import modal_values, modal_view, read_state
from bot.runtime import Runtime
from bot.slack.directory import ClientForTeam, SlackDirectory
from bot.slack.installations import DbInstallationStore, uninstalled
from bot.slack.sink import SessionPool, SlackSink
from bot.workers.delivery import deliver
from bot.workers.outbox import OutboxWorker
from commands.framework.context import Context, Person, Services
from commands.framework.replies import Message, Reply

log = logging.getLogger(__name__)

ACK_HEADROOM = 0.02  # seconds: a 50-command burst is acked within ~50 ms either way, and each of its
# commands' work starts 30 ms sooner than with 0.05 (benchmarks/ack_latency.py: acks p99 ~50 ms both ways)
FORM_REFUSED = "Your form was not accepted:"
SHOWN_ERRORS = "meetbot_form_errors_shown"
REQUEST_KEY = "meetbot_request_key"  # set by bot.http.idempotency for requests whose ack is always empty
# Slack retries an event after about 1 s, 1 min and 5 min, and a replayed request's timestamp is
# refused after 5 min: an hour covers both with room to spare.
KEY_TTL = timedelta(hours=1)
WORK_GRACE = 20.0  # seconds the work after acks may take to finish when the app stops (a pod's
# termination grace is often 30 s): a room half made at a provider is worse than a slower stop
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


def failure_line(error: BaseException) -> str:
    """The error's type and the line that raised it: enough to find it, without the traceback or
    the values (they may quote what people typed, keys included)."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{where}"


async def ack_now(ack: AsyncAck) -> None:
    """Ack with nothing: the work (if any) happens after it (``SlackShell.after_ack``)."""
    await ack()


async def context_from(body: dict[str, Any], services: Services, *, channel_id: str | None = None) -> Context:
    """``slack_context`` with the speaker looked up in ``services.directory`` (their zone and name)."""
    ctx = slack_context(body, None)
    ctx = slack_context(body, await services.directory.person(ctx.team_id, ctx.user_id))
    return dataclasses.replace(ctx, channel_id=channel_id) if channel_id else ctx


class SlackShell:
    """Listeners bound to one runtime; ``register(app)`` wires every slash command and event."""

    def __init__(self, runtime: Runtime, *, clients: ClientForTeam, outbox: OutboxWorker,
                 pool: SessionPool | None = None) -> None:
        self.runtime = runtime
        self.clients = clients
        self.outbox = outbox  # every channel message and DM goes through it
        self.pool = pool  # response URL answers reuse its connections (closed with the outbox's poster)
        self._working: set[asyncio.Task[None]] = set()  # the work started after acks, until it ends

    def register(self, app: AsyncApp) -> None:
        """Add the listeners to ``app``: one per slash command the registry answers, then actions, views, events."""
        for command in self.runtime.registry.commands():
            app.command(command)(self.after_ack(self.run_command))
        app.action(re.compile("^" + re.escape(LINK_ACTION_PREFIX)))(ack_now)  # Slack opens the URL itself
        app.action(re.compile(r".+"))(self.after_ack(self.run_action))
        app.view(re.compile(r".+"))(self.after_ack(self.run_view, ack=self.ack_view))
        app.event("app_home_opened")(self.after_ack(self.on_home_opened))
        app.event("app_uninstalled")(self.after_ack(self.on_app_uninstalled))
        app.event("tokens_revoked")(self.after_ack(self.on_tokens_revoked))

    def after_ack(self, work: Callable[..., Awaitable[None]], *,
                  ack: Callable[..., Awaitable[None]] = ack_now) -> Callable[..., Awaitable[None]]:
        """A listener that acks (with ``ack``), then starts ``work`` in a task of its own, run ``once``.

            app.command("/meeting")(shell.after_ack(shell.run_command))

        ``ack`` and ``work`` take any of ``ack`` (``ack`` only), ``body``, ``client``, ``respond``,
        ``context`` and ``event``, by name, as Bolt passes them. Bolt's lazy listeners do the same but
        start each from a deep copy of the request, its client and helpers included: ~0.4 ms of the
        loop that acks a burst, per request (benchmarks/ack_latency.py). Nothing changes the request
        once it is acked, so the work reads it as it is.
        """
        run = self.once(work)
        ack_with = ack  # the listener's own ``ack`` is Bolt's
        acks_with = list(inspect.signature(ack).parameters)
        works_with = list(inspect.signature(work).parameters)

        async def listener(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                           context: AsyncBoltContext, event: dict[str, Any] | None) -> None:
            given = {"ack": ack, "body": body, "client": client, "respond": respond, "context": context, "event": event}
            await ack_with(**{name: given[name] for name in acks_with})
            task = asyncio.get_running_loop().create_task(run(**{name: given[name] for name in works_with}))
            self._working.add(task)  # a task nobody holds may be collected before it ends
            task.add_done_callback(self._working.discard)

        return listener

    async def finish(self) -> int:
        """Let the work started after acks end (at most ``WORK_GRACE`` seconds), then cancel what is
        left; returns how many were cancelled. The app's shutdown: ``await shell.finish()``."""
        if not self._working:
            return 0
        _, left = await asyncio.wait(set(self._working), timeout=WORK_GRACE)
        for task in left:
            task.cancel()
        if left:
            log.warning("%d Slack requests were still being handled %.0f s after the app began to stop; "
                        "their work was stopped", len(left), WORK_GRACE)
        return len(left)

    def once(self, work: Callable[..., Awaitable[None]]) -> Callable[..., Coroutine[Any, Any, None]]:
        """``work`` run once per request key (a replay or Slack's retry does nothing), its failure one
        warning line (Bolt would log it at ERROR with its text).

            await shell.once(shell.run_command)(body=body, client=client, respond=respond, context=context)

        ``work`` takes ``context``: the key arrives there (bot.http.idempotency).
        """
        handled = self.runtime.storage.handled

        async def run(**kwargs: Any) -> None:
            # The work shares the event loop (and the GIL) with the acks of requests still
            # arriving; yielding a moment lets a burst's acks go out before its key claims and work.
            await asyncio.sleep(ACK_HEADROOM)
            try:
                context: AsyncBoltContext = kwargs["context"]
                key = context.get(REQUEST_KEY)
                if key and not (await handled.claim(key, team_id=context.team_id or "", now=datetime.now(UTC),
                                                    ttl=KEY_TTL)).first:
                    log.info("repeated Slack request: its work was done already")
                    return
                await work(**kwargs)
            except Exception as error:
                log.warning("work after a Slack ack failed: %s", failure_line(error))

        return run

    async def sink_for_team(self, team_id: str) -> SlackSink | None:
        """A sink with the team's bot token, for work outside any request that posts straight to Slack
        (Airmeet export files, import progress edits)."""
        client = await self.clients(team_id)
        return SlackSink(client) if client else None

    async def context_of(self, body: dict[str, Any], *, channel_id: str | None = None) -> Context:
        return await context_from(body, self.runtime.services, channel_id=channel_id)

    async def run_command(self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                          context: AsyncBoltContext) -> None:
        services = self.runtime.services
        person = await services.directory.person(body.get("team_id", ""), body.get("user_id", ""))
        ctx = slack_context(body, person)
        reply = await self.runtime.registry.dispatch(body["command"], body.get("text", ""), ctx, services)
        await self.send(reply, ctx, services, client, respond=respond, trigger_id=body.get("trigger_id"))

    async def ack_view(self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """Field errors the ack can find without calling Slack show on their fields; the rest is
        checked after the ack (``run_view``). The speaker's zone must be cached for dates to be
        read right; otherwise everything waits for ``run_view``."""
        view = body["view"]
        form = self.runtime.registry.form(view.get("callback_id", ""))
        directory = self.runtime.services.directory
        ctx = slack_context(body, None)
        if form is None or not isinstance(directory, SlackDirectory) or not directory.cached_only.knows(
                ctx.team_id, ctx.user_id):
            await ack()
            return
        quick = dataclasses.replace(self.runtime.services, directory=directory.cached_only)
        state = read_state(view)
        ctx = await context_from(body, quick, channel_id=state.get("channel_id"))
        errors = await form.check(modal_values(view), state, ctx, quick)
        context[SHOWN_ERRORS] = bool(errors)  # run_view reads it from the same context
        if errors:
            await ack(response_action="errors", errors=errors)
        else:
            await ack()

    async def run_view(self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if context.get(SHOWN_ERRORS):
            return  # the user sees them on the form's fields
        registry = self.runtime.registry
        view = body["view"]
        form = registry.form(view.get("callback_id", ""))
        if form is None:
            return
        state = read_state(view)
        services = self.runtime.services
        ctx = await context_from(body, services, channel_id=state.get("channel_id"))
        values = modal_values(view)
        if errors := await form.check(values, state, ctx, services):
            # The modal has closed: say what to fix, to the speaker only.
            reply = Reply.ephemeral(f"{FORM_REFUSED} {' '.join(dict.fromkeys(errors.values()))}")
        else:
            reply = await form.submit(values, state, ctx, services)
        await self.send(reply, ctx, services, client)

    async def run_action(self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                         context: AsyncBoltContext) -> None:
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
            # A button carries ``value``; an overflow menu the picked option's.
            value = clicked.get("value") or (clicked.get("selected_option") or {}).get("value") or ""
            reply = await handler(value, ctx, services)
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
        """Uninstalled: everything the workspace (or org-wide install) left with us is deleted."""
        await uninstalled(self.runtime.storage, enterprise_id=context.enterprise_id, team_id=context.team_id,
                          is_enterprise_install=context.is_enterprise_install)

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await DbInstallationStore(self.runtime.storage).async_delete_bot(
                enterprise_id=context.enterprise_id if context.is_enterprise_install else None,
                team_id=None if context.is_enterprise_install else context.team_id)

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
        sink = SlackSink(client, respond=respond, channel_id=ctx.channel_id, pool=self.pool)
        await deliver(reply, sink, team_id=ctx.team_id, requester=ctx.user_id, services=services, outbox=self.outbox)
