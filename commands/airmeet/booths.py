"""``/airmeet booth add <event>`` and ``/airmeet register <event>``: one booth, one registration (forms in Slack).

    await registry.dispatch("/airmeet", "booth add k7m2qx name=Sponsors tags=cloud,ai", ctx, services)
    await registry.dispatch("/airmeet", "register k7m2qx email=ada@example.com first_name=Ada last_name=L",
                            ctx, services)
    uuid = await add_booth(event, BoothRow(name="Sponsors"), ctx, services)                 # per row
    added = await add_registration(event, RegistrationRow(...), ctx, services)              # per row
"""

from __future__ import annotations

from commands.airmeet.forms import RowForm
from commands.airmeet.resolve import AirmeetEvent, event_adapter
from commands.airmeet.rows import BoothRow, RegistrationRow
from commands.framework.context import Context, Services
from commands.framework.replies import Reply, escape
from providers.airmeet import AirmeetProvider
from providers.errors import Rejected


async def add_booth(event: AirmeetEvent, row: BoothRow, ctx: Context, services: Services, *,
                    airmeet: AirmeetProvider | None = None) -> str:
    """Create one booth; returns its Airmeet uuid. ``airmeet``: an adapter already open (a bulk run's)."""
    async with event_adapter(event, services, team_id=ctx.team_id, airmeet=airmeet) as adapter:
        return await adapter.create_booth(event.uuid, name=row.name, exhibitors=row.exhibitors, tags=row.tags)


async def booth_reply(row: BoothRow, event: AirmeetEvent, ctx: Context, services: Services) -> Reply:
    uuid = await add_booth(event, row, ctx, services)
    return Reply.ephemeral(f"Added the booth *{escape(row.name)}* (`{uuid}`) to {event.label}. Its logo is added in "
                           "the Airmeet dashboard.")


BOOTH_FORM: RowForm[BoothRow] = RowForm(
    callback="airmeet_booth_add", title="Add a booth", submit_label="Add", row=BoothRow,
    perform=booth_reply, command="/airmeet booth add",
)



# --- registrations -----------------------------------------------------------------------------


async def add_registration(event: AirmeetEvent, row: RegistrationRow, ctx: Context, services: Services, *,
                           airmeet: AirmeetProvider | None = None) -> bool:
    """Register one person; False when Airmeet already has them (counted as present, not failed).

    ``airmeet``: an adapter already open (a bulk run's), else one is opened for this call."""
    async with event_adapter(event, services, team_id=ctx.team_id, airmeet=airmeet) as adapter:
        try:
            await adapter.add_attendee(event.uuid, email=row.email, first_name=row.first_name,
                                       last_name=row.last_name)
        except Rejected as error:
            # Assumption (NOTES.md does not say): a second registration is a 400 saying "already".
            if error.status == 400 and "already" in (error.raw or "").lower():
                return False
            raise
    return True


async def registration_reply(row: RegistrationRow, event: AirmeetEvent, ctx: Context, services: Services) -> Reply:
    if not await add_registration(event, row, ctx, services):
        return Reply.ephemeral(f"{escape(row.email)} is already registered for {event.label}; nothing changed.")
    return Reply.ephemeral(f"Registered {escape(row.first_name)} {escape(row.last_name)} ({escape(row.email)}) for "
                           f"{event.label}; Airmeet e-mails them the invitation.")


REGISTER_FORM: RowForm[RegistrationRow] = RowForm(
    callback="airmeet_register", title="Register someone", submit_label="Register", row=RegistrationRow,
    perform=registration_reply, command="/airmeet register",
)

