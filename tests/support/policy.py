"""A retry policy fast enough for tests: retries happen, but in milliseconds.

    adapter = WherebyProvider(credentials, endpoints=endpoints, policy=FAST)
"""

from __future__ import annotations

from providers.http import RetryPolicy

FAST = RetryPolicy(initial_delay=0.01, max_delay=0.05, timeout=0.5)
