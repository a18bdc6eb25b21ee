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



SETTINGS = (  # seed 002, POST /conferences "(array) settings"
    "show_on_personal_page",
    "thank_you_emails_enabled",
    "connection_tester_enabled",
    "phonegateway_enabled",
    "recorder_autostart_enabled",
    "room_invite_button_enabled",
    "social_media_sharing_enabled",
    "connection_status_enabled",
    "thank_you_page_url",
)


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
    # Typed as seed 002 types the create fields: "(bool) lobby_enabled", "(int) skin_id", "(array)
    # registration" of "(boolean) enabled" and "(int) template [...] 1-3", "(array) settings" of booleans
    # and one string. The form sends booleans as 1/0 and arrays as registration[enabled]=1.
    lobby_enabled: Flag | None = Field(None, title="Lobby", description="Show the lobby before the meeting starts.")
    lobby_description: str | None = Field(None, title="Lobby message", description="Shown in the lobby.")
    custom_room_url_name: str | None = Field(
        None, title="Room address", description="The room's name in its link; empty: made from the title.",
    )
    skin_id: int | None = Field(None, title="Skin", description="A room skin id (see the skins list).")
    registration: Flag | None = Field(None, title="Registration", description="People register before joining.")
    registration_template: int | None = Field(
        None, title="Registration template", description="The registration form: 1, 2 or 3.",
    )
    show_on_personal_page: Flag | None = Field(None, title="On personal page", description="List the room there.")
    thank_you_emails_enabled: Flag | None = Field(None, title="Thank-you e-mails", description="Send them after.")
    connection_tester_enabled: Flag | None = Field(None, title="Connection tester", description="Offer it.")
    phonegateway_enabled: Flag | None = Field(None, title="Phone gateway", description="People may dial in.")
    recorder_autostart_enabled: Flag | None = Field(None, title="Record at start", description="Start recording.")
    room_invite_button_enabled: Flag | None = Field(None, title="Invite button", description="Show it in the room.")
    social_media_sharing_enabled: Flag | None = Field(None, title="Social sharing", description="Allow it.")
    connection_status_enabled: Flag | None = Field(None, title="Connection status", description="Show it.")
    thank_you_page_url: str | None = Field(None, title="Thank-you page", description="Where people go after.")

    @model_validator(mode="before")
    @classmethod
    def _seed_arrays(cls, data: Any) -> Any:
        """``registration={"enabled", "template"}`` and ``settings={...}`` (the seed's arrays) as flat fields."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        registration = data.get("registration")
        if isinstance(registration, dict):
            data.pop("registration")
            for key, value in registration.items():
                data["registration" if key == "enabled" else f"registration_{key}"] = value
        if "settings" in data:
            settings = data.pop("settings")
            if not isinstance(settings, dict):
                raise OptionRule("settings", "ClickMeeting room settings are named one by one, "
                                 "e.g. `show_on_personal_page=no`.")
            data.update(settings)
        return data

    @field_validator("registration_template")
    @classmethod
    def _template_one_to_three(cls, value: int | None) -> int | None:
        if value is not None and value not in (1, 2, 3):
            raise ValueError("takes 1, 2 or 3")
        return value

    @field_validator("skin_id")
    @classmethod
    def _positive_skin(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError("takes a skin id from the skins list")
        return value

    def registration_array(self) -> dict[str, Any] | None:
        """The seed's ``registration`` array from the flat fields, or None when neither was given."""
        array: dict[str, Any] = {}
        if self.registration is not None:
            array["enabled"] = self.registration
        if self.registration_template is not None:
            array["template"] = self.registration_template
        return array or None

    def settings_array(self) -> dict[str, Any] | None:
        """The seed's ``settings`` array: the settings that were given, or None."""
        array = {key: getattr(self, key) for key in SETTINGS if getattr(self, key) is not None}
        return array or None

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
