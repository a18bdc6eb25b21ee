"""Provider calls go through the proxies the environment names (HTTP_PROXY, NO_PROXY …), read once
per process (providers.http.environment_proxies), as httpx would read them for every client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from providers.http import environment_proxies, make_client


class Recorder:
    """A loopback HTTP/1.1 server that answers every request with 200 and keeps its request line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.url = ""
        self._server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        self.lines.append(head.split(b"\r\n", 1)[0].decode())
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    async def __aenter__(self) -> Recorder:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture(autouse=True)
def fresh_proxies(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy",
                 "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    environment_proxies.cache_clear()
    yield
    environment_proxies.cache_clear()


@pytest.fixture
async def servers() -> AsyncIterator[tuple[Recorder, Recorder]]:
    async with Recorder() as proxy, Recorder() as provider:
        yield proxy, provider


async def test_a_provider_call_goes_through_http_proxy(servers: tuple[Recorder, Recorder],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    proxy, provider = servers
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    async with make_client(base_url=provider.url) as client:
        assert (await client.get("/ping")).text == "ok"
    assert proxy.lines == [f"GET {provider.url}/ping HTTP/1.1"]  # the absolute form a proxy is sent
    assert provider.lines == []


async def test_no_proxy_sends_a_host_straight(servers: tuple[Recorder, Recorder], monkeypatch: pytest.MonkeyPatch) -> None:
    proxy, provider = servers
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with make_client(base_url=provider.url) as client:
        assert (await client.get("/ping")).text == "ok"
    assert (proxy.lines, provider.lines) == ([], ["GET /ping HTTP/1.1"])


async def test_without_proxies_calls_go_straight_and_the_environment_is_read_once(
        servers: tuple[Recorder, Recorder], monkeypatch: pytest.MonkeyPatch) -> None:
    proxy, provider = servers
    async with make_client(base_url=provider.url) as client:
        await client.get("/first")
    monkeypatch.setenv("HTTP_PROXY", proxy.url)  # set after the first client: read at the next start
    async with make_client(base_url=provider.url) as client:
        await client.get("/second")
    assert (proxy.lines, provider.lines) == ([], ["GET /first HTTP/1.1", "GET /second HTTP/1.1"])


async def test_a_given_transport_is_used_whatever_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, text="fake")

    async with make_client(base_url="http://provider.test", transport=httpx.MockTransport(answer)) as client:
        assert (await client.get("/ping")).text == "fake"
    assert seen == ["http://provider.test/ping"]
