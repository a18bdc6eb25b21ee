"""Is the scheduler ticking? Each finished tick beats; /readyz asks whether the last beat is recent.

    heartbeat = Heartbeat(every=5.0)
    heartbeat.attach(scheduler)      # beats after every job run of this APScheduler scheduler
    heartbeat.problem()              # None, or "The scheduler has not ticked for 17 s (it ticks every 5 s)."

A tick that hangs never finishes, so it never beats: readiness fails after ``LIVE_TICKS`` ticks.
Wall-clock time (``time.time``) so that tests move it with time-machine.
"""

from __future__ import annotations

import time

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.base import BaseScheduler

from bot import metrics

LIVE_TICKS = 3  # the last tick is younger than this many tick intervals


class Heartbeat:
    """The last tick's time; ``problem()`` says when it is older than ``LIVE_TICKS`` intervals."""

    def __init__(self, *, every: float) -> None:
        self.every = every
        self.started: float | None = None  # when a scheduler was attached (None: no scheduler runs)
        self.last: float | None = None

    def attach(self, scheduler: BaseScheduler) -> None:
        """Beat after each job of ``scheduler`` finishes (a job that raised has finished too)."""
        self.started = time.time()
        scheduler.add_listener(self._on_job, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _on_job(self, _event: JobExecutionEvent) -> None:
        self.beat()

    def beat(self) -> None:
        """Record a finished tick now."""
        self.last = time.time()
        metrics.scheduler_last_tick.set(self.last)

    def problem(self) -> str | None:
        """None while ticking; otherwise one sentence for /readyz."""
        if self.started is None:
            return "The scheduler is not running in this process."
        since = self.last if self.last is not None else self.started
        age = time.time() - since
        if age < LIVE_TICKS * self.every:
            return None
        what = "has not ticked for" if self.last is not None else "has not ticked once in"
        return f"The scheduler {what} {age:.0f} s (it ticks every {self.every:g} s)."
