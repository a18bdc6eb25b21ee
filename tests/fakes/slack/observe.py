"""Reading what happened at the fake Slack, and waiting for what happens in the background.

    call = await fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "C1")
    assert "Room ready" in fake.messages_in("C1")[-1]["text"]
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from tests.fakes.slack.records import Call, ResponsePost
from tests.fakes.slack.state import SlackState

T = TypeVar("T")


class Observed(SlackState):
    """Snapshots of calls, messages, views and response posts; waits for new ones."""

    @property
    def calls(self) -> list[Call]:
        """Every Web API call handled so far, oldest first (a snapshot)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The calls to one method: ``fake.calls_to("chat.postMessage")``."""
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def mark(self) -> int:
        """A position in ``calls``; pass it as ``since=`` to wait only for later calls."""
        with self._lock:
            return len(self._calls)

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """The messages now in a channel (updates applied, deletions gone), oldest first."""
        with self._lock:
            stored = self._messages.get(channel, {})
            return [json.loads(json.dumps(stored[ts])) for ts in sorted(stored)]

    def ephemerals_for(self, user: str) -> list[dict[str, Any]]:
        """The ephemeral messages shown to one user (``chat.postEphemeral``), oldest first."""
        with self._lock:
            return [dict(e) for e in self._ephemerals if e["user"] == user]

    @property
    def responses(self) -> list[ResponsePost]:
        """Every post to a response_url, oldest first (a snapshot)."""
        with self._lock:
            return list(self._responses)

    def responses_to(self, name: str) -> list[ResponsePost]:
        """The posts to the response_url made by ``fake.response_url(name)``."""
        with self._lock:
            return [r for r in self._responses if r.name == name]

    def view(self, view_id: str) -> dict[str, Any]:
        """The stored view object (modal or home tab) with this id."""
        with self._lock:
            return json.loads(json.dumps(self._views[view_id]))

    def home_tab(self, user_id: str, *, team_id: str | None = None) -> dict[str, Any] | None:
        """The home tab last published for a user, or None."""
        with self._lock:
            view_id = self._homes.get((self._only_team(team_id), user_id))
            return None if view_id is None else self.view(view_id)

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = 5.0,
        since: int = 0,
    ) -> Call:
        """Await the first call to ``method`` (at index >= ``since``) that ``predicate`` accepts.

        ``call = await fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "C1")``
        """
        return await self._poll(lambda: self._find_call(method, predicate, since),
                                lambda: self._not_seen(method, timeout), timeout)

    def wait_for_sync(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = 5.0,
        since: int = 0,
    ) -> Call:
        """Blocking ``wait_for`` for tests that are not async."""
        return self._block(lambda: self._find_call(method, predicate, since),
                           lambda: self._not_seen(method, timeout), timeout)

    async def wait_for_response(
        self,
        name: str,
        predicate: Callable[[ResponsePost], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> ResponsePost:
        """Await the first post to ``fake.response_url(name)`` that ``predicate`` accepts."""
        return await self._poll(lambda: self._find_response(name, predicate),
                                lambda: self._no_response(name, timeout), timeout)

    def wait_for_response_sync(
        self,
        name: str,
        predicate: Callable[[ResponsePost], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> ResponsePost:
        """Blocking ``wait_for_response``."""
        return self._block(lambda: self._find_response(name, predicate),
                           lambda: self._no_response(name, timeout), timeout)

    async def _poll(self, find: Callable[[], T | None], failure: Callable[[], str], timeout: float) -> T:
        """``find()`` until it finds something; AssertionError with ``failure()`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = find()
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(failure())
            await asyncio.sleep(0.01)

    def _block(self, find: Callable[[], T | None], failure: Callable[[], str], timeout: float) -> T:
        """``_poll`` for threads: woken by every change instead of polling."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = find()
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(failure())
                self._changed.wait(left)

    def _find_call(self, method: str, predicate: Callable[[Call], bool] | None, since: int) -> Call | None:
        with self._lock:
            candidates = [c for c in self._calls[since:] if c.method == method]
        for call in candidates:
            if predicate is None or predicate(call):
                return call
        return None

    def _not_seen(self, method: str, timeout: float) -> str:
        seen = [(c.method, c.error or "ok", c.args) for c in self.calls]
        return f"no matching {method} call within {timeout}s; calls seen: {seen}"

    def _find_response(self, name: str, predicate: Callable[[ResponsePost], bool] | None) -> ResponsePost | None:
        return next((post for post in self.responses_to(name) if predicate is None or predicate(post)), None)

    def _no_response(self, name: str, timeout: float) -> str:
        return f"no post to response_url {name!r} within {timeout}s; saw {self.responses}"
