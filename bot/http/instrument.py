"""Count and time every Slack request at the HTTP edge: ack latency, commands and actions by outcome.

    return await instrumented(handler.handle, request, labels=RequestLabels(runtime.registry))

Bolt's global middleware runs one after another, not around the listener, so the time to the ack
is measured here, around the whole handling. Labels come from the body bot.http.guard parsed once
the signature held (unsigned junk is never read for metrics), and are taken after Bolt has
answered. Every label is a name the registry knows (or ``other``), never text a user typed.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot import metrics
from bot.render.blocks import LINK_ACTION_PREFIX
from commands.framework.router import Group, Registry

OTHER = "other"


@dataclass(frozen=True)
class Label:
    """What one request was: ``Label(kind="command", name="/meeting new")``."""

    kind: str  # command, action, view, event, other
    name: str


class RequestLabels:
    """Bounded metric labels for parsed Slack bodies: ``RequestLabels(registry, groups).of(payload)``."""

    def __init__(self, registry: Registry, groups: list[Group]) -> None:
        self.registry = registry
        self.groups = groups

    @functools.cached_property
    def subcommands(self) -> dict[str, set[str]]:
        """Each command's subcommand names, read on first use (groups load their handlers lazily)."""
        return {group.name: set(group.table()) for group in self.groups}

    def of(self, payload: dict[str, Any] | None) -> Label:
        """The label of a body as bot.http.guard parsed it (None: no body to read)."""
        if payload is None:
            return Label(OTHER, OTHER)
        if "command" in payload:
            return Label("command", self.command(str(payload.get("command")), str(payload.get("text") or "")))
        kind = payload.get("type")
        if kind == "block_actions":
            return Label("action", self.action(payload))
        if kind == "view_submission":
            callback = str((payload.get("view") or {}).get("callback_id") or "")
            return Label("view", f"submit {callback}" if self.registry.form(callback) else OTHER)
        if kind == "event_callback":
            return Label("event", OTHER)
        return Label(OTHER, OTHER)

    def command(self, command: str, text: str) -> str:
        known = self.subcommands.get(command)
        if known is None:
            return OTHER
        word = text.strip().split(" ", 1)[0].lower()
        if not word:
            return command
        return f"{command} {word}" if word in known or word == "help" else f"{command} {OTHER}"

    def action(self, payload: dict[str, Any]) -> str:
        actions = payload.get("actions") or [{}]
        action_id = str(actions[0].get("action_id") or "") if isinstance(actions[0], dict) else ""
        if action_id.startswith(LINK_ACTION_PREFIX):
            return "link"
        if self.registry.action(action_id) is not None:
            return action_id
        view = payload.get("view") or {}
        if isinstance(view, dict) and self.registry.form(str(view.get("callback_id") or "")) is not None:
            return f"input {view.get('callback_id')}"
        return OTHER


def outcome(response: Response) -> str:
    """ok, invalid (a form answered with field errors), rejected (4xx) or error (5xx)."""
    if response.status_code >= 500:
        return "error"
    if response.status_code >= 400:
        return "rejected"
    if b'"response_action": "errors"' in bytes(response.body) or b'"response_action":"errors"' in bytes(response.body):
        return "invalid"
    return "ok"


async def instrumented(handle: Callable[[Request], Awaitable[Response]], request: Request, *,
                       labels: RequestLabels) -> Response:
    """``handle(request)``, with its duration and outcome recorded in bot.metrics."""
    started = time.perf_counter()
    try:
        response = await handle(request)
    except Exception:
        metrics.ack_seconds.labels(kind=OTHER).observe(time.perf_counter() - started)
        raise
    elapsed = time.perf_counter() - started
    if response.status_code == 401:  # not from Slack: not parsed, not counted beyond its latency
        metrics.ack_seconds.labels(kind=OTHER).observe(elapsed)
        return response
    parsed = request.scope.get("state", {}).get("slack_body")  # bot.http.guard parsed it before Bolt did
    label = labels.of(parsed if isinstance(parsed, dict) else None)
    metrics.ack_seconds.labels(kind=label.kind).observe(elapsed)
    if label.kind == "command":
        metrics.commands.labels(command=label.name, outcome=outcome(response)).inc()
    elif label.kind in ("action", "view"):
        metrics.actions.labels(action=label.name, outcome=outcome(response)).inc()
    return response
