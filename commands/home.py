"""The App Home tab (being written)."""

from __future__ import annotations

from commands.context import Context, Services
from commands.replies import Home, Message


async def build_home(ctx: Context, services: Services) -> Home:
    return Home(sections=(Message("*meetbot*"),))
