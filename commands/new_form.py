"""The ``/meeting new`` modal (being written)."""

from __future__ import annotations

from commands.context import Context, Services
from commands.replies import Modal


async def new_meeting_modal(ctx: Context, services: Services) -> Modal:
    raise NotImplementedError
