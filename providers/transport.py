"""The transport under every direct provider call: httpx's API over aiohttp's connections.

    client = httpx.AsyncClient(base_url=url, transport=ProviderTransport(tls=tls_context()))

Why: a provider call through httpx's own transport (httpcore and h11, pure Python) cost meetbot's
event loop ~0.95 ms of CPU, the largest single share of a burst of /meeting new after the provider
answered; over aiohttp, which parses HTTP in C, about half (benchmarks/provider_calls.py). The
transport is httpx-aiohttp's; this module changes two things about it:

- **Errors say whether the provider may have acted.** httpx-aiohttp reads every
  ``aiohttp.ClientConnectionError`` as ``httpx.ConnectTimeout``, a dropped connection after the
  request went out included; ``providers.http`` retries a create after a connect error ("the
  request never reached the provider"), so that reading could make a room twice. Here only a
  connection that never opened is a ``ConnectError``/``ConnectTimeout``; a connection lost later is
  a ``ReadError``, a read that timed out a ``ReadTimeout``, a malformed answer a
  ``RemoteProtocolError``, as httpx's own transport says them.
- **No cookies are kept by aiohttp**: httpx keeps the client's cookies (and ``ClientPool`` clears
  them when a client comes back), so aiohttp's own jar would be a second one nobody clears.

Two things aiohttp does its own way: it sends an idempotent request (GET, DELETE) once more by
itself when its connection drops, before ``providers.http`` retries (never a POST); and it writes
the URL httpx built again (yarl), so a percent-encoding of a character allowed there plainly may go
out plainly ("%40" as "@"), while what an id or a query value decodes to at the provider stays the
same ("%2F", "%26", "%3D", "%2B", "%25" are kept; tests/unit/providers/test_transport.py).
Proxied calls keep httpx's own transport (``providers.http.make_client``): aiohttp has no SOCKS.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterator, Iterator

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

KEEPALIVE_SECONDS = 5.0  # as httpx's default: a create never goes out on a connection idle for longer
MAX_CONNECTIONS = 100  # per client, as httpx's default


def reading_of(kind: type[BaseException]) -> type[httpx.TransportError] | None:
    """The httpx error an aiohttp one reads as, by whether the request may have reached the provider:
    ``reading_of(aiohttp.ServerDisconnectedError)`` -> ``httpx.ReadError``; None for non-aiohttp errors."""
    if issubclass(kind, aiohttp.ClientConnectorError):  # DNS, refused, TLS handshake: never sent
        return httpx.ConnectError
    if issubclass(kind, aiohttp.ConnectionTimeoutError):  # no connection within the time: never sent
        return httpx.ConnectTimeout
    if issubclass(kind, aiohttp.ServerTimeoutError):  # sent, and the answer did not come in time
        return httpx.ReadTimeout
    if issubclass(kind, aiohttp.ClientConnectionError):  # sent, then the connection was lost
        return httpx.ReadError
    if issubclass(kind, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol
    if issubclass(kind, aiohttp.ClientError):  # an answer aiohttp could not read
        return httpx.RemoteProtocolError
    return None


def transport_error(error: BaseException) -> httpx.TransportError | None:
    """``reading_of`` applied: ``transport_error(aiohttp.ServerDisconnectedError())`` -> a ``ReadError``."""
    reading = reading_of(type(error))
    return None if reading is None else reading(str(error) or type(error).__name__)


@contextlib.contextmanager
def _read_errors_as_httpx() -> Iterator[None]:
    """Re-raise aiohttp's errors, and httpx-aiohttp's readings of them, as ``transport_error`` says."""
    try:
        yield
    except httpx.TransportError as error:
        better = transport_error(error.__cause__) if error.__cause__ is not None else None
        if better is None:
            raise
        raise better from error.__cause__
    except aiohttp.ClientError as error:  # the ones httpx-aiohttp lets through unmapped
        reading = transport_error(error)
        assert reading is not None  # reading_of has a reading for every aiohttp.ClientError
        raise reading from error


class _Body(httpx.AsyncByteStream):
    """The answer's body as httpx-aiohttp streams it, with its errors read as above."""

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _read_errors_as_httpx():
            async for chunk in self._inner:
                yield chunk

    async def aclose(self) -> None:
        with _read_errors_as_httpx():
            await self._inner.aclose()


class ProviderTransport(AiohttpTransport):
    """httpx-aiohttp's transport on one aiohttp session (made on first use, on the caller's loop):
    ``ProviderTransport(tls=tls_context())``."""

    def __init__(self, *, tls: ssl.SSLContext) -> None:
        self._tls = tls
        super().__init__(verify=tls, trust_env=False, client=self._session)

    def _session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(ssl=self._tls, limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS)
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with _read_errors_as_httpx():
            response = await super().handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Body(response.stream)
        return response
