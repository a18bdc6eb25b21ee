"""The HTTP server: Bolt behind Starlette, served by uvicorn; Socket Mode when an app token is set.

    app = create_app(settings)          # ASGI app: POST /slack/events, GET /slack/install,
                                        #           GET /slack/oauth_redirect, GET /healthz
    serve(settings, port=3000)
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import uvicorn
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.runtime import Runtime, build_runtime
from bot.scheduler import start_scheduler
from bot.settings import Settings
from bot.slack import build_bolt_app

log = logging.getLogger(__name__)


def create_app(settings: Settings, runtime: Runtime | None = None, *, scheduler: bool = True) -> Starlette:
    """The ASGI app; ``runtime`` may be handed in (tests share it to inspect the database)."""
    if runtime is None:
        runtime = build_runtime(settings, purpose="serve")
    bolt, shell = build_bolt_app(settings, runtime)
    handler = AsyncSlackRequestHandler(bolt)
    oauth = settings.slack_mode() == "oauth"

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def oauth_route(request: Request) -> Response:
        if not oauth:
            return PlainTextResponse("This meetbot serves one workspace; there is nothing to install here.", 404)
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        try:
            with runtime.repo.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "mode": settings.slack_mode()})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticker = (start_scheduler(runtime.services, shell.sink_for_team, every=settings.meetbot_tick_seconds)
                  if scheduler else None)
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

    app = Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/slack/install", oauth_route, methods=["GET"]),
            Route("/slack/oauth_redirect", oauth_route, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
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
