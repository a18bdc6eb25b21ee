"""The client side of ``make bench``: bursts of signed requests sent from a process of its own.

    load = LoadGenerator()
    burst = await load.burst("http://127.0.0.1:8000", bodies)   # each request's ack latency and status
    burst.percentile(0.99); load.close()

The apps under test share one interpreter (and its GIL); a client in that interpreter too would
compete with them for it and add its own CPU time to every ack, so it runs in a child process.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import httpx

from tests.scenario.harness import sign


@dataclass
class Burst:
    """One batch of concurrent requests: each one's ack latency (seconds) and status."""

    started: float  # time.time(), the clock of the fake Slack's Call.at
    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [f"HTTP {status}" for status in self.statuses if status != 200] + self.errors

    def percentile(self, q: float) -> float:
        return percentile(self.latencies, q)


async def send_all(base_url: str, signed: list[tuple[bytes, dict[str, str]]]) -> Burst:
    """POST every signed body to /slack/events at once and time each until its response arrives."""
    limits = httpx.Limits(max_connections=len(signed), max_keepalive_connections=len(signed))
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=10.0) as client:
        result = Burst(started=time.time())

        async def one(body: bytes, headers: dict[str, str]) -> None:
            start = time.perf_counter()
            try:
                response = await client.post("/slack/events", content=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", **headers})
            except httpx.HTTPError as error:
                result.errors.append(f"{type(error).__name__}: {error}")
                return
            result.latencies.append(time.perf_counter() - start)
            result.statuses.append(response.status_code)

        await asyncio.gather(*(one(body, headers) for body, headers in signed))
    return result


def load_worker(conn: Connection) -> None:
    """The load generator's process: runs each burst it is sent and answers with the ``Burst``."""
    gc.freeze()  # the imports: never scanned again
    while (job := conn.recv()) is not None:
        base_url, signed = job
        gc.collect()
        gc.disable()  # the client is not under test: no collector pause inside its timings
        try:
            result = asyncio.run(send_all(base_url, signed))
        finally:
            gc.enable()
        conn.send(result)


class LoadGenerator:
    """The client side in a process of its own: ``result = await load.burst(url, bodies)``.

    The apps under test share one interpreter (and its GIL); a client in that interpreter too would
    compete with them for it and add its own CPU time to every ack (the
    bare-ack baseline swung between 55 and 350 ms that way). Out of process it does not.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process that runs server threads
        self._conn, child = context.Pipe()
        self._process = context.Process(target=load_worker, args=(child,), name="ack-latency-load", daemon=True)
        self._process.start()
        child.close()

    async def burst(self, base_url: str, bodies: list[bytes]) -> Burst:
        signed = [(body, sign(body)) for body in bodies]  # fresh timestamps; signing stays out of the timing
        self._conn.send((base_url, signed))
        return await asyncio.to_thread(self._conn.recv)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default): ``percentile(xs, 0.99)``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
