"""The ``/meeting new`` form's provider sections: each provider's inputs, cheap local checks, and
the adapter options they fill — kept together so they can move onto the providers' option models.

    section = SECTIONS["whereby"]
    inputs = section.inputs(values, setup, organiser)    # Slack inputs (also the console's keys)
    errors = section.check(values, setup)                # {input name: sentence}
    options = section.options(values)                    # what RoomRequest.options gets

The inputs are named after the adapter options they fill (``viewer_mode``, ``lobby``,
``access_type`` …), so the same names work as ``key=value`` in the one-line form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from commands.framework.context import Context, Person, Services
from commands.framework.forms import Values
from commands.framework.replies import Choice, Input
from commands.framework.tokenizer import channel_id, user_id
from commands.lifecycle.accounts import connected_providers
from providers import registry
from providers.airmeet import ACCESS_TYPES as AIRMEET_ACCESS_TYPES
from providers.base import FALSE_WORDS, TRUE_WORDS
from providers.clickmeeting import AccessType as ClickMeetingAccess
from providers.clickmeeting import RoomType as ClickMeetingRoomType
from providers.whereby import ROOM_NAME_PREFIX, RoomMode

TITLE = "title"
# The Airmeet host is no adapter option: create_meeting hands it over as RoomRequest.host_email.
HOST_EMAIL = "host_email"
YES = "yes"  # a checked flag's value: the adapters read it like `lobby=yes` typed in the console
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# Roomful's SourceType and how many ids each needs; copied rather than imported, because
# providers.roomful pulls in socket.io and the registry loads it only when Roomful is used.
ROOMFUL_PLACES = {"room": 1, "prop": 2, "group": 1, "direct": 1}


# --- reading what was typed (Slack gives lists and ids, the console gives text) -----------------


def text_value(values: Values, name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def checked(values: Values, name: str) -> bool | None:
    """A flag: Slack sends the checked values as a list, the console ``yes``/``no``; None if unreadable."""
    value = values.get(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, list | tuple):
        return YES in value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    return False if word in FALSE_WORDS else None


def slack_ids(value: Any, sigil: str) -> tuple[str, ...]:
    """User ids from a users picker (a list) or typed text (``U1, @U2 <@U3|cy>``)."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,]+", str(value))
    ids = []
    for item in items:
        item = str(item).strip()
        item = user_id(item) or channel_id(item) or item.removeprefix(sigil)
        if item:
            ids.append(item)
    return tuple(dict.fromkeys(ids))


def initial(values: Values, name: str, default: Any = None) -> Any:
    """What a rebuilt modal shows: the value already typed (even an emptied one), else ``default``."""
    return values[name] if name in values else default


def flag_input(name: str, label: str, text: str, values: Values) -> Input:
    return Input(name, label, kind="checkbox", optional=True, choices=(Choice(YES, text),),
                 initial=[YES] if checked(values, name) else None)


# --- what the modal knows about the workspace ---------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """The workspace facts a section needs: accounts per provider, and what the chosen account
    allows (only facts about its keys are kept, never the keys)."""

    connected: Mapping[str, list[str]]
    provider: str
    account: str | None
    kmeet_planned: bool = False  # planned kMeet conferences need an Infomaniak token
    kmeet_calendar: bool = False  # the kMeet account names a default calendar

    @classmethod
    async def load(cls, services: Services, ctx: Context, *, provider: str, account: str | None) -> Setup:
        connected = await connected_providers(services, ctx.team_id)
        row = None
        if provider in connected:
            # An account name left over from another provider falls back to this one's default.
            row = await services.storage.accounts.get(ctx.team_id, provider, account) if account else None
            row = row or await services.storage.accounts.get(ctx.team_id, provider, None)
        if row is None:
            return cls(connected, provider, None)
        keys = row.credentials
        return cls(connected, provider, row.name, kmeet_planned=provider == "kmeet" and bool(keys.get("token")),
                   kmeet_calendar=provider == "kmeet" and keys.get("calendar_id") is not None)

    def usable(self, slug: str) -> bool:
        return slug in self.connected or not registry.info(slug).needs_credentials


# --- provider sections: inputs, cheap local checks, and the adapter options they fill -----------


@dataclass(frozen=True)
class Section:
    """One provider's part of the form."""

    inputs: Callable[[Values, Setup, Person | None], tuple[Input, ...]]
    check: Callable[[Values, Setup], dict[str, str]]
    options: Callable[[Values], dict[str, Any]]


def whereby_inputs(values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    return (
        Input("room_mode", "Room size", kind="select", optional=True, initial=initial(values, "room_mode"),
              choices=(Choice(RoomMode.NORMAL.value, "Normal (up to 4 people)"),
                       Choice(RoomMode.GROUP.value, "Group (more people)"))),
        flag_input("is_locked", "Lock", "Locked: people knock and a host lets them in", values),
        flag_input("viewer_mode", "Viewer mode", "The channel link can watch but not speak (a locked group room)", values),
        Input("room_name_prefix", "Room name prefix", optional=True, initial=initial(values, "room_name_prefix"),
              hint="Lowercase letters and digits, 39 at most, e.g. standup."),
    )


def whereby_check(values: Values, setup: Setup) -> dict[str, str]:
    errors: dict[str, str] = {}
    prefix = text_value(values, "room_name_prefix").replace(" ", "")  # Whereby removes spaces itself
    if not ROOM_NAME_PREFIX.fullmatch(prefix):
        errors["room_name_prefix"] = "Use only lowercase letters and digits, 39 at most, e.g. standup."
    mode = text_value(values, "room_mode")
    if mode and mode not in tuple(RoomMode):
        errors["room_mode"] = "Choose Normal or Group."
    elif checked(values, "viewer_mode") and mode == RoomMode.NORMAL:
        errors["room_mode"] = "A viewer-mode room is always a group room: choose Group or turn viewer mode off."
    for name in ("is_locked", "viewer_mode"):
        if checked(values, name) is None:
            errors[name] = "Say yes or no."
    return errors


def whereby_options(values: Values) -> dict[str, Any]:
    options: dict[str, Any] = {"viewer_mode": bool(checked(values, "viewer_mode"))}
    if text_value(values, "room_mode"):
        options["room_mode"] = text_value(values, "room_mode")
    if checked(values, "is_locked"):
        options["is_locked"] = True  # unchecked: Whereby's default, which viewer mode overrides
    if prefix := text_value(values, "room_name_prefix").replace(" ", ""):
        options["room_name_prefix"] = prefix
    return options


# ClickMeeting's access_type numbers, as the select sends them (text).
OPEN_ACCESS, PASSWORD_ACCESS = str(int(ClickMeetingAccess.OPEN)), str(int(ClickMeetingAccess.PASSWORD))
CLICKMEETING_ACCESS = {
    OPEN_ACCESS: "Anyone with the link",
    PASSWORD_ACCESS: "With a password",
    str(int(ClickMeetingAccess.TOKEN)): "With a single-use token per person",
}


def clickmeeting_inputs(values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    return (
        Input("room_type", "Type", kind="select", initial=initial(values, "room_type", ClickMeetingRoomType.MEETING.value),
              choices=(Choice(ClickMeetingRoomType.MEETING.value, "Meeting"),
                       Choice(ClickMeetingRoomType.WEBINAR.value, "Webinar"))),
        Input("access_type", "Access", kind="select", initial=initial(values, "access_type", OPEN_ACCESS),
              choices=tuple(Choice(kind, label) for kind, label in CLICKMEETING_ACCESS.items())),
        Input("password", "Password", optional=True, secret=True, initial=initial(values, "password"),
              hint="Needed when access is “With a password”."),
    )


def clickmeeting_check(values: Values, setup: Setup) -> dict[str, str]:
    errors: dict[str, str] = {}
    if text_value(values, "room_type") not in tuple(ClickMeetingRoomType):
        errors["room_type"] = "Choose Meeting or Webinar."
    access = text_value(values, "access_type") or OPEN_ACCESS
    if access not in CLICKMEETING_ACCESS:
        errors["access_type"] = "Choose who may enter: anyone with the link, with a password, or with a token."
    elif access == PASSWORD_ACCESS and not text_value(values, "password"):
        errors["password"] = "A password-protected room needs a password."
    elif access != PASSWORD_ACCESS and text_value(values, "password"):
        errors["password"] = "The password only applies with access “With a password”: choose that, or clear it."
    return errors


def clickmeeting_options(values: Values) -> dict[str, Any]:
    access = text_value(values, "access_type") or OPEN_ACCESS
    options: dict[str, Any] = {"room_type": text_value(values, "room_type"), "access_type": int(access)}
    if access == PASSWORD_ACCESS:
        options["password"] = text_value(values, "password")
    return options


def kmeet_inputs(values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    choices = [Choice("instant", "Instant room (a link, nothing to set up)")]
    if setup.kmeet_planned:
        choices.append(Choice("planned", "Planned conference in the Infomaniak Calendar"))
    mode = text_value(values, "mode") or "instant"
    mode_input = Input(
        "mode", "kMeet room", kind="select", initial=mode, choices=tuple(choices), dispatch=True,
        hint=None if setup.kmeet_planned else
        "Planned conferences need an Infomaniak token: an admin can run /meeting connect kmeet.",
    )
    if mode != "planned":
        return (mode_input,)
    has_calendar = setup.kmeet_calendar
    return (
        mode_input,
        Input("calendar_id", "Calendar id", kind="number", optional=has_calendar,
              initial=initial(values, "calendar_id"),
              hint="Leave empty for the account's calendar." if has_calendar else
              "The Infomaniak Calendar that gets the event."),
        Input("password", "Password", optional=True, secret=True, initial=initial(values, "password")),
        flag_input("lobby", "Lobby", "People wait in a lobby until a moderator lets them in", values),
        flag_input("e2ee", "Encryption", "End-to-end encryption", values),
        flag_input("recording", "Recording", "Allow recording to kDrive", values),
        Input("drive_id", "kDrive id", kind="number", optional=True, initial=initial(values, "drive_id"),
              hint="Needed for recording: the kDrive that keeps the recordings."),
        flag_input("muted", "Muted start", "Everyone joins with the microphone off", values),
    )


def kmeet_check(values: Values, setup: Setup) -> dict[str, str]:
    mode = text_value(values, "mode") or "instant"
    if mode not in ("instant", "planned"):
        return {"mode": "Choose an instant room or a planned conference."}
    if mode == "instant":
        return {}
    if not setup.kmeet_planned:
        return {"mode": "Planned kMeet conferences need an Infomaniak token: an admin can run "
                        "/meeting connect kmeet. Choose an instant room meanwhile."}
    errors: dict[str, str] = {}
    calendar = text_value(values, "calendar_id")
    if calendar and not calendar.isdigit():
        errors["calendar_id"] = "A calendar id is a number, e.g. 72618."
    elif not calendar and not setup.kmeet_calendar:
        errors["calendar_id"] = "Give the id of the Infomaniak Calendar that gets the event."
    drive = text_value(values, "drive_id")
    if drive and not drive.isdigit():
        errors["drive_id"] = "A kDrive id is a number, e.g. 12345."
    elif checked(values, "recording") and not drive:
        errors["drive_id"] = "Recording needs the kDrive that keeps the recordings: give its id."
    if len(text_value(values, TITLE)) > 150:
        errors[TITLE] = "A kMeet conference title has at most 150 characters."
    for name in ("lobby", "e2ee", "recording", "muted"):
        if checked(values, name) is None:
            errors[name] = "Say yes or no."
    return errors


def kmeet_options(values: Values) -> dict[str, Any]:
    if (text_value(values, "mode") or "instant") != "planned":
        return {}
    options: dict[str, Any] = {"mode": "planned"}
    options.update({name: bool(checked(values, name)) for name in ("lobby", "e2ee", "recording", "muted")})
    for name in ("calendar_id", "drive_id"):
        if text_value(values, name):
            options[name] = int(text_value(values, name))
    if text_value(values, "password"):
        options["password"] = text_value(values, "password")
    return options


AIRMEET_ACCESS = {
    "INVITED_ONLY": "Invited people only",
    "WITH_VERIFIED_EMAIL": "Anyone who verifies their e-mail",
    "WITHOUT_VERIFIED_EMAIL": "Anyone, without e-mail verification",
    "EMAIL_UNIQUE_LINK": "A unique link per e-mail",
}


def airmeet_inputs(values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    return (
        Input(HOST_EMAIL, "Host e-mail", initial=initial(values, HOST_EMAIL, organiser.email if organiser else None),
              hint="An Airmeet community member who hosts the event."),
        Input("short_desc", "Short description", kind="multiline", optional=True,
              initial=initial(values, "short_desc"), hint="Leave empty to use the title."),
        Input("access_type", "Who can join", kind="select", optional=True, initial=initial(values, "access_type"),
              choices=tuple(Choice(kind, label) for kind, label in AIRMEET_ACCESS.items())),
    )


def airmeet_check(values: Values, setup: Setup) -> dict[str, str]:
    errors: dict[str, str] = {}
    email = text_value(values, HOST_EMAIL)
    if not email:
        errors[HOST_EMAIL] = "Airmeet needs the host's e-mail (an Airmeet community member)."
    elif not EMAIL.fullmatch(email):
        errors[HOST_EMAIL] = f"'{email[:60]}' is not an e-mail address, e.g. host@example.com."
    access = text_value(values, "access_type")
    if access and access not in AIRMEET_ACCESS_TYPES:
        errors["access_type"] = "Choose who can join from the list."
    return errors


def airmeet_options(values: Values) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name in ("short_desc", "access_type"):
        if text_value(values, name):
            options[name] = text_value(values, name)
    return options


ROOMFUL_PLACE_LABELS = {
    "room": "A room",
    "prop": "A prop in a room",
    "group": "A group",
    "direct": "A direct chat",
}


def roomful_inputs(values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    return (
        Input("source_type", "Where", kind="select", initial=initial(values, "source_type", "room"),
              choices=tuple(Choice(kind, label) for kind, label in ROOMFUL_PLACE_LABELS.items())),
        Input("source_ids", "Roomful id", initial=initial(values, "source_ids"),
              hint="A room: its id. A prop: room id, prop id. A group: its id. A direct chat: the person's id."),
    )


def roomful_check(values: Values, setup: Setup) -> dict[str, str]:
    place = text_value(values, "source_type") or "room"
    if place not in ROOMFUL_PLACES:
        return {"source_type": "Choose a room, a prop, a group or a direct chat."}
    ids = _roomfulslack_ids(values)
    if len(ids) != ROOMFUL_PLACES[place]:
        what = "the room id and the prop id, separated by a comma" if place == "prop" else f"one {place} id"
        return {"source_ids": f"Give {what}."}
    return {}


def _roomfulslack_ids(values: Values) -> list[str]:
    return [part.strip() for part in text_value(values, "source_ids").split(",") if part.strip()]


def roomful_options(values: Values) -> dict[str, Any]:
    return {"source_type": text_value(values, "source_type") or "room", "source_ids": _roomfulslack_ids(values)}


SECTIONS: dict[str, Section] = {
    "kmeet": Section(kmeet_inputs, kmeet_check, kmeet_options),
    "whereby": Section(whereby_inputs, whereby_check, whereby_options),
    "clickmeeting": Section(clickmeeting_inputs, clickmeeting_check, clickmeeting_options),
    "airmeet": Section(airmeet_inputs, airmeet_check, airmeet_options),
    "roomful": Section(roomful_inputs, roomful_check, roomful_options),
}
