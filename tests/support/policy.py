"""Retry policies fast enough for tests: retries happen, but in milliseconds.

    adapter = WherebyProvider(credentials, endpoints=endpoints, policy=FAST)
    adapter = WherebyProvider(credentials, endpoints=endpoints, policy=SHORT_TIMEOUT)  # a test of timeouts

FAST waits as long as a loaded CI machine may need for a loopback fake to answer (a 0.5 s timeout
once failed a plain kMeet test there); only tests that make a fake answer too late use SHORT_TIMEOUT.
"""

from __future__ import annotations

import dataclasses

from providers.http import RetryPolicy

FAST = RetryPolicy(initial_delay=0.01, max_delay=0.05, timeout=5.0)
SHORT_TIMEOUT = dataclasses.replace(FAST, timeout=0.5)
