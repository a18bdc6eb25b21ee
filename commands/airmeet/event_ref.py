"""The event a bulk import names, as the import job stores it: the Airmeet uuid and a label.

    event = await find_event("k7m2qx", ctx, services)     # EventRef(uuid="a23f…", label="Summit")

Which event and who may change it are ``resolve.resolve_event`` and ``resolve.require_manager``:
the same rules as every other ``/airmeet`` subcommand.
"""

from __future__ import annotations

from dataclasses import dataclass

from commands.airmeet.resolve import require_manager, resolve_event
from commands.framework.context import Context, Services


@dataclass(frozen=True)
class EventRef:
    uuid: str
    label: str


async def find_event(ref: str, ctx: Context, services: Services) -> EventRef:
    """The Airmeet event ``ref`` names, when the speaker may change it; one sentence otherwise."""
    event = await resolve_event(ref, ctx, services)
    await require_manager(event, ctx, services)
    return EventRef(uuid=event.uuid, label=event.title)
