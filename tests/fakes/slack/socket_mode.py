"""Socket Mode: ``apps.connections.open`` hands out a one-time WebSocket URL; envelopes go down, acks come up.

    envelope_id = fake.push_envelope("slash_commands", payload)
    ack = await fake.wait_for_ack(envelope_id)
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fakes.slack.records import TokenInfo
from tests.fakes.slack.state import SlackState


class SocketMode(SlackState):
    """The WebSocket side of the fake: hello, envelopes, acks."""

    def _apps_connections_open(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        """Hand out a one-time Socket Mode URL, served by ``_socket_mode`` below."""
        ticket = str(uuid.uuid4())
        self.socket_tickets.append(ticket)
        host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        return {"url": f"ws://{host}/link/?ticket={ticket}&app_id={self.app_id}"}

    async def _socket_mode(self, websocket: WebSocket) -> None:
        """Slack's Socket Mode: a ticket from apps.connections.open, ``hello``, then envelopes and acks."""
        ticket = websocket.query_params.get("ticket", "")
        with self._lock:
            valid = ticket in self.socket_tickets
            if valid:
                self.socket_tickets.remove(ticket)  # each URL works once
        if not valid:
            await websocket.close(code=4001)
            return
        await websocket.accept()
        await websocket.send_json({"type": "hello", "num_connections": 1,
                                   "connection_info": {"app_id": self.app_id},
                                   "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600}})
        with self._lock:
            self._sockets.append((websocket, asyncio.get_running_loop()))
        try:
            while True:
                message = await websocket.receive_json()
                with self._changed:
                    self.socket_acks.append(message)
                    self._changed.notify_all()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            with self._lock:
                self._sockets = [(ws, loop) for ws, loop in self._sockets if ws is not websocket]

    def push_envelope(self, kind: str, payload: dict[str, Any], *, timeout: float = 5.0) -> str:
        """Send an envelope (``slash_commands``, ``interactive``, ``events_api``) to the connected app.

        Returns its envelope id; the app's ack lands in ``socket_acks``.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                sockets = list(self._sockets)
            if sockets:
                break
            if time.monotonic() > deadline:
                raise AssertionError("no Socket Mode connection")
            time.sleep(0.02)
        websocket, loop = sockets[-1]
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": 0, "retry_reason": ""}
        asyncio.run_coroutine_threadsafe(websocket.send_json(envelope), loop).result(timeout)
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, *, timeout: float = 5.0) -> dict[str, Any]:
        """The app's ack of one envelope (Slack needs it within 3 seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for ack in self.socket_acks:
                    if ack.get("envelope_id") == envelope_id:
                        return ack
            await asyncio.sleep(0.02)
        raise AssertionError(f"no ack for envelope {envelope_id}")
