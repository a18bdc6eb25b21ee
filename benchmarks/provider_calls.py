"""CPU meetbot's event loop spends per provider call, next to httpx's own transport in the same run.

    .venv/bin/python benchmarks/provider_calls.py            # 7 repeats of 4 x 50 concurrent creates each
    .venv/bin/python benchmarks/provider_calls.py --repeats 15

A loopback server in a process of its own (aiohttp, answering a Whereby-shaped room create) gets
bursts of 50 concurrent ``POST /v1/meetings`` through ``providers.http.send``, from 50 kept clients
(one per command, as ``providers.clients.ClientPool`` lends them): once through the clients meetbot
makes (``providers.http.make_client``: aiohttp underneath, ``providers.transport``), once through
plain ``httpx.AsyncClient``s (httpx's own transport, httpcore and h11), alternating. Printed: the
calling thread's CPU per call (``time.thread_time``), best and median of the repeats. On uvloop, as
``meetbot serve``. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from the repo root
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvloop  # noqa: E402
from aiohttp import web  # noqa: E402

from providers.http import make_client, send  # noqa: E402

CONCURRENCY = 50
BURSTS_PER_REPEAT = 4
ROOM = {"meetingId": "1", "roomUrl": "https://x.whereby.com/r", "hostRoomUrl": "https://x.whereby.com/r?roomKey=k",
        "startDate": "2026-12-01T10:00:00Z", "endDate": "2026-12-01T11:00:00Z"}
BODY = {"endDate": "2026-12-01T11:00:00Z", "fields": ["hostRoomUrl"], "roomMode": "normal"}


def provider(conn: Connection) -> None:
    """The fake provider's process: serves room creates on a free loopback port, sent back on ``conn``."""
    async def create(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(ROOM, status=201)

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/v1/meetings", create)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        conn.send(runner.addresses[0][1])
        await asyncio.Event().wait()

    uvloop.run(main())


async def cpu_per_call(clients: list[httpx.AsyncClient], repeats: int) -> list[float]:
    """Milliseconds of this thread's CPU per call, one figure per repeat (after a warm-up)."""
    async def create(client: httpx.AsyncClient) -> None:
        response = await send(client, "POST", "/v1/meetings", provider="whereby", idempotent=False, json=BODY)
        response.json()

    async def bursts(count: int) -> None:
        for _ in range(count):
            await asyncio.gather(*(create(client) for client in clients))

    await bursts(2)  # connections opened, first-use imports done
    figures = []
    for _ in range(repeats):
        started = time.thread_time()
        await bursts(BURSTS_PER_REPEAT)
        figures.append((time.thread_time() - started) / (BURSTS_PER_REPEAT * len(clients)) * 1000)
    return figures


async def measure(url: str, repeats: int) -> dict[str, list[float]]:
    headers = {"Authorization": "Bearer bench-key"}
    ways = {
        "meetbot's clients (aiohttp)": lambda: make_client(base_url=url, headers=headers),
        "httpx's own transport": lambda: httpx.AsyncClient(base_url=url, headers=headers, timeout=10.0),
    }
    figures: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(2):  # alternate, so a drift of the machine's speed hits both
        for name, make in ways.items():
            clients = [make() for _ in range(CONCURRENCY)]
            try:
                figures[name] += await cpu_per_call(clients, (repeats + 1) // 2)
            finally:
                for client in clients:
                    await client.aclose()
    return figures


def main(repeats: int) -> None:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=provider, args=(child,), daemon=True)
    server.start()
    try:
        url = f"http://127.0.0.1:{parent.recv()}"
        figures = uvloop.run(measure(url, repeats))
    finally:
        server.terminate()
    print(f"CPU of the calling thread per provider call ({CONCURRENCY} concurrent creates, kept clients), ms:")
    for name, values in figures.items():
        print(f"  {name:30s} best {min(values):.3f}   median {statistics.median(values):.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="figures per way (default 7)")
    main(parser.parse_args().repeats)
