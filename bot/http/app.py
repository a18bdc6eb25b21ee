"""The ASGI app: the routes, and a lifespan that runs the ticks, the outbox worker and the Socket Mode connection.

    app = create_app(settings)          # ASGI app (see bot.http.routes for the paths)
    serve(settings, port=3000)          # uvicorn until interrupted
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import uvicorn
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.applications import Starlette
from starlette.middleware import Middleware

from bot import metrics
from bot.http.health import operations_routes
from bot.http.guard import SlackGuard
from bot.http.idempotency import Idempotent
from bot.http.routes import slack_routes
from bot.runtime import Runtime, build_runtime, import_kinds
from bot.settings import Settings
from bot.slack.app import build_bolt_app
from bot.workers.exports import add_export_job
from bot.workers.heartbeat import Heartbeat
from bot.workers.imports import start_import_worker
from bot.workers.reminders import start_scheduler
from commands.framework.when_words import zone_keys
from providers.http import set_call_observer

log = logging.getLogger(__name__)


def create_app(settings: Settings, runtime: Runtime | None = None, *, scheduler: bool = True) -> Starlette:
    """The ASGI app; ``runtime`` may be handed in (tests share it to inspect the database)."""
    if runtime is None:
        runtime = build_runtime(settings, purpose="serve")
    bolt, shell = build_bolt_app(settings, runtime)
    handler = AsyncSlackRequestHandler(bolt)
    heartbeat = Heartbeat(every=settings.meetbot_tick_seconds)
    set_call_observer(metrics.provider_call)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(zone_keys)  # read before the first command rather than on the loop during it
        ticker = (start_scheduler(runtime.services, shell.outbox, every=settings.meetbot_tick_seconds,
                                  grace=settings.reminder_grace())
                  if scheduler else None)
        shell.outbox.start()  # interactive posts go through it too, with or without the ticks
        # Import progress and summaries, export DMs: through the outbox like every bot post; files go straight.
        importer = (start_import_worker(runtime.services, import_kinds(), shell.sink_for_team,
                                        every=settings.meetbot_tick_seconds, outbox=shell.outbox)
                    if scheduler else None)
        if ticker is not None:
            heartbeat.attach(ticker)
            add_export_job(ticker, runtime.services, shell.sink_for_team, outbox=shell.outbox)
        socket_mode = None
        if settings.slack_app_token is not None:
            socket_mode = AsyncSocketModeHandler(bolt, settings.slack_app_token.get_secret_value())
            await socket_mode.connect_async()
            log.info("connected to Slack in Socket Mode")
        try:
            yield
        finally:
            if socket_mode is not None:
                await socket_mode.close_async()
            await shell.finish()  # commands in flight end (their posts still go out through the outbox)
            if ticker is not None:
                ticker.shutdown(wait=False)
            if importer is not None:
                importer.shutdown(wait=False)
            await shell.outbox.stop()
            if runtime.services.clients is not None:
                await runtime.services.clients.aclose()  # the provider connections kept between commands

    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    # Outermost first: size and signature before anything is parsed, then one answer per request.
    middleware = [Middleware(SlackGuard, signing_secret=secret), Middleware(Idempotent, storage=runtime.storage)]
    routes = slack_routes(handler, runtime, oauth=settings.slack_mode() == "oauth") + operations_routes(runtime, heartbeat)
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.heartbeat = heartbeat
    app.state.shell = shell
    return app


def serve(settings: Settings, *, port: int) -> int:
    """Run until interrupted; startup problems raise StartupError (the CLI exits 2)."""
    runtime = build_runtime(settings, purpose="serve")
    for notice in runtime.notices:
        log.warning(notice)
    app = create_app(settings, runtime)
    mode = "Socket Mode" if settings.slack_app_token else f"HTTP on {settings.host} port {port}"
    print(f"meetbot serving Slack ({settings.slack_mode()} workspace mode, {mode}).", flush=True)
    uvicorn.Server(server_config(app, settings, port=port)).run()
    return 0


def server_config(app: Starlette, settings: Settings, *, port: int) -> uvicorn.Config:
    """uvicorn's configuration: bind to ``HOST``; believe X-Forwarded-* only from ``FORWARDED_ALLOW_IPS``.

        uvicorn.Server(server_config(app, settings, port=3000)).run()
    """
    return uvicorn.Config(app, host=settings.host, port=port, log_level="info", proxy_headers=True,
                          forwarded_allow_ips=settings.forwarded_allow_ips)
