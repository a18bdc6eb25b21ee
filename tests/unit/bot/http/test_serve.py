"""How ``meetbot serve`` listens (issue 11, finding 7): on ``HOST``, believing proxy headers only from
``FORWARDED_ALLOW_IPS``; and the SQLite file it creates is the owner's alone."""

from __future__ import annotations

import asyncio
import os
import sys
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.http.app import server_config
from bot.settings import Settings
from db.engine import make_engine


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def who(request: Request) -> JSONResponse:
    assert request.client is not None
    return JSONResponse({"client": request.client.host, "scheme": request.url.scheme})


async def loop_kind(request: Request) -> JSONResponse:
    return JSONResponse({"loop": type(asyncio.get_running_loop()).__module__})


ECHO = Starlette(routes=[Route("/who", who), Route("/loop", loop_kind)])


@contextmanager
def running(config: uvicorn.Config) -> Iterator[str]:
    """``config`` served by a real uvicorn on loopback, in a thread; yields its base URL."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_defaults_bind_every_interface_and_trust_only_a_local_proxy() -> None:
    config = server_config(ECHO, settings(), port=3000)
    assert (config.host, config.port, config.forwarded_allow_ips, config.proxy_headers) == (
        "0.0.0.0", 3000, "127.0.0.1", True)


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop does not run on Windows (asyncio's loop serves there)")
def test_the_server_runs_on_uvloop() -> None:
    with running(server_config(ECHO, settings(host="127.0.0.1"), port=0)) as url:
        assert httpx.get(f"{url}/loop").json()["loop"].startswith("uvloop")


def test_the_server_parses_http_with_httptools() -> None:
    config = server_config(ECHO, settings(host="127.0.0.1"), port=0)
    config.load()  # what uvicorn does at start: "auto" picks httptools when it is installed, else h11
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"


def test_host_and_forwarded_allow_ips_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    config = server_config(ECHO, Settings(_env_file=None), port=3000)  # type: ignore[call-arg]
    assert (config.host, config.forwarded_allow_ips) == ("127.0.0.1", "10.0.0.0/8")


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_proxy_headers_from_an_untrusted_peer_are_ignored() -> None:
    config = server_config(ECHO, settings(host="127.0.0.1", forwarded_allow_ips="10.1.2.3"), port=0)
    with running(config) as url:
        seen = httpx.get(f"{url}/who", headers=FORWARDED).json()
    assert seen == {"client": "127.0.0.1", "scheme": "http"}


def test_proxy_headers_from_a_trusted_proxy_are_believed() -> None:
    config = server_config(ECHO, settings(host="127.0.0.1", forwarded_allow_ips="127.0.0.1"), port=0)
    with running(config) as url:
        seen = httpx.get(f"{url}/who", headers=FORWARDED).json()
    assert seen == {"client": "203.0.113.7", "scheme": "https"}


def test_a_new_sqlite_file_and_its_journal_are_created_0600(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual umask would leave 0644
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'meetbot.db'}", vault=None)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        files = sorted(tmp_path.iterdir())
        assert [p.name for p in files][:1] == ["meetbot.db"]
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}
        engine.dispose()
    finally:
        os.umask(old_umask)


def test_an_existing_sqlite_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "meetbot.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    make_engine(f"sqlite:///{path}", vault=None).dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
