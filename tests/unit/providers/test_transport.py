"""Direct provider calls go over aiohttp (providers.transport): answers arrive as httpx reads them,
and every failure says rightly whether the provider may have acted, since a create is retried only
when it surely never arrived."""

from __future__ import annotations

import asyncio
import datetime
import gzip
import ipaddress
import json
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import aiohttp
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.errors import Unavailable
from providers.http import make_client, send
from providers.transport import ProviderTransport, reading_of, transport_error
from tests.support.policy import FAST, SHORT_TIMEOUT

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes]:
    """One HTTP/1.1 request off the wire: its request line, headers (lower-case names) and body."""
    head = await reader.readuntil(b"\r\n\r\n")
    line, *fields = head.decode("latin-1").split("\r\n")[:-2]
    headers = {name.strip().lower(): value.strip() for name, value in (field.split(":", 1) for field in fields)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return line, headers, body


class Wire:
    """A loopback server speaking raw HTTP/1.1 through ``handler``; counts requests and connections."""

    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.connections = 0
        self.url = ""
        self._server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while not reader.at_eof():
                self.requests.append(await read_request(reader))
                await self.handler(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> Wire:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        scheme = "https" if self.tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()


def answer(status: int, body: bytes, *headers: str) -> Handler:
    async def handler(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", *headers]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
    return handler


async def hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()  # the request arrived; the provider may have acted on it before the line dropped


async def half_a_body(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n" + b'{"roomUrl": "https://')
    await writer.drain()
    writer.close()


async def never_answer(reader: asyncio.StreamReader, _: asyncio.StreamWriter) -> None:
    await reader.read()  # until the client gives up and closes


async def garbage(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"this is not HTTP\r\n\r\n")
    await writer.drain()


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    made: list[httpx.AsyncClient] = []

    def make(url: str, timeout: float = FAST.timeout) -> httpx.AsyncClient:
        made.append(make_client(base_url=url, headers={"Authorization": "Bearer k"}, timeout=timeout))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


async def test_a_direct_call_goes_over_aiohttp_and_reads_as_httpx(client_for: Callable[..., httpx.AsyncClient]) -> None:
    packed = gzip.compress(json.dumps({"meetingId": "42"}).encode())
    async with Wire(answer(201, packed, "Content-Type: application/json", "Content-Encoding: gzip")) as wire:
        client = client_for(wire.url)
        assert isinstance(client._transport, ProviderTransport)
        response = await client.post("/v1/meetings", json={"endDate": "2026-12-01T10:00:00Z"})
        second = await client.get("/v1/meetings/42")
    assert (response.status_code, response.json()) == (201, {"meetingId": "42"})  # httpx decoded the gzip
    assert response.headers["content-type"] == "application/json" and second.status_code == 201
    line, headers, body = wire.requests[0]
    assert line == "POST /v1/meetings HTTP/1.1"
    assert headers["authorization"] == "Bearer k" and headers["user-agent"].startswith("meetbot/")
    assert json.loads(body) == {"endDate": "2026-12-01T10:00:00Z"}
    assert wire.connections == 1  # the second call reused the first one's connection


@pytest.mark.parametrize(("handler", "reading"), [
    (hang_up, ("ReadError",)),  # httpx-aiohttp read this as ConnectTimeout ("never arrived"): resent
    (half_a_body, ("ReadError", "RemoteProtocolError")),
])
async def test_a_create_whose_connection_drops_after_sending_is_not_sent_again(
        handler: Handler, reading: tuple[str, ...], client_for: Callable[..., httpx.AsyncClient]) -> None:
    async with Wire(handler) as wire:
        with pytest.raises(Unavailable) as caught:
            await send(client_for(wire.url), "POST", "/v1/meetings", provider="whereby", idempotent=False,
                       policy=FAST, json={})
    assert caught.value.raw.startswith(reading) and len(wire.requests) == 1


async def test_a_read_that_is_dropped_is_tried_again(client_for: Callable[..., httpx.AsyncClient]) -> None:
    async with Wire(hang_up) as wire:
        with pytest.raises(Unavailable):
            await send(client_for(wire.url), "GET", "/v1/meetings/42", provider="whereby", idempotent=True, policy=FAST)
    # each of our attempts, and aiohttp sends an idempotent request once more itself when the line drops
    assert len(wire.requests) == 2 * (1 + FAST.max_retries)


async def test_a_provider_that_cannot_be_reached_gets_the_create_again(
        client_for: Callable[..., httpx.AsyncClient]) -> None:
    async with Wire(hang_up) as wire:
        url = wire.url
    attempts: list[str] = []
    client = client_for(url)  # nothing listens there any more: refused, so the create never arrived
    client.event_hooks["request"].append(lambda request: _note(attempts, request))
    with pytest.raises(Unavailable) as caught:
        await send(client, "POST", "/v1/meetings", provider="whereby", idempotent=False, policy=FAST, json={})
    assert caught.value.raw.startswith("ConnectError") and len(attempts) == 1 + FAST.max_retries


async def _note(attempts: list[str], request: httpx.Request) -> None:
    attempts.append(str(request.url))


async def test_an_answer_too_late_is_a_read_timeout(client_for: Callable[..., httpx.AsyncClient]) -> None:
    async with Wire(never_answer) as wire:
        with pytest.raises(httpx.ReadTimeout):
            await client_for(wire.url, timeout=SHORT_TIMEOUT.timeout).post("/v1/meetings", json={})
    assert len(wire.requests) == 1


async def test_an_answer_that_is_not_http_is_a_protocol_error(client_for: Callable[..., httpx.AsyncClient]) -> None:
    async with Wire(garbage) as wire:
        with pytest.raises(httpx.RemoteProtocolError):
            await client_for(wire.url).get("/v1/meetings")


async def test_cookies_live_in_httpx_alone_so_clearing_them_forgets_them(
        client_for: Callable[..., httpx.AsyncClient]) -> None:
    async with Wire(answer(200, b"{}", "Set-Cookie: session=abc; Path=/")) as wire:
        client = client_for(wire.url.replace("127.0.0.1", "localhost"))  # a name: aiohttp's jar refuses IPs
        await client.get("/login")
        await client.get("/again")
        client.cookies.clear()  # what ClientPool does when a client comes back
        await client.get("/next-borrower")
    assert wire.requests[1][1].get("cookie") == "session=abc"
    assert "cookie" not in wire.requests[2][1]  # aiohttp kept no jar of its own


def self_signed(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A certificate for 127.0.0.1 nobody vouches for: (the server's context, a client context trusting it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(hours=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    (directory / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    return server, ssl.create_default_context(cafile=str(directory / "cert.pem"))


async def test_a_certificate_nobody_vouches_for_is_refused_before_anything_is_sent(
        tmp_path: Path, client_for: Callable[..., httpx.AsyncClient]) -> None:
    server_tls, trusting = self_signed(tmp_path)
    async with Wire(answer(201, b"{}"), tls=server_tls) as wire:
        with pytest.raises(httpx.ConnectError):  # checked against certifi's authorities, as before
            await client_for(wire.url).post("/v1/meetings", json={})
        async with httpx.AsyncClient(base_url=wire.url, transport=ProviderTransport(tls=trusting)) as client:
            assert (await client.post("/v1/meetings", json={})).status_code == 201  # TLS itself works
    assert len(wire.requests) == 1


@pytest.mark.parametrize(("error", "reading"), [
    (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
    (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError(), httpx.ReadError),
    (aiohttp.ClientOSError(104, "reset"), httpx.ReadError),
    (aiohttp.ClientPayloadError("cut"), httpx.RemoteProtocolError),
    (aiohttp.InvalidURL("x"), httpx.UnsupportedProtocol),
])
def test_each_aiohttp_failure_reads_as_the_httpx_one(error: Exception, reading: type[httpx.TransportError]) -> None:
    assert type(transport_error(error)) is reading


def test_only_a_connection_that_never_opened_reads_as_never_sent() -> None:
    never_sent = (httpx.ConnectError, httpx.ConnectTimeout)
    for kind in _subclasses(aiohttp.ClientError):
        reading = reading_of(kind)
        assert reading is not None and issubclass(reading, httpx.TransportError), kind
        assert issubclass(reading, never_sent) == issubclass(
            kind, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)), kind
    assert reading_of(ValueError) is None


def _subclasses(kind: type) -> set[type]:
    found = {kind}
    for sub in kind.__subclasses__():
        found |= _subclasses(sub)
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.integers(min_value=200, max_value=599).filter(lambda status: status not in (204, 304)),
       body=st.binary(max_size=3000),
       value=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(str.strip))
async def test_any_answer_reads_back_as_sent(status: int, body: bytes, value: str) -> None:
    async with Wire(answer(status, body, f"X-Provider-Note: {value}")) as wire:
        async with make_client(base_url=wire.url) as client:
            response = await client.post("/v1/meetings", content=body)
    assert (response.status_code, response.content, response.headers["x-provider-note"]) == (status, body, value)
    assert wire.requests[0][2] == body


@settings(max_examples=60, deadline=None)
@given(segment=st.text(min_size=1, max_size=20).filter(lambda text: text not in (".", "..")),
       values=st.lists(st.text(max_size=20), min_size=1, max_size=3))
async def test_any_id_and_query_reach_the_provider_meaning_what_they_meant(segment: str, values: list[str]) -> None:
    # aiohttp writes the URL httpx built again (yarl): "%40" may go out as "@", but what a path
    # segment or a query value decodes to at the provider never changes.
    async with Wire(answer(204, b"")) as wire:
        async with make_client(base_url=wire.url) as client:
            await client.get(f"/v1/meetings/{quote(segment, safe='')}", params=[("q", value) for value in values])
    target = urlsplit(wire.requests[0][0].split(" ")[1])
    assert [unquote(part) for part in target.path.split("/")] == ["", "v1", "meetings", segment]
    assert parse_qsl(target.query, keep_blank_values=True) == [("q", value) for value in values]
