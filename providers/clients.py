"""Idle provider clients kept between commands, so the next command to the same API with the same
headers reuses their open connections instead of a new DNS lookup, TCP and TLS handshake.

    clients = ClientPool()
    client = clients.take(base_url=url, headers=headers, timeout=10.0)
    ...                                  # one command's calls, through this client alone
    await clients.give_back(client)      # kept for the next command with the same settings
    await clients.aclose()               # at shutdown: every idle client closed

Rules, each for a reason:
- A client is lent to one adapter at a time, never shared between commands in flight: one client
  shared by fifty concurrent commands was slower than fifty (httpx's pool lock, encode/httpx#3215).
- Clients are kept per exact settings (API base, every header, timeout), hashed: two workspaces'
  keys, sent as headers, never meet in one client. Cookies are cleared when a client comes back, so
  nothing a provider set for one account reaches the next borrower.
- Connections inside a kept client expire after 5 s idle (``providers.transport.KEEPALIVE_SECONDS``,
  as httpx's own pool): a connection the provider may already have closed is not picked up for a
  create, which is not retried after a dropped connection (``providers.http``).
- The pool belongs to the event loop it was first used on (connections cannot cross loops); on any
  other loop ``take`` makes a plain client that ``give_back`` closes.
- At most ``max_idle`` clients wait; past that, or once it has waited ``max_age`` seconds, the
  longest-waiting one is closed when the next client comes back, so a key no longer used (an
  account disconnected or replaced) does not stay in memory with its client.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping

import httpx

from providers.http import make_client

MAX_IDLE = 64  # about the commands one replica has in flight at a busy moment
MAX_AGE = 300.0  # seconds a client waits to be reused before it is closed


class ClientPool:
    """Idle ``httpx.AsyncClient``s by settings: ``ClientPool(max_idle=64, max_age=300.0)``."""

    def __init__(self, *, max_idle: int = MAX_IDLE, max_age: float = MAX_AGE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_idle = max_idle
        self.max_age = max_age
        self.clock = clock
        # id(client) -> (its settings' key, the client, when it came back); the longest-waiting first
        self._idle: OrderedDict[int, tuple[str, httpx.AsyncClient, float]] = OrderedDict()
        # client -> its settings' key while an adapter holds it; weak, so an adapter never closed leaks nothing
        self._lent: weakref.WeakKeyDictionary[httpx.AsyncClient, str] = weakref.WeakKeyDictionary()
        self._loop: asyncio.AbstractEventLoop | None = None

    def take(self, *, base_url: str, headers: Mapping[str, str], timeout: float) -> httpx.AsyncClient:
        """A kept client made with exactly these settings, else a new one; give it back when done."""
        if not self._on_own_loop():
            return make_client(base_url=base_url, headers=headers, timeout=timeout)
        key = settings_key(base_url, headers, timeout)
        for ident, (kept_key, client, _) in reversed(list(self._idle.items())):  # the freshest connections first
            if kept_key != key:
                continue
            del self._idle[ident]
            if not client.is_closed:  # closed while kept (a former borrower closed it late): dropped
                self._lent[client] = key
                return client
        client = make_client(base_url=base_url, headers=headers, timeout=timeout)
        self._lent[client] = key
        return client

    async def give_back(self, client: httpx.AsyncClient) -> None:
        """Keep ``client`` for the next borrower with its settings, or close it (closed, foreign, or no room)."""
        key = self._lent.pop(client, None)
        if key is None or client.is_closed or not self._on_own_loop():
            await client.aclose()
            return
        client.cookies.clear()
        now = self.clock()
        self._idle[id(client)] = (key, client, now)
        while self._idle and (len(self._idle) > self.max_idle
                              or now - next(iter(self._idle.values()))[2] > self.max_age):
            _, (_, oldest, _) = self._idle.popitem(last=False)
            await oldest.aclose()

    @property
    def idle(self) -> int:
        """How many clients wait to be reused."""
        return len(self._idle)

    async def aclose(self) -> None:
        """Close every idle client; the pool may then serve another loop (a restarted app in tests)."""
        self._lent.clear()  # a client still lent (a job ending late) is closed when it comes back
        while self._idle:
            _, (_, client, _) = self._idle.popitem(last=False)
            await client.aclose()
        self._loop = None

    def _on_own_loop(self) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self._loop is None or self._loop.is_closed():
            self._idle.clear()  # a closed loop's clients cannot be closed from here; their sockets went with it
            self._loop = loop
        return loop is self._loop


def settings_key(base_url: str, headers: Mapping[str, str], timeout: float) -> str:
    """A digest of a client's settings, equal only for the same API, headers (keys included) and timeout."""
    text = "\n".join([base_url, repr(timeout), *(f"{name.lower()}:{value}" for name, value in sorted(headers.items()))])
    return hashlib.sha256(text.encode()).hexdigest()
