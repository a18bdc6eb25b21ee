"""Run a fake (any ASGI app) on a real loopback port, and the fault switchboard every fake shares.

    fake = FakeWhereby(api_key="k")
    with serve(fake.app) as base_url:          # "http://127.0.0.1:54321"
        fake.faults.add(Fault(status=429, retry_after=1), path="/meetings")
        ...
        assert fake.requests[-1].json["endDate"] == "..."

Fakes record every request they receive (method, path, query, headers, raw body) so tests assert on
what reached the provider, and consult ``faults`` before (or after) handling a request so a test can
make the next call fail with a 500, a 429 with Retry-After, a slow answer (timeout) or broken JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.responses import JSONResponse, PlainTextResponse, Response


@dataclass
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode(), keep_blank_values=True)


@dataclass
class Fault:
    """What to do instead of (or after) answering normally.

    status: answer this status (with ``body`` as JSON when given, and ``Retry-After`` when set).
    delay: sleep this long first (longer than the client's timeout = a timeout).
    malformed: answer 200 with a body that is not JSON.
    after_handling: handle the request for real first (state changes), then answer the fault:
                    "the room was made but the answer was lost".
    """

    status: int | None = None
    body: Any = None
    retry_after: float | None = None
    delay: float = 0.0
    malformed: bool = False
    after_handling: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class Faults:
    """A queue of faults, each used once, optionally only for paths starting with a prefix."""

    def __init__(self) -> None:
        self._queue: list[tuple[str | None, str | None, Fault]] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault, *, path: str | None = None, method: str | None = None, times: int = 1) -> None:
        with self._lock:
            self._queue.extend([(path, method, fault)] * times)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for index, (prefix, wanted_method, fault) in enumerate(self._queue):
                if (prefix is None or path.startswith(prefix)) and wanted_method in (None, method):
                    del self._queue[index]
                    return fault
        return None


async def fault_response(fault: Fault) -> Response | None:
    """Apply a fault's delay and build its answer; None when the normal answer should go out."""
    if fault.delay:
        try:
            await asyncio.sleep(fault.delay)
        except asyncio.CancelledError:  # the server is shutting down under a "timeout" fault
            return PlainTextResponse("shutting down", status_code=503)
    if fault.malformed:
        return PlainTextResponse('{"truncated": ', status_code=200, media_type="application/json")
    if fault.status is None:
        return None
    headers = dict(fault.headers)
    if fault.retry_after is not None:
        headers["Retry-After"] = str(int(fault.retry_after)) if float(fault.retry_after).is_integer() else str(fault.retry_after)
    if fault.body is None:
        return PlainTextResponse("fault injected", status_code=fault.status, headers=headers)
    return JSONResponse(fault.body, status_code=fault.status, headers=headers)


class FaultMiddleware:
    """ASGI middleware: records every HTTP request and applies the next matching fault."""

    def __init__(self, app: Any, *, faults: Faults, requests: list[Recorded]) -> None:
        self.app = app
        self.faults = faults
        self.requests = requests

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        query = dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))
        self.requests.append(Recorded(scope["method"], scope["path"], query, headers, body))

        async def replay() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        fault = self.faults.take(scope["method"], scope["path"])
        if fault is None:
            await self.app(scope, replay, send)
            return
        if fault.after_handling:
            async def discard(message: dict) -> None:
                return None

            await self.app(scope, replay, discard)
        response = await fault_response(fault)
        if response is None:
            await self.app(scope, replay, send)
        else:
            await response(scope, replay, send)


class FakeService:
    """Base of every fake: ``self.app`` (ASGI, with recording and faults), ``requests``, ``faults``.

    Subclasses build their Starlette app in ``build_app`` and keep their state on ``self``.
    """

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.faults = Faults()
        self.app = FaultMiddleware(self.build_app(), faults=self.faults, requests=self.requests)

    def build_app(self) -> Any:
        raise NotImplementedError

    def requests_to(self, path_prefix: str, method: str | None = None) -> list[Recorded]:
        """The recorded requests whose path starts with ``path_prefix`` (and method, if given)."""
        return [r for r in self.requests if r.path.startswith(path_prefix) and method in (None, r.method)]


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this: without it Nagle's algorithm delays small replies ~40 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class FakeSwitch:
    """One loopback server for many fakes: serve the switch once per test module, then give each test
    a fresh fake with ``switch.fake = FakeWhereby(api_key="k")``.

    Starting and stopping uvicorn costs more than most tests; this keeps each test's state fresh.
    """

    def __init__(self) -> None:
        self.fake: FakeService | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self.fake is None:
            raise RuntimeError("FakeSwitch has no fake to serve")
        await self.fake.app(scope, receive, send)


@contextlib.contextmanager
def serve_switch() -> Iterator[tuple[FakeSwitch, str]]:
    """A module's one server: ``with serve_switch() as (switch, base_url): switch.fake = FakeX()``."""
    switch = FakeSwitch()
    with serve(switch) as url:
        yield switch, url


@contextlib.contextmanager
def serve(app: Any, *, lifespan: str = "off") -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a background thread; yields its base URL. ``lifespan="on"`` runs
    the app's startup and shutdown as ``meetbot serve`` does (fakes have none)."""
    sock = free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan=lifespan, timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("fake server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
