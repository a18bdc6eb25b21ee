"""``GET /readyz`` and ``GET /metrics``: is this replica fit to take traffic, and its counters.

    routes += operations_routes(runtime, heartbeat)

/readyz checks, in order: the database answers, its schema is at this code's Alembic head, the
keys decrypt the key canary (db.canary), and the scheduler ticked within its last three ticks.
200 ``{"ok": true, "checks": {...}}`` when all pass; otherwise 503 with each failing part named
and one sentence for it. (/healthz stays the cheap liveness probe: the database answers.)
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import metrics
from bot.runtime import Runtime
from bot.workers.heartbeat import Heartbeat
from db import canary, schema
from db.errors import StorageError
from db.engine import DatabaseUnavailable

OK = "ok"
T = TypeVar("T")


async def readiness(runtime: Runtime, heartbeat: Heartbeat) -> dict[str, str]:
    """``{"database": "ok", "schema": "ok", "key": "ok", "scheduler": "ok"}``, a sentence where a part fails."""
    storage = runtime.storage
    checks: dict[str, str] = {}
    if await storage.reachable():
        checks["database"] = OK
        schema_state = await _off_loop(runtime, functools.partial(schema_problem, runtime))
        key_state = await _off_loop(runtime, functools.partial(canary.check_key, storage.engine))
        checks["schema"] = schema_state or OK
        checks["key"] = key_state or OK
    else:
        checks["database"] = "The database cannot be reached."
        checks["schema"] = checks["key"] = "Not checked: the database cannot be reached."
    checks["scheduler"] = heartbeat.problem() or OK
    return checks


def schema_problem(runtime: Runtime) -> str | None:
    try:
        state = schema.check(runtime.storage.engine)
    except DatabaseUnavailable as error:
        return str(error)
    if state.ahead:
        return f"The database schema ({state.current}) is newer than this meetbot ({state.head}); upgrade meetbot."
    if state.behind:
        return f"The database schema is at {state.current or 'none'}, not {state.head}: run `meetbot migrate`."
    return None


async def _off_loop(runtime: Runtime, call: Callable[[], T]) -> T:
    """Blocking database work in the storage's thread pool, as every repository call runs."""
    return await asyncio.get_running_loop().run_in_executor(runtime.storage.executor, call)


def operations_routes(runtime: Runtime, heartbeat: Heartbeat) -> list[Route]:
    """``/readyz`` (200 or 503 naming the failing parts) and ``/metrics`` (Prometheus text format)."""

    async def readyz(request: Request) -> Response:
        checks = await readiness(runtime, heartbeat)
        failing = [part for part, result in checks.items() if result != OK]
        if failing:
            return JSONResponse({"ok": False, "failing": failing, "checks": checks}, status_code=503)
        return JSONResponse({"ok": True, "checks": checks})

    async def metrics_page(request: Request) -> Response:
        try:  # read at scrape time, so every replica reports the one shared queue
            depth, age = await runtime.storage.outbox.depth(now=runtime.services.clock())
            metrics.outbox_depth.set(depth)
            metrics.outbox_age_seconds.set(age)
        except StorageError:
            pass  # /readyz names a database problem; the counters are still worth serving
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    return [Route("/readyz", readyz, methods=["GET"]), Route("/metrics", metrics_page, methods=["GET"])]
