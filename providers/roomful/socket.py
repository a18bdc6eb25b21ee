"""Roomful's socket.io link: connect with the session, RPC with Roomful's envelope, pushes, reconnects.

    answer = await adapter._call("meeting:getMeeting", {"meetingId": meeting_id})
    adapter.on_meeting_event(print)      # meeting:onMeetingCreated/Updated/Deleted pushes

How (see specs/roomful/NOTES.md):
1. socket.io (Engine.IO protocol 3, what Roomful's socket.io-client 2.x speaks; python-socketio 4.x is the
   Python line for it) at ``ws(s)://{host}/socket/?sessionId=<token>``, websocket transport only.
2. The session is accepted when the server pushes ``user_info``. A dead session connects but never gets
   one, so every connection waits for it (``policy.timeout``) and signs in afresh once when it does not come.
3. RPC: ``emit("meeting:<action>", {"data": {...}, "event": {"id", "date"}})``; the ack is
   ``{"data": {...}, "error": {"status", "code", "message"}}``, waited for at most ``policy.timeout``.

One socket per adapter, opened on first use and re-opened with backoff when it drops.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode

import engineio.asyncio_client
import socketio
import socketio.exceptions

from providers.errors import AuthFailed, ProviderError, RateLimited, TokenExpired, Unavailable
from providers.http import backoff_delay
from providers.roomful.client import RoomfulClient, RoomfulCredentials, _ack_error, error_for_code
from providers.roomful.models import (
    PUSH_EVENTS,
    SLUG,
    MeetingCallback,
    MeetingEvent,
    iso_instant,
    parse_meeting,
)

logger = logging.getLogger("providers.roomful")

SOCKET_PATH = "socket"  # Roomful mounts socket.io at /socket, not the default /socket.io
RECONNECT_ATTEMPTS = 5

# engineio 3.x's AsyncClient.connect() installs a loop SIGINT handler that *stops the event loop*
# (engineio/asyncio_client.py, async_signal_handler), replacing the host server's own graceful
# Ctrl-C handling. Marking it as already installed keeps it out of meetbot's process.
engineio.asyncio_client.async_signal_handler_set = True


@dataclass(eq=False)
class _Link:
    """One socket.io connection and whether Roomful accepted its session (``user_info`` arrived)."""

    client: Any
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    user: Mapping[str, Any] = field(default_factory=dict)

    @property
    def dropped(self) -> bool:
        return self.lost.is_set()



class RoomfulSocket(RoomfulClient):
    """The connection and the RPC every resource module calls through ``_call``."""

    def __init__(self, credentials: RoomfulCredentials, **kwargs: Any) -> None:
        super().__init__(credentials, **kwargs)
        self._link: _Link | None = None
        self._reconnect_task: asyncio.Task[None] | None = None

    async def aclose(self) -> None:
        """Stop reconnecting, disconnect the socket and close the HTTP client."""
        self._closed = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            await asyncio.gather(self._reconnect_task, return_exceptions=True)
            self._reconnect_task = None
        await self._drop_link()
        await super().aclose()


    def on_meeting_event(self, callback: MeetingCallback) -> Callable[[], None]:
        """Call ``callback(MeetingEvent)`` for every meeting push; returns a function that unsubscribes.

        Pushes arrive only while the socket is open; ``verify()`` or any call opens it.
        """
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    @property
    def user(self) -> Mapping[str, Any]:
        """The signed-in user as ``user_info`` described it (empty before the first connection)."""
        return self._link.user.get("user", {}) if self._link else {}

    async def _call(self, event: str, data: Mapping[str, Any], *, idempotent: bool = True) -> Any:
        """One RPC with Roomful's envelope; returns the ack's ``data`` or raises the typed error.

        A 705 answer is retried with backoff (Roomful throttled before acting, so even a create is
        safe), a 401 once after a fresh sign-in, and a call whose socket dropped before the answer
        once on a new socket, unless it is not ``idempotent``: the server may have acted on it.
        A missing ack (timeout) is never retried.
        """
        envelope = {"data": dict(data), "event": {"id": uuid.uuid4().hex, "date": iso_instant(datetime.now(UTC))}}
        attempt = 0
        renewed = resent = False
        while True:
            attempt += 1
            link = await self._connection()
            ack = await self._send(link, event, envelope)
            if ack is None:
                if idempotent and not resent:
                    resent = True
                    continue
                raise Unavailable(provider=SLUG, raw=f"{event}: the connection dropped before Roomful answered")
            if not isinstance(ack, dict):
                raise Unavailable(provider=SLUG, raw=f"{event}: unreadable answer {str(ack)[:200]!r}")
            failure = _ack_error(ack)
            if failure is None:
                return ack.get("data") or {}
            error = error_for_code(*failure)
            if isinstance(error, RateLimited) and attempt <= self.policy.max_retries:
                await self.policy.sleep(backoff_delay(attempt, None, self.policy))
                continue
            if isinstance(error, TokenExpired) and not renewed:
                renewed = True
                await self._renew_session(link)
                continue
            raise error

    async def _send(self, link: _Link, event: str, envelope: Mapping[str, Any]) -> Any:
        """The ack, or None when the socket dropped first (socket.io then never delivers the ack)."""
        call = asyncio.ensure_future(link.client.call(event, envelope, timeout=self.policy.timeout))
        lost = asyncio.ensure_future(link.lost.wait())
        try:
            done, _ = await asyncio.wait({call, lost}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            call.cancel()
            raise
        finally:
            lost.cancel()
        if call not in done:
            call.cancel()
            return None
        try:
            return call.result()
        except socketio.exceptions.TimeoutError:
            raise Unavailable(provider=SLUG, raw=f"{event}: no answer within {self.policy.timeout:g}s") from None
        except socketio.exceptions.SocketIOError as error:
            raise Unavailable(provider=SLUG, raw=f"{event}: {type(error).__name__}: {error}") from None

    # -- connection ----------------------------------------------------------------------------------

    async def _connection(self) -> _Link:
        link = self._link
        if link is not None and not link.dropped and link.ready.is_set():
            return link
        if self._closed:
            raise Unavailable(provider=SLUG, raw="adapter closed")
        async with self._connect_lock:
            link = self._link
            if link is not None and not link.dropped and link.ready.is_set():
                return link
            return await self._open()

    async def _open(self, *, fresh_sign_in: bool = False) -> _Link:
        """Sign in when needed, connect, and wait for ``user_info``; one fresh sign-in if it never comes."""
        await self._drop_link()
        token, fresh = (await self._sign_in(), True) if fresh_sign_in else await self._session_token()
        link = await self._connect(token)
        if link is None and not fresh:
            token, fresh = await self._sign_in(), True
            link = await self._connect(token)
        if link is None:
            raise AuthFailed(
                "Roomful accepted the sign-in but not the session it opened.",
                provider=SLUG,
                raw=f"session not accepted: no user_info within {self.policy.timeout:g}s",
            )
        self._link = link
        return link


    async def _connect(self, token: str) -> _Link | None:
        """Open a socket with ``token``; None when Roomful never accepts the session."""
        client = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)
        link = _Link(client=client)
        self._bind(link)
        url = f"{self._socket_base}?{urlencode({'sessionId': token})}"
        try:
            await asyncio.wait_for(
                client.connect(url, transports=["websocket"], socketio_path=SOCKET_PATH),
                timeout=self.policy.timeout,
            )
        except (asyncio.TimeoutError, socketio.exceptions.ConnectionError, OSError) as error:
            # The URL carries the session id, so the raw message names only the host.
            link.lost.set()
            await self._disconnect(link)
            raise Unavailable(
                provider=SLUG, raw=f"socket connect to {self._socket_base} failed: {type(error).__name__}"
            ) from None
        try:
            await asyncio.wait_for(link.ready.wait(), timeout=self.policy.timeout)
        except asyncio.TimeoutError:
            link.lost.set()
            await self._disconnect(link)
            self._forget_session(token)
            return None
        return link

    def _bind(self, link: _Link) -> None:
        client = link.client

        async def on_user_info(payload: Any = None) -> None:
            if isinstance(payload, dict) and _ack_error(payload):
                return  # a user_info carrying an error accepts nothing; the wait runs out
            data = payload.get("data") if isinstance(payload, dict) else None
            link.user = data if isinstance(data, dict) else {}
            link.ready.set()

        async def on_invalid_connection(*_: Any) -> None:
            # Another socket opened with our session (or the network reset). Reusing the session
            # would kick that socket in turn, so this adapter signs in to a private session.
            logger.info("roomful: invalidConnection received; signing in to a new session")
            if link is self._link and self._session:
                self._forget_session(self._session)
                self._private = True
            await self._lose(link, close=True)

        async def on_disconnect() -> None:
            await self._lose(link, close=False)

        client.on("user_info", on_user_info)
        client.on("invalidConnection", on_invalid_connection)
        client.on("disconnect", on_disconnect)
        for event, kind in PUSH_EVENTS.items():
            client.on(event, self._push_handler(link, kind))

    def _push_handler(
        self, link: _Link, kind: Literal["created", "updated", "deleted"]
    ) -> Callable[..., Awaitable[None]]:
        async def handle(payload: Any = None) -> None:
            # A link still being opened delivers too: a push may beat the user_info wait's return.
            if link.dropped or not isinstance(payload, dict) or _ack_error(payload):
                return
            data = payload.get("data")
            if not isinstance(data, dict):
                return
            if kind == "deleted":
                meeting_id = str(data.get("meetingId") or "")
                event = MeetingEvent(kind=kind, meeting_id=meeting_id, meeting=None)
            else:
                raw = data.get("meeting")
                if not isinstance(raw, dict):
                    return
                meeting = parse_meeting(raw)
                event = MeetingEvent(kind=kind, meeting_id=meeting.meeting_id, meeting=meeting)
            if not event.meeting_id:
                return
            for callback in list(self._callbacks):
                try:
                    result = callback(event)
                    if inspect.isawaitable(result):
                        await result
                except Exception:  # one broken listener must not silence the others
                    logger.exception("roomful: meeting event callback failed")

        return handle

    async def _lose(self, link: _Link, *, close: bool) -> None:
        """The current socket is gone: forget it and reconnect in the background (bounded, with backoff)."""
        first = not link.dropped
        link.lost.set()
        if link is not self._link or not first:
            return
        self._link = None
        if close:
            await self._disconnect(link)
        if not self._closed and (self._reconnect_task is None or self._reconnect_task.done()):
            self._reconnect_task = asyncio.create_task(self._reconnect())

    async def _reconnect(self) -> None:
        for attempt in range(1, RECONNECT_ATTEMPTS + 1):
            await self.policy.sleep(backoff_delay(attempt, None, self.policy))
            if self._closed:
                return
            try:
                await self._connection()
                logger.info("roomful: reconnected after %d attempt(s)", attempt)
                return
            except AuthFailed:
                logger.warning("roomful: credentials no longer accepted; not reconnecting")
                return
            except ProviderError as error:
                logger.info("roomful: reconnect attempt %d failed: %s", attempt, error.raw)
        logger.warning("roomful: gave up reconnecting after %d attempts", RECONNECT_ATTEMPTS)

    async def _renew_session(self, link: _Link) -> None:
        """Roomful answered 401 on the socket: drop the session so the next connection signs in afresh."""
        async with self._connect_lock:
            if self._link is link:
                self._link = None
                link.lost.set()
                await self._disconnect(link)
            if self._session:
                self._forget_session(self._session)

    async def _drop_link(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.lost.set()
            await self._disconnect(link)

    @staticmethod
    async def _disconnect(link: _Link) -> None:
        try:
            await link.client.disconnect()
        except Exception:  # a socket that is already gone is disconnected enough
            logger.debug("roomful: disconnect failed", exc_info=True)
        # engineio closes its aiohttp session in a fire-and-forget task; let it run now.
        await asyncio.sleep(0)
