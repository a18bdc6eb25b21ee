"""Wait for something that happens in the background (work after an ack, pushes, ticks).

    await eventually(lambda: len(fake.posts) == 2)
    await eventually(lambda: token_gone(storage))       # a coroutine function's answer is awaited
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable


async def eventually(check: Callable[[], object | Awaitable[object]], *, timeout: float = 5.0,
                     interval: float = 0.01) -> None:
    """Return once ``check()`` (awaited if it is awaitable) is truthy; ``AssertionError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not await answer(check()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


async def answer(value: object | Awaitable[object]) -> object:
    return await value if inspect.isawaitable(value) else value
