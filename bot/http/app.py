"""The ASGI app: the routes, and a lifespan that runs the ticks, the outbox worker and the Socket Mode connection.

    app = create_app(settings)          # ASGI app (see bot.http.routes for the paths)
    serve(settings, port=3000)          # uvicorn until interrupted
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import uvicorn
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.applications import Starlette

from bot.http.routes import slack_routes
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from bot.slack.app import build_bolt_app
from bot.workers.reminders import start_scheduler

log = logging.getLogger(__name__)


def create_app(settings: Settings, runtime: Runtime | None = None, *, scheduler: bool = True) -> Starlette:
    """The ASGI app; ``runtime`` may be handed in (tests share it to inspect the database)."""
    if runtime is None:
        runtime = build_runtime(settings, purpose="serve")
    bolt, shell = build_bolt_app(settings, runtime)
    handler = AsyncSlackRequestHandler(bolt)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticker = (start_scheduler(runtime.services, shell.outbox, every=settings.meetbot_tick_seconds,
                                  grace=settings.reminder_grace())
                  if scheduler else None)
        shell.outbox.start()  # interactive posts go through it too, with or without the ticks
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
            if ticker is not None:
                ticker.shutdown(wait=False)
            await shell.outbox.stop()

    app = Starlette(routes=slack_routes(handler, runtime, oauth=settings.slack_mode() == "oauth"), lifespan=lifespan)
    app.state.runtime = runtime
    app.state.shell = shell
    return app


def serve(settings: Settings, *, port: int) -> int:
    """Run until interrupted; startup problems raise StartupError (the CLI exits 2)."""
    runtime = build_runtime(settings, purpose="serve")
    for notice in runtime.notices:
        log.warning(notice)
    app = create_app(settings, runtime)
    mode = "Socket Mode" if settings.slack_app_token else f"HTTP on port {port}"
    print(f"meetbot serving Slack ({settings.slack_mode()} workspace mode, {mode}).", flush=True)
    uvicorn.run(app, host="0.0.0.0", port=port, log_level="info", proxy_headers=True)
    return 0
