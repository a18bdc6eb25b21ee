"""The routes operators and Slack rely on: ``POST /slack/events``, ``GET /slack/install``,
``GET /slack/oauth_redirect``, ``GET /healthz``.

    app = Starlette(routes=slack_routes(handler, runtime, oauth=True))
"""

from __future__ import annotations

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.http.instrument import RequestLabels, instrumented
from bot.runtime import Runtime, command_groups
from bot.slack.listeners import REQUEST_KEY

NOTHING_TO_INSTALL = "This meetbot serves one workspace; there is nothing to install here."


def slack_routes(handler: AsyncSlackRequestHandler, runtime: Runtime, *, oauth: bool) -> list[Route]:
    """Bolt's request handler behind our paths; the OAuth paths answer 404 in single-workspace mode."""

    labels = RequestLabels(runtime.registry, command_groups())

    async def events(request: Request) -> Response:
        key = request.scope.get("state", {}).get(REQUEST_KEY)  # bot.http.idempotency
        context = {REQUEST_KEY: key} if key else None
        return await instrumented(lambda slack: handler.handle(slack, addition_context_properties=context), request,
                                  labels=labels)

    async def oauth_route(request: Request) -> Response:
        if not oauth:
            return PlainTextResponse(NOTHING_TO_INSTALL, 404)
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        if not await runtime.storage.reachable():
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "mode": runtime.settings.slack_mode()})

    return [
        Route("/slack/events", events, methods=["POST"]),
        Route("/slack/install", oauth_route, methods=["GET"]),
        Route("/slack/oauth_redirect", oauth_route, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
