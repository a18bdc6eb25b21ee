"""The Airmeet event a subcommand names, by meetbot id or Airmeet uuid, and who may act on it.

    event = await resolve_event("k7m2qx", ctx, services)      # or the Airmeet uuid
    await require_manager(event, ctx, services)                # organiser, co-host or admin
    async with event_adapter(event, services) as airmeet: ...
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.policy import is_admin, may_manage
from commands.framework.replies import escape
from commands.framework.tokenizer import echo
from commands.lifecycle.accounts import open_adapter
from db.records import MEETING_ID_ALPHABET, Meeting
from providers.airmeet import EVENT_LINK, AirmeetProvider

SLUG = "airmeet"
MEETING_ID = re.compile(f"[{MEETING_ID_ALPHABET}]{{6}}", re.IGNORECASE)
# Airmeet's uuids look like "a23f56d0-ba1d-11eb-86c0-exampleuuid": letters, digits and dashes.
AIRMEET_UUID = re.compile(r"[A-Za-z0-9]{4,}(?:-[A-Za-z0-9]+){2,}")


@dataclass(frozen=True)
class AirmeetEvent:
    """An Airmeet event: its uuid, the account that reaches it, and the meeting meetbot stored (if any)."""

    uuid: str
    account: str | None = None
    meeting: Meeting | None = None

    @property
    def title(self) -> str:
        return self.meeting.title if self.meeting else self.uuid

    @property
    def join_url(self) -> str:
        return self.meeting.join_url if self.meeting else EVENT_LINK.format(uuid=self.uuid)

    @property
    def label(self) -> str:
        """How replies name it: ``*Town hall* (`k7m2qx`)``."""
        if self.meeting:
            return f"*{escape(self.meeting.title)}* (`{self.meeting.id}`)"
        return f"the Airmeet event `{self.uuid}`"


def is_session(meeting: Meeting) -> bool:
    """Sessions made by ``/airmeet session add`` are meetings too; they carry their event's uuid."""
    return meeting.provider_data.get("kind") == "session"


def clean_ref(text: str) -> str:
    return text.strip().strip("`").strip()


async def resolve_event(ref: str, ctx: Context, services: Services) -> AirmeetEvent:
    """The event named by a meetbot id (``k7m2qx``) or an Airmeet uuid; ``UserError`` otherwise.

    A uuid meetbot never stored (an event made in the Airmeet dashboard) is used with the
    workspace's default Airmeet account.
    """
    ref = clean_ref(ref)
    if MEETING_ID.fullmatch(ref):
        meeting = await services.storage.meetings.get(ctx.team_id, ref)
        if meeting is None or meeting.provider != SLUG:
            raise UserError(f"There is no Airmeet event `{escape(ref.lower())}` in this workspace; "
                            "`/airmeet event list` shows the ids.")
        return event_of(meeting)
    if AIRMEET_UUID.fullmatch(ref):
        stored = [m for m in await services.storage.airmeet.by_room(ctx.team_id, ref) if not is_session(m)]
        meeting = stored[0] if stored else None
        return AirmeetEvent(uuid=ref, account=meeting.account_name if meeting else None, meeting=meeting)
    raise UserError(f"'{escape(echo(ref, limit=30))}' is neither a meetbot id (like `k7m2qx`) nor an Airmeet "
                    "event uuid; `/airmeet event list` shows your events.")


def event_of(meeting: Meeting) -> AirmeetEvent:
    """The event of a stored Airmeet meeting; for a session, the event it belongs to."""
    if meeting.status == "cancelled":
        raise UserError(f"*{escape(meeting.title)}* (`{meeting.id}`) was cancelled in meetbot.")
    if is_session(meeting):
        raise UserError(f"`{meeting.id}` is a session of an Airmeet event, not an event: name its event "
                        f"(`{escape(str(meeting.provider_data.get('event_id', '')))}`).")
    return AirmeetEvent(uuid=meeting.room_id, account=meeting.account_name, meeting=meeting)


async def require_manager(event: AirmeetEvent, ctx: Context, services: Services) -> None:
    """The event's organiser, a co-host or an admin; for an event meetbot did not make, admins only."""
    if event.meeting is not None and await may_manage(event.meeting, ctx, services):
        return
    if await is_admin(ctx, services):
        return
    if event.meeting is None:
        raise UserError(f"Only workspace admins can do that with {event.label}, which meetbot did not make, "
                        "so nothing was changed.")
    raise UserError(f"Only <@{event.meeting.organiser_id}>, who organises it, its co-hosts or a workspace admin can "
                    f"do that with {event.label}, so nothing was changed.")


@asynccontextmanager
async def event_adapter(event: AirmeetEvent, services: Services, *, team_id: str,
                        airmeet: AirmeetProvider | None = None) -> AsyncIterator[AirmeetProvider]:
    """The Airmeet adapter of the account the event belongs to; ``airmeet`` when given (a bulk run's one adapter)."""
    if airmeet is not None:
        yield airmeet
        return
    async with open_adapter(services, team_id=team_id, provider=SLUG, account=event.account) as adapter:
        yield cast(AirmeetProvider, adapter)


def details(meeting: Meeting | None, key: str, default: Any = None) -> Any:
    return meeting.provider_data.get(key, default) if meeting else default
