"""``/airmeet booth add <event>`` and ``/airmeet register <event>``: one booth, one registration (forms in Slack).

    await registry.dispatch("/airmeet", "booth add k7m2qx name=Sponsors tags=cloud,ai", ctx, services)
    await registry.dispatch("/airmeet", "register k7m2qx email=ada@example.com first_name=Ada last_name=L",
                            ctx, services)
    uuid = await add_booth(event, BoothRow(name="Sponsors"), ctx, services)                 # per row
    added = await add_registration(event, RegistrationRow(...), ctx, services)              # per row
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from commands.airmeet.forms import EMAIL_PATTERN, Row, RowForm, comma_list
from commands.airmeet.resolve import AirmeetEvent, event_adapter
from commands.framework.context import Context, Services
from commands.framework.replies import Reply, escape
from providers.errors import Rejected


class BoothRow(Row):
    """One booth: only the name is mandatory (seed §4.5); logos are added in the dashboard."""

    name: str = Field(min_length=1, max_length=150, title="Booth name")
    exhibitors: list[str] = Field(default_factory=list, max_length=50, title="Exhibitors",
                                  description="Exhibitors' e-mails, comma-separated")
    tags: list[str] = Field(default_factory=list, max_length=20, title="Tags", description="Comma-separated")

    _split = field_validator("exhibitors", "tags", mode="before")(comma_list)

    @field_validator("exhibitors")
    @classmethod
    def emails(cls, value: list[str]) -> list[str]:
        for email in value:
            if not re.fullmatch(EMAIL_PATTERN, email):
                raise ValueError("each exhibitor is an e-mail address, comma-separated")
        return value


async def add_booth(event: AirmeetEvent, row: BoothRow, ctx: Context, services: Services) -> str:
    """Create one booth; returns its Airmeet uuid."""
    async with event_adapter(event, services, team_id=ctx.team_id) as airmeet:
        return await airmeet.create_booth(event.uuid, name=row.name, exhibitors=row.exhibitors, tags=row.tags)


async def booth_reply(row: BoothRow, event: AirmeetEvent, ctx: Context, services: Services) -> Reply:
    uuid = await add_booth(event, row, ctx, services)
    return Reply.ephemeral(f"Added the booth *{escape(row.name)}* (`{uuid}`) to {event.label}. Its logo is added in "
                           "the Airmeet dashboard.")


BOOTH_FORM: RowForm[BoothRow] = RowForm(
    callback="airmeet_booth_add", title="Add a booth", submit_label="Add", row=BoothRow,
    perform=booth_reply, command="/airmeet booth add",
)



# --- registrations -----------------------------------------------------------------------------


class RegistrationRow(Row):
    """One registration: e-mail, first and last name are mandatory (seed §5)."""

    email: str = Field(pattern=EMAIL_PATTERN, max_length=254, title="E-mail")
    first_name: str = Field(min_length=1, max_length=100, title="First name")
    last_name: str = Field(min_length=1, max_length=100, title="Last name")


async def add_registration(event: AirmeetEvent, row: RegistrationRow, ctx: Context, services: Services) -> bool:
    """Register one person; False when Airmeet already has them (counted as present, not failed)."""
    async with event_adapter(event, services, team_id=ctx.team_id) as airmeet:
        try:
            await airmeet.add_attendee(event.uuid, email=row.email, first_name=row.first_name,
                                       last_name=row.last_name)
        except Rejected as error:
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

