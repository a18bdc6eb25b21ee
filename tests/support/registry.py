"""The command registry the tests dispatch through: the groups bot/runtime.py lists, built once.

    reply = await REGISTRY.dispatch("/meeting", "list mine", ctx, services)
"""

from __future__ import annotations

from commands import airmeet, meeting
from commands.framework.router import build_registry

REGISTRY = build_registry([meeting.GROUP, airmeet.GROUP])
