"""``/airmeet landing <event>``: the event page's theme, layout, colours and slide image (a form in Slack).

    await registry.dispatch("/airmeet", "landing k7m2qx ambience=DARK highlight_color=#1a2b3c", ctx, services)

Every value is checked against the seed's rules (§4.7) before anything is sent.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from commands.airmeet.forms import Row, RowForm
from commands.airmeet.resolve import AirmeetEvent, event_adapter
from commands.framework.context import Context, Services
from commands.framework.replies import Reply
from providers.airmeet.client import is_image_url
from providers.airmeet.events import HEX_COLOUR

COLOUR = f"^{HEX_COLOUR.pattern}$"  # the adapter's rule: '#' and six hex digits


class LandingRow(Row):
    """What the landing page may change; at least one of them."""

    ambience: Literal["LIGHT", "DARK"] | None = Field(None, title="Ambience",
                                                      json_schema_extra={"labels": {"LIGHT": "Light", "DARK": "Dark"}})
    layout: Literal["CLASSIC", "MODERN"] | None = Field(None, title="Layout",
                                                        json_schema_extra={"labels": {"CLASSIC": "Classic", "MODERN": "Modern"}})
    highlight_color: str | None = Field(None, pattern=COLOUR, title="Highlight colour", description="e.g. #1a2b3c")
    button_text_color: str | None = Field(None, pattern=COLOUR, title="Button text colour", description="e.g. #ffffff")
    image_url: str | None = Field(None, max_length=2000, title="Slide image URL",
                                  description="A link ending in .jpg, .jpeg or .png.")

    @field_validator("ambience", "layout", mode="before")
    @classmethod
    def upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("image_url")
    @classmethod
    def picture(cls, value: str | None) -> str | None:
        if value is not None and not is_image_url(value):
            raise ValueError("Airmeet takes only a link ending in .jpg, .jpeg or .png")
        return value

    @model_validator(mode="after")
    def something(self) -> LandingRow:
        if not any(getattr(self, name) for name in type(self).model_fields):
            raise ValueError("say what to change on the landing page")
        return self


async def landing_reply(row: LandingRow, event: AirmeetEvent, ctx: Context, services: Services) -> Reply:
    async with event_adapter(event, services, team_id=ctx.team_id) as airmeet:
        await airmeet.customize_landing_page(
            event.uuid, ambience=row.ambience, layout=row.layout, highlight_color=row.highlight_color,
            button_text_color=row.button_text_color, image_url=row.image_url,
        )
    changed = ", ".join(name.replace("_", " ") for name, value in row if value)
    return Reply.ephemeral(f"Updated the landing page of {event.label}: {changed}.")


FORM: RowForm[LandingRow] = RowForm(
    callback="airmeet_landing", title="Landing page", submit_label="Save", row=LandingRow,
    perform=landing_reply, command="/airmeet landing",
)

