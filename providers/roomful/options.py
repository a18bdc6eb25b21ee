"""Where a Roomful meeting happens, and who is invited: ``RoomfulOptions.parse(options, provider="roomful")``.

This module imports no socket.io, so forms can read the rules without loading the adapter.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from providers.base import OptionRule, ProviderOptions

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class SourceType(StrEnum):
    """Where a meeting happens: ``source_ids`` are [roomId] / [roomId, propId] / [groupId] / [userId]."""

    ROOM = "room"
    PROP = "prop"
    GROUP = "group"
    DIRECT = "direct"



# The seed (meeting:createMeeting): "sourceIds": roomId / roomId+propId / groupId / userId.
IDS_NEEDED = {SourceType.ROOM: 1, SourceType.PROP: 2, SourceType.GROUP: 1, SourceType.DIRECT: 1}


class RoomfulOptions(ProviderOptions):
    """The place of a meeting (``source_type`` and its ``source_ids``), the invited users and a colour."""

    source_type: SourceType = Field(
        SourceType.ROOM, title="Where", description="A room, a prop in a room, a group or a direct chat.",
        json_schema_extra={"labels": {"room": "A room", "prop": "A prop in a room", "group": "A group",
                                      "direct": "A direct chat"}},
    )
    source_ids: tuple[str, ...] = Field(
        (), title="Roomful id",
        description="A room: its id. A prop: room id, prop id. A group: its id. A direct chat: the person's id.",
    )
    invited_user_ids: tuple[str, ...] = Field(
        (), title="Invited users", description="Roomful user ids; Roomful invites by id, not by e-mail.",
    )
    color: str | None = Field(
        None, title="Colour", pattern=f"^{HEX_COLOUR.pattern}$", description="#RRGGBB, e.g. #4299f5.",
    )

    @field_validator("source_ids", "invited_user_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        # The console and the form's text input give "room, prop" as one string.
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, list | tuple):
            return tuple(str(item).strip() for item in value if str(item).strip())
        return value

    @model_validator(mode="after")
    def _ids_fit_the_place(self) -> RoomfulOptions:
        needed = IDS_NEEDED[self.source_type]
        if len(self.source_ids) != needed:
            what = "a room id and a prop id" if self.source_type is SourceType.PROP else (
                f"one {self.source_type.value} id")
            raise OptionRule("source_ids", f"Roomful meetings happen in a room, prop, group or direct chat: "
                             f"give {what} (option `source_ids`).")
        return self
