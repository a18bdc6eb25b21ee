"""Wait for something that happens in the background (lazy listeners, pushes, ticks).

    await eventually(lambda: len(fake.posts) == 2)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def eventually(check: Callable[[], object], *, timeout: float = 5.0, interval: float = 0.01) -> None:
    """Return once ``check()`` is truthy; ``AssertionError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
