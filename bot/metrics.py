"""Every Prometheus metric meetbot exports, in one registry, served at ``GET /metrics``.

    from bot import metrics
    metrics.commands.labels(command="/meeting new", outcome="ok").inc()
    body, content_type = metrics.exposition()          # what /metrics answers

The metric objects live in this module's own ``REGISTRY`` (not prometheus-client's global one),
so nothing else a library registers ends up on our page. Each is documented where it is defined,
with the call its owner makes; the outbox (issue 9) and the imports (issue 10) call theirs from
their workers. Labels take bounded values only (names the registry knows, never user text or ids).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)

# Slack wants an answer within 3 s; the buckets straddle the ~100 ms a listener should take.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
PROVIDER_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

commands = Counter(
    "meetbot_commands", "Slash commands received, by command (`/meeting new`) and outcome (ok, error).",
    ["command", "outcome"], registry=REGISTRY)
"""``commands.labels(command="/meeting new", outcome="ok").inc()`` (bot.http.instrument does it per request)."""

actions = Counter(
    "meetbot_actions", "Buttons, modal inputs and form submissions, by action id and outcome (ok, error).",
    ["action", "outcome"], registry=REGISTRY)
"""``actions.labels(action="meeting_cancel", outcome="ok").inc()``."""

ack_seconds = Histogram(
    "meetbot_ack_seconds", "Time from a Slack request's arrival (signature checked) to its HTTP answer.",
    ["kind"], buckets=ACK_BUCKETS, registry=REGISTRY)
"""``ack_seconds.labels(kind="command").observe(0.012)``; kind is command, action, view, event or other."""

slack_refused = Counter(
    "meetbot_slack_refused", "Requests to the Slack routes refused before parsing, by HTTP status "
    "(401 unsigned or stale, 413 too large, 400 malformed).", ["status"], registry=REGISTRY)
"""``slack_refused.labels(status="401").inc()`` (bot.http.guard, for each refusal)."""

provider_calls = Counter(
    "meetbot_provider_calls", "HTTP calls to meeting providers, by provider, endpoint and status "
    "(the HTTP status, or the transport error's name).",
    ["provider", "endpoint", "status"], registry=REGISTRY)
"""``provider_calls.labels(provider="whereby", endpoint="POST /meetings", status="201").inc()``."""

provider_seconds = Histogram(
    "meetbot_provider_call_seconds", "Latency of HTTP calls to meeting providers.",
    ["provider", "endpoint"], buckets=PROVIDER_BUCKETS, registry=REGISTRY)
"""``provider_seconds.labels(provider="whereby", endpoint="POST /meetings").observe(0.3)``."""

reminders = Counter(
    "meetbot_reminders", "Reminders by outcome: due (claimed by a tick), sent, late (sent after their "
    "time by more than a tick), missed (never sent: too late to be useful), failed (a delivery attempt failed).",
    ["outcome"], registry=REGISTRY)
"""The reminder tick counts due and missed; the outbox worker sent, late and failed, per reminder message."""

outbox_depth = Gauge(
    "meetbot_outbox_depth", "Messages waiting in the outbox.", registry=REGISTRY)
"""The outbox worker, each pass: ``outbox_depth.set(pending_count)``."""

outbox_age_seconds = Gauge(
    "meetbot_outbox_oldest_age_seconds", "Age of the oldest message waiting in the outbox (0 when empty).",
    registry=REGISTRY)
"""The outbox worker, each pass: ``outbox_age_seconds.set(now - oldest.created_at)`` (0 when empty)."""

slack_rate_limited = Counter(
    "meetbot_slack_rate_limited", "Slack Web API answers of 429 (rate limited), by method.",
    ["method"], registry=REGISTRY)
"""``slack_rate_limited.labels(method="chat.postMessage").inc()`` (bot.slack.app's retry handler does it)."""

import_rows = Counter(
    "meetbot_import_rows", "Bulk-import rows by outcome (e.g. created, failed, skipped).",
    ["outcome"], registry=REGISTRY)
"""The import job, per row: ``import_rows.labels(outcome="created").inc()``."""

scheduler_last_tick = Gauge(
    "meetbot_scheduler_last_tick_timestamp_seconds", "Unix time of the scheduler's last finished tick.",
    registry=REGISTRY)
"""Set by bot.workers.heartbeat on every tick."""


def provider_call(provider: str, endpoint: str, status: str, seconds: float) -> None:
    """One provider HTTP call, as providers.http reports it through its observer hook."""
    provider_calls.labels(provider=provider, endpoint=endpoint, status=status).inc()
    provider_seconds.labels(provider=provider, endpoint=endpoint).observe(seconds)


@contextmanager
def timed_ack(kind: str) -> Iterator[None]:
    """``with timed_ack("command"): ...``: observe the block's duration in ``ack_seconds``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        ack_seconds.labels(kind=kind).observe(time.perf_counter() - started)


def exposition() -> tuple[bytes, str]:
    """The text format Prometheus scrapes, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
