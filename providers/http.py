"""The one HTTP policy every REST provider uses: client factory, retries, status mapping.

    client = make_client(base_url="https://api.whereby.dev/v1", headers={...})
    response = await send(client, "POST", "/meetings", provider="whereby", idempotent=False, json=body)

Retry rules (three constants and two small functions, as openai-python does it):
- 408, 409, 429 and 5xx answers and timeouts are retried with jittered exponential backoff,
  honouring ``Retry-After`` (or a provider-specific hint such as Whereby's ``msLeft``).
- A non-idempotent call (a create) is retried only when the provider surely did not act on it:
  the connection never opened, or the provider answered 429 (it throttled before doing anything).
  After a 5xx, a read timeout or a dropped connection the room may exist, so we stop and say so.
- A ``Retry-After`` longer than ``MAX_RETRY_AFTER`` is not slept inside a Slack interaction: the
  caller gets ``RateLimited(retry_after=...)`` and tells the user when to try again.

Every attempt is reported to the call observer, if the shell set one (``set_call_observer``): the
provider, ``"POST /meetings/{id}"`` (ids folded so the label stays bounded), the status or the
transport error's name, and the seconds it took. This package knows nothing of what listens.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import certifi
import httpx
from httpx._utils import get_environment_proxies

from providers.errors import (
    AuthFailed,
    NotFound,
    ProviderError,
    RateLimited,
    Rejected,
    Unavailable,
)
from providers.transport import ProviderTransport

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_RETRIES = 2
MAX_RETRY_AFTER = 10.0

USER_AGENT = "meetbot/0.1 (+https://github.com/meetbot/meetbot)"

RetryAfterHint = Callable[[httpx.Response], float | None]
Sleep = Callable[[float], Awaitable[None]]
CallObserver = Callable[[str, str, str, float], None]  # (provider, endpoint, status, seconds)

_observer: list[CallObserver] = []  # at most one; a list so that setting it needs no ``global``


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``RetryPolicy(max_retries=0)`` turns retries off (tests use tiny delays)."""

    max_retries: int = MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = MAX_RETRY_AFTER
    timeout: float = 10.0
    sleep: Sleep = asyncio.sleep


DEFAULT_POLICY = RetryPolicy()
DEFAULT_POLICY_TIMEOUT = DEFAULT_POLICY.timeout


def make_client(
    *,
    base_url: str,
    headers: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DEFAULT_POLICY_TIMEOUT,
) -> httpx.AsyncClient:
    """One configured AsyncClient: ``make_client(base_url=url, transport=fake_transport, timeout=policy.timeout)``.

    Without ``transport`` it goes through the proxies the environment names (``environment_proxies``),
    on httpx's own transport, and straight to the provider on aiohttp's (``ProviderTransport``)."""
    mounts = None
    if transport is None:
        mounts = {pattern: None if url is None else httpx.AsyncHTTPTransport(proxy=url, verify=tls_context())
                  for pattern, url in environment_proxies().items()}
        transport = ProviderTransport(tls=tls_context())
    return httpx.AsyncClient(
        base_url=base_url,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        transport=transport,
        mounts=mounts,
        verify=tls_context(),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        follow_redirects=False,
        trust_env=False,  # the environment's proxies come from environment_proxies(); the CA bundle is certifi's
    )


@functools.cache
def environment_proxies() -> dict[str, str | None]:
    """``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` as httpx reads them (URL
    pattern -> proxy URL, None: go direct), read once per process: httpx reads them for every client
    by scanning the whole environment (~0.3 ms here, more in a container with hundreds of
    variables), and an adapter, with its client, is built for every command."""
    # httpx's own reading (a private helper of the pinned httpx), so patterns and NO_PROXY mean the same.
    return dict(get_environment_proxies())


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One certificate context for every client: loading the CA bundle costs ~25 ms of CPU each time,
    and adapters are built per command, on the same event loop that sends Slack's acks."""
    return ssl.create_default_context(cafile=certifi.where())


def set_call_observer(observer: CallObserver | None) -> None:
    """The composition root's hook for metrics: ``set_call_observer(metrics.provider_call)``; None removes it."""
    _observer[:] = [observer] if observer is not None else []


_ID_SEGMENT = re.compile(r"^(?!v\d+$)(?=.*\d).+$|^.{33,}$")  # has a digit (but not "v1"), or very long


def endpoint_label(method: str, url: str) -> str:
    """``endpoint_label("GET", "meetings/123")`` -> ``"GET /meetings/{id}"``: one label per endpoint, not per id."""
    path = "/" + httpx.URL(url).path.lstrip("/")
    segments = ["{id}" if _ID_SEGMENT.match(segment) else segment for segment in path.split("/")]
    return f"{method.upper()} {'/'.join(segments)}"


def _report(provider: str, method: str, url: str, status: str, started: float) -> None:
    for observer in _observer:
        observer(provider, endpoint_label(method, url), status, time.perf_counter() - started)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Read ``Retry-After`` as seconds (number or HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_delay(attempt: int, retry_after: float | None, policy: RetryPolicy) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): the provider's word, else jittered backoff."""
    if retry_after is not None:
        return retry_after
    base = min(policy.max_delay, policy.initial_delay * 2 ** (attempt - 1))
    return base * random.uniform(0.75, 1.0)


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    provider: str,
    idempotent: bool,
    policy: RetryPolicy = DEFAULT_POLICY,
    retry_after_hint: RetryAfterHint | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send with the retry rules above; returns the final response, whatever its status.

    Raises ``Unavailable`` for transport failures and ``RateLimited`` when retries run out on 429
    or the provider asks for a pause longer than ``policy.max_retry_after``.
    """
    attempt = 0
    while True:
        attempt += 1
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.TransportError as error:
            _report(provider, method, url, type(error).__name__, started)
            if not _may_retry_transport(error, idempotent=idempotent, attempt=attempt, policy=policy):
                raise Unavailable(provider=provider, raw=f"{type(error).__name__}: {error}") from error
            await policy.sleep(backoff_delay(attempt, None, policy))
            continue
        _report(provider, method, url, str(response.status_code), started)

        if response.status_code not in RETRYABLE_STATUSES:
            return response
        retry_after = (retry_after_hint(response) if retry_after_hint else None) or retry_after_seconds(response)
        throttled = response.status_code == 429
        if throttled and retry_after is not None and retry_after > policy.max_retry_after:
            raise RateLimited(provider=provider, status=429, retry_after=retry_after, raw=response.text[:500])
        may_retry = idempotent or throttled
        if not may_retry or attempt > policy.max_retries:
            return response
        await policy.sleep(backoff_delay(attempt, retry_after, policy))


def _may_retry_transport(error: httpx.TransportError, *, idempotent: bool, attempt: int, policy: RetryPolicy) -> bool:
    if attempt > policy.max_retries:
        return False
    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return True  # the request never reached the provider: safe to retry even a create
    return idempotent  # read timeouts and dropped connections: the provider may have acted


def read_json(response: httpx.Response, *, provider: str) -> Any:
    """The body as JSON, or ``Unavailable`` when the provider sent something unreadable."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Unavailable(
            provider=provider, status=response.status_code, raw=f"unreadable body: {response.text[:200]!r}"
        ) from error


def error_for_status(
    response: httpx.Response,
    *,
    provider: str,
    message: str | None = None,
    field: str | None = None,
    retry_after_hint: RetryAfterHint | None = None,
) -> ProviderError:
    """The generic mapping of an error status to the tree; adapters refine it with their own codes."""
    status = response.status_code
    raw = message if message is not None else response.text[:500]
    if status in (401, 403):
        return AuthFailed(provider=provider, status=status, raw=raw)
    if status == 404:
        return NotFound(provider=provider, status=status, raw=raw)
    if status == 429:
        hint = (retry_after_hint(response) if retry_after_hint else None) or retry_after_seconds(response)
        return RateLimited(provider=provider, status=status, retry_after=hint, raw=raw)
    if status in (400, 409, 422):
        return Rejected(provider=provider, status=status, field=field, reason=message, raw=raw)
    return Unavailable(provider=provider, status=status, raw=raw)
