"""``/airmeet speaker add <event>``: one speaker on an event (a form in Slack; ``key=value`` in the console).

    await registry.dispatch("/airmeet", "speaker add k7m2qx name=Ada email=ada@example.com", ctx, services)
    result = await add_speaker(event, SpeakerRow(name="Ada", email="ada@example.com"), ctx, services)  # per row

Only name and e-mail are required (seed §4.2). A picture Airmeet will not take (not .jpg, .jpeg or
.png) is left out and the reply says the speaker gets the default image. Speakers are remembered
per event: Airmeet cannot list them, and the session form offers only those.
"""

from __future__ import annotations

from dataclasses import dataclass

from commands.airmeet.forms import RowForm
from commands.airmeet.resolve import AirmeetEvent, event_adapter
from commands.airmeet.rows import SpeakerRow
from commands.framework.context import Context, Services
from commands.framework.replies import Reply, escape
from providers.airmeet import AirmeetProvider
from providers.errors import Rejected

ALREADY_THERE = "already exists"  # Airmeet's 400: "the speaker with the same name or email already exists"


@dataclass(frozen=True)
class SpeakerResult:
    """What adding one speaker did: ``added`` False when Airmeet already had them."""

    email: str
    added: bool
    warnings: tuple[str, ...] = ()


async def add_speaker(event: AirmeetEvent, row: SpeakerRow, ctx: Context, services: Services, *,
                      airmeet: AirmeetProvider | None = None) -> SpeakerResult:
    """Add one speaker to the event and remember them; one already there counts as present, not failed.

    ``airmeet``: an adapter already open (a bulk run's), else one is opened for this call."""
    async with event_adapter(event, services, team_id=ctx.team_id, airmeet=airmeet) as adapter:
        try:
            added = await adapter.add_speaker(
                event.uuid, name=row.name, email=row.email, organisation=row.organisation,
                designation=row.designation, bio=row.bio, image_url=row.image_url, city=row.city, country=row.country,
            )
        except Rejected as error:
            # Seed §4.2: "400 Bad Request - in case the speaker with the same name or email already exists".
            if error.status == 400 and ALREADY_THERE in (error.raw or "").lower():
                await services.storage.airmeet.add_speaker(ctx.team_id, event.uuid, email=row.email, name=row.name)
                return SpeakerResult(email=row.email, added=False)
            raise
    await services.storage.airmeet.add_speaker(ctx.team_id, event.uuid, email=row.email, name=row.name)
    return SpeakerResult(email=row.email, added=True, warnings=added.warnings)


async def speaker_reply(row: SpeakerRow, event: AirmeetEvent, ctx: Context, services: Services) -> Reply:
    result = await add_speaker(event, row, ctx, services)
    if not result.added:
        return Reply.ephemeral(f"{escape(row.email)} is already a speaker of {event.label}; nothing changed.")
    tail = "".join(f" {warning}" for warning in result.warnings)
    return Reply.ephemeral(f"Added {escape(row.name)} ({escape(row.email)}) as a speaker of {event.label}.{tail}")


FORM: RowForm[SpeakerRow] = RowForm(
    callback="airmeet_speaker_add", title="Add a speaker", submit_label="Add", row=SpeakerRow,
    perform=speaker_reply, command="/airmeet speaker add",
)

