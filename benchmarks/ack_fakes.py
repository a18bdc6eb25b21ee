"""The fakes ``make bench`` talks to, in the bench's own process or in a process of their own.

    with fakes_here(channels, users, delay=1.0) as fakes:     # shares the apps' interpreter (and GIL)
        fakes.api_url, fakes.whereby_url, fakes.rooms()
    with fakes_apart(channels, users, delay=1.0) as fakes:    # the same methods, over a pipe

Both serve the loopback fake Slack (the scenario workspace, plus one person and one channel per
command of a burst, and the baseline's token) and the strict fake Whereby slowed down to answer
every room create after ``delay`` seconds. In production Slack and the provider run elsewhere; in
the bench's own process their request handling takes CPU (and the GIL) from the app under test,
so ``make bench`` measures both ways and says which is which.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tests.fakes.server import serve
from tests.fakes.slack import FakeSlack
from tests.fakes.whereby import FakeWhereby
from tests.scenario.harness import TEAM, block_text, seed_workspace

WHEREBY_KEY = "bench-whereby-key"
BASELINE_TOKEN = "xoxb-base1"
ROOM_READY = "Room ready"  # the last reply each organiser gets


class SlowWhereby(FakeWhereby):
    """The strict Whereby fake, but every room create answers after ``delay`` seconds.

    ``SlowWhereby(delay=1.0, api_key="k")``; auth, validation and state are the fake's own.
    """

    def __init__(self, *, delay: float, **kwargs: Any) -> None:
        self.delay = delay
        super().__init__(**kwargs)

    async def create_meeting(self, request: Request) -> Response:
        await asyncio.sleep(self.delay)
        return await super().create_meeting(request)


class FakesHere:
    """Questions about what reached the fakes, answered from their state in this process.

    ``FakesHere(slack, whereby)``; ``bind`` it to their URLs once they are served.
    """

    def __init__(self, slack: FakeSlack, whereby: SlowWhereby) -> None:
        self.slack = slack
        self.whereby = whereby
        self.api_url = ""
        self.whereby_url = ""

    def bind(self, api_url: str, whereby_url: str) -> None:
        self.api_url, self.whereby_url = api_url, whereby_url

    def command_targets(self, names: list[str]) -> list[tuple[str, str]]:
        """A response_url recorded under each name and a fresh trigger id, for the commands of a burst."""
        return [(self.slack.response_url(name), self.slack.new_trigger_id()) for name in names]

    def reply_count(self) -> int:
        """How many posts to response_urls the fake Slack has had."""
        return len(self.slack.responses)

    def replies_since(self, seen: int) -> tuple[int, list[str]]:
        """How many response_url posts there are now, and the names of those after ``seen`` that say
        "Room ready"."""
        fresh = self.slack.responses[seen:]
        return seen + len(fresh), [post.name for post in fresh if ROOM_READY in (post.text or "")]

    def announcement_times(self, titles: list[str], channels: list[str]) -> list[float]:
        """When each meeting in ``titles`` was announced in one of ``channels`` (the fake Slack's clock)."""
        wanted = set(titles)
        seen = []
        for call in self.slack.calls_to("chat.postMessage"):
            if not call.ok or call.args.get("channel") not in channels:
                continue
            blocks = call.args.get("blocks") or []
            heading = block_text({"blocks": json.loads(blocks) if isinstance(blocks, str) else blocks})
            # The announcement's first block is "*<title>*\nOrganised by <@U…>".
            if heading.startswith("*") and heading[1:].split("*", 1)[0] in wanted:
                seen.append(call.at)
        return seen

    def rooms(self) -> int:
        """Rooms the fake Whereby has created so far."""
        return len(self.whereby.meetings)

    def authorized(self, token: str) -> bool:
        """Whether ``token`` passed an ``auth.test`` at the fake Slack."""
        return any(call.ok and call.token == token for call in self.slack.calls_to("auth.test"))

    def cpu_seconds(self) -> float:
        """CPU seconds of the process the fakes run in (all its threads)."""
        times = os.times()
        return times.user + times.system


def new_fakes(channels: list[str], users: list[str], delay: float) -> FakesHere:
    slack = FakeSlack(tokens={})
    seed_workspace(slack)
    for channel, user in zip(channels, users, strict=True):
        slack.add_user(user, team_id=TEAM, name=user.lower(), real_name=f"Bench {user}",
                       email=f"{user.lower()}@example.com", tz="Europe/Zurich")
        slack.add_channel(channel, team_id=TEAM, name=channel.lower(), members=[user])
    slack.add_token(BASELINE_TOKEN, TEAM)
    return FakesHere(slack, SlowWhereby(delay=delay, api_key=WHEREBY_KEY))


@contextlib.contextmanager
def fakes_here(channels: list[str], users: list[str], *, delay: float) -> Iterator[FakesHere]:
    """The fakes served by threads of this process."""
    fakes = new_fakes(channels, users, delay)
    with fakes.slack.running() as api_url, serve(fakes.whereby.app) as whereby_url:
        fakes.bind(api_url, f"{whereby_url}/v1")
        yield fakes


def fakes_worker(conn: Connection, channels: list[str], users: list[str], delay: float) -> None:
    """The fakes' own process: serve them, send their URLs, then answer ``(method, args)`` questions
    until ``None`` arrives."""
    with fakes_here(channels, users, delay=delay) as fakes:
        conn.send((fakes.api_url, fakes.whereby_url))
        while (question := conn.recv()) is not None:
            method, args = question
            conn.send(getattr(fakes, method)(*args))


class FakesApart:
    """``FakesHere``'s questions asked of the fakes' process: ``fakes.rooms()`` and the rest."""

    def __init__(self, conn: Connection, api_url: str, whereby_url: str) -> None:
        self._conn = conn
        self._lock = threading.Lock()  # one question on the pipe at a time
        self.api_url = api_url
        self.whereby_url = whereby_url

    def _ask(self, method: str, *args: Any) -> Any:
        with self._lock:
            self._conn.send((method, args))
            return self._conn.recv()

    def command_targets(self, names: list[str]) -> list[tuple[str, str]]:
        return self._ask("command_targets", names)

    def reply_count(self) -> int:
        return self._ask("reply_count")

    def replies_since(self, seen: int) -> tuple[int, list[str]]:
        return self._ask("replies_since", seen)

    def announcement_times(self, titles: list[str], channels: list[str]) -> list[float]:
        return self._ask("announcement_times", titles, channels)

    def rooms(self) -> int:
        return self._ask("rooms")

    def authorized(self, token: str) -> bool:
        return self._ask("authorized", token)

    def cpu_seconds(self) -> float:
        return self._ask("cpu_seconds")


@contextlib.contextmanager
def fakes_apart(channels: list[str], users: list[str], *, delay: float) -> Iterator[FakesApart]:
    """The fakes served by a process of their own (spawned: no fork of a process running threads)."""
    context = multiprocessing.get_context("spawn")
    conn, child = context.Pipe()
    process = context.Process(target=fakes_worker, args=(child, channels, users, delay), name="ack-latency-fakes",
                              daemon=True)
    process.start()
    child.close()
    try:
        api_url, whereby_url = conn.recv()
        yield FakesApart(conn, api_url, whereby_url)
    finally:
        with contextlib.suppress(OSError):
            conn.send(None)
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
