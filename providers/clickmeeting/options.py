"""What a ClickMeeting room may be: ``ClickMeetingOptions.parse({"access_type": "2", "password": "x"}, provider=SLUG)``.

The fields are the seed's ``POST /conferences`` parameters (document 002) that a caller may set.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator

from providers.base import Flag, OptionRule, ProviderOptions


class RoomType(StrEnum):
    """``room_type``: ``RoomType("webinar")``."""

    MEETING = "meeting"
    WEBINAR = "webinar"


class AccessType(IntEnum):
    """Who may enter: 1 anyone with the link, 2 with the password, 3 with a single-use token."""

    OPEN = 1
    PASSWORD = 2
    TOKEN = 3



class ClickMeetingOptions(ProviderOptions):
    """Room type, who may enter, and the optional create fields the seed lists."""

    room_type: RoomType = Field(
        RoomType.MEETING, title="Type", description="A meeting or a webinar.",
        json_schema_extra={"labels": {"meeting": "Meeting", "webinar": "Webinar"}},
    )
    access_type: AccessType = Field(
        AccessType.OPEN, title="Access", description="Who may enter the room.",
        json_schema_extra={"labels": {"1": "Anyone with the link", "2": "With a password",
                                      "3": "With a single-use token per person"}},
    )
    password: SecretStr | None = Field(
        None, title="Password", description="Needed when access is “With a password”.",
    )
    permanent_room: Flag = Field(
        False, title="Permanent room", description="A room with no start or end, open whenever it is used.",
    )
    # The seed: "(bool) lobby_enabled"; sent as 1/0.
    lobby_enabled: Flag | None = Field(None, title="Lobby", description="Show the lobby before the meeting starts.")
    lobby_description: str | None = Field(None, title="Lobby message", description="Shown in the lobby.")
    custom_room_url_name: str | None = Field(
        None, title="Room address", description="The room's name in its link; empty: made from the title.",
    )
    skin_id: int | None = Field(None, title="Skin", description="A room skin id (see the skins list).")
    registration: dict[str, Any] | None = Field(
        None, title="Registration", description="Registration settings: enabled, template 1-3.",
    )
    settings: dict[str, Any] | None = Field(None, title="Settings", description="Room settings, as the seed names them.")

    @field_validator("access_type", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # The form's select and the console send "2".
        return int(value) if isinstance(value, str) and value.strip().isdigit() else value

    @model_validator(mode="after")
    def _password_goes_with_password_access(self) -> ClickMeetingOptions:
        # The seed: password "is required if the access type is described as password protected (acces_type=2)".
        has_password = self.password is not None and bool(self.password.get_secret_value())
        if self.access_type is AccessType.PASSWORD and not has_password:
            raise OptionRule("password", "A password-protected ClickMeeting room needs a password.")
        if self.access_type is not AccessType.PASSWORD and has_password:
            raise OptionRule("password", "A ClickMeeting password only applies to a password-protected room "
                             "(`access_type=2`): choose that, or leave the password out.")
        return self
