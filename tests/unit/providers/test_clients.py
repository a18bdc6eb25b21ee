"""The pool of kept provider clients: reuse across commands, never across keys or commands in flight."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from providers.base import Endpoints
from providers.clients import ClientPool, settings_key
from providers.whereby import WherebyCredentials, WherebyProvider


@dataclass
class CountingServer:
    """A loopback HTTP/1.1 server answering ``{}`` with keep-alive, counting the connections it accepts."""

    url: str = ""
    connections: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def counting() -> AsyncIterator[CountingServer]:
    server = CountingServer()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.url = f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
    async with listener:
        yield server


async def one_command(pool: ClientPool, url: str, key: str = "key-a") -> httpx.AsyncClient:
    client = pool.take(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=5.0)
    assert (await client.get("/meetings")).status_code == 200
    await pool.give_back(client)
    return client


async def test_the_next_command_reuses_the_open_connection(counting: CountingServer) -> None:
    pool = ClientPool()
    first = await one_command(pool, counting.url)
    second = await one_command(pool, counting.url)
    assert second is first
    assert counting.connections == 1
    await pool.aclose()
    assert first.is_closed


async def test_without_the_pool_each_command_opens_its_own_connection(counting: CountingServer) -> None:
    # The baseline the test above improves on: it shows the server counts what it should.
    for _ in range(2):
        async with httpx.AsyncClient(base_url=counting.url) as client:
            await client.get("/meetings")
    assert counting.connections == 2


async def test_different_keys_never_share_a_client(counting: CountingServer) -> None:
    pool = ClientPool()
    with_a = await one_command(pool, counting.url, key="key-a")
    with_b = await one_command(pool, counting.url, key="key-b")
    assert with_b is not with_a
    assert with_b.headers["Authorization"] == "Bearer key-b"
    assert pool.idle == 2
    assert await one_command(pool, counting.url, key="key-a") is with_a
    await pool.aclose()


async def test_a_client_in_use_is_not_lent_twice(counting: CountingServer) -> None:
    pool = ClientPool()
    held = pool.take(base_url=counting.url, headers={}, timeout=5.0)
    other = pool.take(base_url=counting.url, headers={}, timeout=5.0)
    assert other is not held
    await pool.give_back(held)
    await pool.give_back(other)
    assert pool.idle == 2
    await pool.aclose()


async def test_a_closed_client_is_not_kept(counting: CountingServer) -> None:
    pool = ClientPool()
    client = pool.take(base_url=counting.url, headers={}, timeout=5.0)
    await client.aclose()
    await pool.give_back(client)
    assert pool.idle == 0
    assert pool.take(base_url=counting.url, headers={}, timeout=5.0) is not client


async def test_past_max_idle_the_longest_waiting_client_is_closed(counting: CountingServer) -> None:
    pool = ClientPool(max_idle=2)
    clients = [pool.take(base_url=counting.url, headers={"X-Key": str(n)}, timeout=5.0) for n in range(3)]
    for client in clients:
        await pool.give_back(client)
    assert pool.idle == 2
    assert clients[0].is_closed and not clients[1].is_closed and not clients[2].is_closed
    await pool.aclose()
    assert all(client.is_closed for client in clients)


async def test_cookies_a_provider_set_do_not_reach_the_next_borrower(counting: CountingServer) -> None:
    pool = ClientPool()
    client = pool.take(base_url=counting.url, headers={}, timeout=5.0)
    client.cookies.set("session", "of-the-first-command")
    await pool.give_back(client)
    again = pool.take(base_url=counting.url, headers={}, timeout=5.0)
    assert again is client and not again.cookies
    await pool.give_back(again)
    await pool.aclose()


async def test_a_client_lent_when_the_pool_closes_is_closed_when_it_comes_back(counting: CountingServer) -> None:
    pool = ClientPool()
    late = pool.take(base_url=counting.url, headers={}, timeout=5.0)
    await pool.aclose()
    await pool.give_back(late)
    assert late.is_closed and pool.idle == 0


def test_clients_of_a_finished_loop_are_never_lent_on_the_next() -> None:
    pool = ClientPool()

    async def command() -> httpx.AsyncClient:
        client = pool.take(base_url="http://127.0.0.1:9", headers={}, timeout=5.0)
        await pool.give_back(client)
        return client

    first = asyncio.run(command())
    assert pool.idle == 1
    assert asyncio.run(command()) is not first  # a new loop: the old loop's client is dropped, not reused


def test_outside_a_loop_take_makes_a_plain_client_the_pool_does_not_keep() -> None:
    pool = ClientPool()
    client = pool.take(base_url="http://127.0.0.1:9", headers={}, timeout=5.0)
    asyncio.run(pool.give_back(client))
    assert client.is_closed and pool.idle == 0


def test_settings_key_differs_by_every_setting() -> None:
    base = settings_key("https://api.whereby.dev/v1", {"Authorization": "Bearer a"}, 10.0)
    assert base == settings_key("https://api.whereby.dev/v1", {"Authorization": "Bearer a"}, 10.0)
    assert base != settings_key("https://api.whereby.dev/v1", {"Authorization": "Bearer b"}, 10.0)
    assert base != settings_key("https://api.whereby.dev/v2", {"Authorization": "Bearer a"}, 10.0)
    assert base != settings_key("https://api.whereby.dev/v1", {"Authorization": "Bearer a"}, 5.0)
    assert "Bearer" not in base


async def test_adapters_borrow_from_the_pool_and_give_back_on_close(counting: CountingServer) -> None:
    pool = ClientPool()
    credentials = WherebyCredentials(api_key="k" * 40)
    async with WherebyProvider(credentials, endpoints=Endpoints(whereby=counting.url), clients=pool) as first:
        await first.http("GET", "/meetings", idempotent=True)
    assert pool.idle == 1
    async with WherebyProvider(credentials, endpoints=Endpoints(whereby=counting.url), clients=pool) as second:
        assert second.client is first.client
        await second.http("GET", "/meetings", idempotent=True)
    assert counting.connections == 1
    # A test's injected transport is the adapter's own: never taken from or given to the pool.
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    async with WherebyProvider(credentials, endpoints=Endpoints(whereby=counting.url), transport=transport,
                               clients=pool) as injected:
        assert injected.client is not first.client
    assert injected.client.is_closed and pool.idle == 1
    await pool.aclose()


async def test_an_adapter_closed_twice_gives_its_client_back_once(counting: CountingServer) -> None:
    pool = ClientPool()
    credentials = WherebyCredentials(api_key="k" * 40)
    first = WherebyProvider(credentials, endpoints=Endpoints(whereby=counting.url), clients=pool)
    await first.aclose()
    second = WherebyProvider(credentials, endpoints=Endpoints(whereby=counting.url), clients=pool)
    assert second.client is first.client
    await first.aclose()  # late: must not hand the client second holds to a third adapter, nor close it
    third = WherebyProvider(credentials, endpoints=Endpoints(whereby=counting.url), clients=pool)
    assert third.client is not second.client and not second.client.is_closed
    await second.aclose()
    await third.aclose()
    await pool.aclose()


async def test_a_client_closed_while_kept_is_dropped_not_lent(counting: CountingServer) -> None:
    pool = ClientPool()
    client = pool.take(base_url=counting.url, headers={}, timeout=5.0)
    await pool.give_back(client)
    await client.aclose()  # a former borrower closing it late
    fresh = pool.take(base_url=counting.url, headers={}, timeout=5.0)
    assert fresh is not client and not fresh.is_closed and pool.idle == 0
    await pool.give_back(fresh)
    await pool.aclose()


async def test_a_client_kept_past_max_age_is_closed_when_another_comes_back(counting: CountingServer) -> None:
    now = [0.0]
    pool = ClientPool(max_age=300.0, clock=lambda: now[0])
    old = await one_command(pool, counting.url, key="disconnected-account")
    now[0] = 299.0
    await one_command(pool, counting.url, key="key-a")
    assert not old.is_closed and pool.idle == 2
    now[0] = 301.0
    recent = await one_command(pool, counting.url, key="key-a")
    assert old.is_closed and not recent.is_closed and pool.idle == 1
    await pool.aclose()
