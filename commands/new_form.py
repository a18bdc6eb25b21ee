"""The ``/meeting new`` modal: every field of a meeting, and a section for the chosen provider.

    modal = await new_meeting_modal(ctx, services)                          # what views.open shows
    modal = await new_meeting_modal(ctx, services, provider="whereby", values=typed)  # after a change

The form (callback ``new_meeting``) checks every value before anything is created: a bad value is
named on its own field (Slack shows it in the modal, the ack carries ``response_action: errors``);
only a form without errors reaches ``create_meeting``, which creates the room and stores the
meeting, so a provider failure leaves nothing half-made.

The provider section's inputs are named after the adapter options they fill (``viewer_mode``,
``lobby``, ``access_type`` …), so the same names work as ``key=value`` in the one-line form
(``/meeting new whereby "Demo" tomorrow 10:00 viewer_mode=yes``) and in ``new_meeting_inline``,
which takes every field of this form as ``key=value`` for the console.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from commands.accounts import connected_providers
from commands.context import Context, Person, Services
from commands.create import NewMeeting, create_meeting
from commands.forms import State, Values, form
from commands.replies import Choice, Input, Modal, Reply
from commands.when import GRACE, WhenError, parse_duration, parse_offsets, parse_when
from providers import registry
from providers.airmeet import ACCESS_TYPES as AIRMEET_ACCESS_TYPES
from providers.base import FALSE_WORDS, TRUE_WORDS
from providers.clickmeeting import AccessType as ClickMeetingAccess
from providers.clickmeeting import RoomType as ClickMeetingRoomType
from providers.whereby import ROOM_NAME_PREFIX, RoomMode

__all__ = ["CALLBACK", "NewMeetingForm", "new_meeting_inline", "new_meeting_modal"]

CALLBACK = "new_meeting"
DEFAULT_DURATION_MINUTES = 30
MAX_DURATION_MINUTES = 24 * 60
QUARTER_HOUR = 15 * 60  # seconds

# The general inputs; each name is the Slack block_id and action_id, and the console's key.
PROVIDER, ACCOUNT, TITLE = "provider", "account", "title"
START_DATE, START_TIME, DURATION = "start_date", "start_time", "duration"
CHANNEL, INVITEES, REMINDERS = "channel", "invitees", "reminders"
GENERAL_INPUTS = frozenset({PROVIDER, TITLE, START_DATE, START_TIME, DURATION, CHANNEL, INVITEES, REMINDERS})
# The Airmeet host is no adapter option: create_meeting hands it over as RoomRequest.host_email.
HOST_EMAIL = "host_email"

YES = "yes"  # a checked flag's value: the adapters read it like `lobby=yes` typed in the console
NO_REMINDERS = frozenset({"off", "none", "no"})
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_TEXT = re.compile(r"(\d{1,2}):(\d{2})")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
SLACK_ID = re.compile(r"<[@#]?([A-Z0-9]+)(?:\|[^>]*)?>")
# Roomful's SourceType and how many ids each needs; copied rather than imported, because
# providers.roomful pulls in socket.io and the registry loads it only when Roomful is used.
ROOMFUL_PLACES = {"room": 1, "prop": 2, "group": 1, "direct": 1}


# --- reading what was typed (Slack gives lists and ids, the console gives text) -----------------


def _text(values: Values, name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def _checked(values: Values, name: str) -> bool | None:
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


def _ids(value: Any, sigil: str) -> tuple[str, ...]:
    """User ids from a users picker (a list) or typed text (``U1, @U2 <@U3|cy>``)."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,]+", str(value))
    ids = []
    for item in items:
        item = str(item).strip()
        match = SLACK_ID.fullmatch(item)
        item = match[1] if match else item.removeprefix(sigil)
        if item:
            ids.append(item)
    return tuple(dict.fromkeys(ids))


def _initial(values: Values, name: str, default: Any = None) -> Any:
    """What a rebuilt modal shows: the value already typed (even an emptied one), else ``default``."""
    return values[name] if name in values else default


def _flag(name: str, label: str, text: str, values: Values) -> Input:
    return Input(name, label, kind="checkbox", optional=True, choices=(Choice(YES, text),),
                 initial=[YES] if _checked(values, name) else None)


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
    def load(cls, services: Services, ctx: Context, *, provider: str, account: str | None) -> Setup:
        connected = connected_providers(services, ctx.team_id)
        row = None
        if provider in connected:
            # An account name left over from another provider falls back to this one's default.
            row = services.repo.get_account(ctx.team_id, provider, account) if account else None
            row = row or services.repo.get_account(ctx.team_id, provider, None)
        if row is None:
            return cls(connected, provider, None)
        keys = json.loads(row.credentials)
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
        Input("room_mode", "Room size", kind="select", optional=True, initial=_initial(values, "room_mode"),
              choices=(Choice(RoomMode.NORMAL.value, "Normal (up to 4 people)"),
                       Choice(RoomMode.GROUP.value, "Group (more people)"))),
        _flag("is_locked", "Lock", "Locked: people knock and a host lets them in", values),
        _flag("viewer_mode", "Viewer mode", "The channel link can watch but not speak (a locked group room)", values),
        Input("room_name_prefix", "Room name prefix", optional=True, initial=_initial(values, "room_name_prefix"),
              hint="Lowercase letters and digits, 39 at most, e.g. standup."),
    )


def whereby_check(values: Values, setup: Setup) -> dict[str, str]:
    errors: dict[str, str] = {}
    prefix = _text(values, "room_name_prefix").replace(" ", "")  # Whereby removes spaces itself
    if not ROOM_NAME_PREFIX.fullmatch(prefix):
        errors["room_name_prefix"] = "Use only lowercase letters and digits, 39 at most, e.g. standup."
    mode = _text(values, "room_mode")
    if mode and mode not in tuple(RoomMode):
        errors["room_mode"] = "Choose Normal or Group."
    elif _checked(values, "viewer_mode") and mode == RoomMode.NORMAL:
        errors["room_mode"] = "A viewer-mode room is always a group room: choose Group or turn viewer mode off."
    for name in ("is_locked", "viewer_mode"):
        if _checked(values, name) is None:
            errors[name] = "Say yes or no."
    return errors


def whereby_options(values: Values) -> dict[str, Any]:
    options: dict[str, Any] = {"viewer_mode": bool(_checked(values, "viewer_mode"))}
    if _text(values, "room_mode"):
        options["room_mode"] = _text(values, "room_mode")
    if _checked(values, "is_locked"):
        options["is_locked"] = True  # unchecked: Whereby's default, which viewer mode overrides
    if prefix := _text(values, "room_name_prefix").replace(" ", ""):
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
        Input("room_type", "Type", kind="select", initial=_initial(values, "room_type", ClickMeetingRoomType.MEETING.value),
              choices=(Choice(ClickMeetingRoomType.MEETING.value, "Meeting"),
                       Choice(ClickMeetingRoomType.WEBINAR.value, "Webinar"))),
        Input("access_type", "Access", kind="select", initial=_initial(values, "access_type", OPEN_ACCESS),
              choices=tuple(Choice(kind, label) for kind, label in CLICKMEETING_ACCESS.items())),
        Input("password", "Password", optional=True, secret=True, initial=_initial(values, "password"),
              hint="Needed when access is “With a password”."),
    )


def clickmeeting_check(values: Values, setup: Setup) -> dict[str, str]:
    errors: dict[str, str] = {}
    if _text(values, "room_type") not in tuple(ClickMeetingRoomType):
        errors["room_type"] = "Choose Meeting or Webinar."
    access = _text(values, "access_type") or OPEN_ACCESS
    if access not in CLICKMEETING_ACCESS:
        errors["access_type"] = "Choose who may enter: anyone with the link, with a password, or with a token."
    elif access == PASSWORD_ACCESS and not _text(values, "password"):
        errors["password"] = "A password-protected room needs a password."
    elif access != PASSWORD_ACCESS and _text(values, "password"):
        errors["password"] = "The password only applies with access “With a password”: choose that, or clear it."
    return errors


def clickmeeting_options(values: Values) -> dict[str, Any]:
    access = _text(values, "access_type") or OPEN_ACCESS
    options: dict[str, Any] = {"room_type": _text(values, "room_type"), "access_type": int(access)}
    if access == PASSWORD_ACCESS:
        options["password"] = _text(values, "password")
    return options


def kmeet_inputs(values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    choices = [Choice("instant", "Instant room (a link, nothing to set up)")]
    if setup.kmeet_planned:
        choices.append(Choice("planned", "Planned conference in the Infomaniak Calendar"))
    mode = _text(values, "mode") or "instant"
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
              initial=_initial(values, "calendar_id"),
              hint="Leave empty for the account's calendar." if has_calendar else
              "The Infomaniak Calendar that gets the event."),
        Input("password", "Password", optional=True, secret=True, initial=_initial(values, "password")),
        _flag("lobby", "Lobby", "People wait in a lobby until a moderator lets them in", values),
        _flag("e2ee", "Encryption", "End-to-end encryption", values),
        _flag("recording", "Recording", "Allow recording to kDrive", values),
        Input("drive_id", "kDrive id", kind="number", optional=True, initial=_initial(values, "drive_id"),
              hint="Needed for recording: the kDrive that keeps the recordings."),
        _flag("muted", "Muted start", "Everyone joins with the microphone off", values),
    )


def kmeet_check(values: Values, setup: Setup) -> dict[str, str]:
    mode = _text(values, "mode") or "instant"
    if mode not in ("instant", "planned"):
        return {"mode": "Choose an instant room or a planned conference."}
    if mode == "instant":
        return {}
    if not setup.kmeet_planned:
        return {"mode": "Planned kMeet conferences need an Infomaniak token: an admin can run "
                        "/meeting connect kmeet. Choose an instant room meanwhile."}
    errors: dict[str, str] = {}
    calendar = _text(values, "calendar_id")
    if calendar and not calendar.isdigit():
        errors["calendar_id"] = "A calendar id is a number, e.g. 72618."
    elif not calendar and not setup.kmeet_calendar:
        errors["calendar_id"] = "Give the id of the Infomaniak Calendar that gets the event."
    drive = _text(values, "drive_id")
    if drive and not drive.isdigit():
        errors["drive_id"] = "A kDrive id is a number, e.g. 12345."
    elif _checked(values, "recording") and not drive:
        errors["drive_id"] = "Recording needs the kDrive that keeps the recordings: give its id."
    if len(_text(values, TITLE)) > 150:
        errors[TITLE] = "A kMeet conference title has at most 150 characters."
    for name in ("lobby", "e2ee", "recording", "muted"):
        if _checked(values, name) is None:
            errors[name] = "Say yes or no."
    return errors


def kmeet_options(values: Values) -> dict[str, Any]:
    if (_text(values, "mode") or "instant") != "planned":
        return {}
    options: dict[str, Any] = {"mode": "planned"}
    options.update({name: bool(_checked(values, name)) for name in ("lobby", "e2ee", "recording", "muted")})
    for name in ("calendar_id", "drive_id"):
        if _text(values, name):
            options[name] = int(_text(values, name))
    if _text(values, "password"):
        options["password"] = _text(values, "password")
    return options


AIRMEET_ACCESS = {
    "INVITED_ONLY": "Invited people only",
    "WITH_VERIFIED_EMAIL": "Anyone who verifies their e-mail",
    "WITHOUT_VERIFIED_EMAIL": "Anyone, without e-mail verification",
    "EMAIL_UNIQUE_LINK": "A unique link per e-mail",
}


def airmeet_inputs(values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    return (
        Input(HOST_EMAIL, "Host e-mail", initial=_initial(values, HOST_EMAIL, organiser.email if organiser else None),
              hint="An Airmeet community member who hosts the event."),
        Input("short_desc", "Short description", kind="multiline", optional=True,
              initial=_initial(values, "short_desc"), hint="Leave empty to use the title."),
        Input("access_type", "Who can join", kind="select", optional=True, initial=_initial(values, "access_type"),
              choices=tuple(Choice(kind, label) for kind, label in AIRMEET_ACCESS.items())),
    )


def airmeet_check(values: Values, setup: Setup) -> dict[str, str]:
    errors: dict[str, str] = {}
    email = _text(values, HOST_EMAIL)
    if not email:
        errors[HOST_EMAIL] = "Airmeet needs the host's e-mail (an Airmeet community member)."
    elif not EMAIL.fullmatch(email):
        errors[HOST_EMAIL] = f"'{email[:60]}' is not an e-mail address, e.g. host@example.com."
    access = _text(values, "access_type")
    if access and access not in AIRMEET_ACCESS_TYPES:
        errors["access_type"] = "Choose who can join from the list."
    return errors


def airmeet_options(values: Values) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name in ("short_desc", "access_type"):
        if _text(values, name):
            options[name] = _text(values, name)
    return options


ROOMFUL_PLACE_LABELS = {
    "room": "A room",
    "prop": "A prop in a room",
    "group": "A group",
    "direct": "A direct chat",
}


def roomful_inputs(values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    return (
        Input("source_type", "Where", kind="select", initial=_initial(values, "source_type", "room"),
              choices=tuple(Choice(kind, label) for kind, label in ROOMFUL_PLACE_LABELS.items())),
        Input("source_ids", "Roomful id", initial=_initial(values, "source_ids"),
              hint="A room: its id. A prop: room id, prop id. A group: its id. A direct chat: the person's id."),
    )


def roomful_check(values: Values, setup: Setup) -> dict[str, str]:
    place = _text(values, "source_type") or "room"
    if place not in ROOMFUL_PLACES:
        return {"source_type": "Choose a room, a prop, a group or a direct chat."}
    ids = _roomful_ids(values)
    if len(ids) != ROOMFUL_PLACES[place]:
        what = "the room id and the prop id, separated by a comma" if place == "prop" else f"one {place} id"
        return {"source_ids": f"Give {what}."}
    return {}


def _roomful_ids(values: Values) -> list[str]:
    return [part.strip() for part in _text(values, "source_ids").split(",") if part.strip()]


def roomful_options(values: Values) -> dict[str, Any]:
    return {"source_type": _text(values, "source_type") or "room", "source_ids": _roomful_ids(values)}


SECTIONS: dict[str, Section] = {
    "kmeet": Section(kmeet_inputs, kmeet_check, kmeet_options),
    "whereby": Section(whereby_inputs, whereby_check, whereby_options),
    "clickmeeting": Section(clickmeeting_inputs, clickmeeting_check, clickmeeting_options),
    "airmeet": Section(airmeet_inputs, airmeet_check, airmeet_options),
    "roomful": Section(roomful_inputs, roomful_check, roomful_options),
}


# --- the modal ----------------------------------------------------------------------------------


async def new_meeting_modal(
    ctx: Context, services: Services, *, provider: str | None = None, values: Values | None = None
) -> Modal:
    """The form for a new meeting; ``values`` (already typed) are kept when it is rebuilt.

        Reply(modal=await new_meeting_modal(ctx, services))
    """
    values = dict(values or {})
    connected = connected_providers(services, ctx.team_id)
    chosen = provider or _text(values, PROVIDER) or _default_provider(ctx, services, connected)
    if chosen not in registry.PROVIDERS:
        chosen = _default_provider(ctx, services, connected)
    values[PROVIDER] = chosen
    setup = Setup.load(services, ctx, provider=chosen, account=_text(values, ACCOUNT) or None)
    organiser = await services.directory.person(ctx.team_id, ctx.user_id)
    workspace = services.repo.ensure_workspace(ctx.team_id)
    start = next_quarter_hour(services.clock()).astimezone(ctx.zone())

    inputs: list[Input] = [
        Input(PROVIDER, "Provider", kind="select", initial=chosen, dispatch=True,
              choices=_provider_choices(connected)),
    ]
    accounts = connected.get(chosen, [])
    if len(accounts) > 1:
        inputs.append(Input(ACCOUNT, "Account", kind="select", initial=setup.account,
                            choices=tuple(Choice(name, name) for name in accounts)))
    inputs += [
        Input(TITLE, "Title", initial=_initial(values, TITLE)),
        Input(START_DATE, "Day", kind="date", initial=_initial(values, START_DATE, start.date().isoformat())),
        Input(START_TIME, "Start time", kind="time", initial=_initial(values, START_TIME, f"{start:%H:%M}"),
              hint=f"In your time zone, {ctx.zone().key}."),
        Input(DURATION, "Duration in minutes", kind="number",
              initial=_initial(values, DURATION, DEFAULT_DURATION_MINUTES)),
        Input(CHANNEL, "Announce in", kind="channel", optional=True, initial=_initial(values, CHANNEL, ctx.channel_id),
              hint="Leave empty to create the room without announcing it."),
        Input(INVITEES, "Invite", kind="users", optional=True, initial=_initial(values, INVITEES),
              hint="Each gets a reminder with the link, a personal one where the provider offers it."),
        Input(REMINDERS, "Reminders", optional=True, initial=_initial(values, REMINDERS, workspace.default_reminders),
              hint="How long before the start, e.g. 1d,1h,10m. Leave empty for none."),
        *SECTIONS[chosen].inputs(values, setup, organiser),
    ]
    # The provider rides along so that a change can tell a new provider from a new kMeet mode.
    state = {"provider": chosen} | ({"channel_id": ctx.channel_id} if ctx.channel_id else {})
    return Modal(CALLBACK, "New meeting", "Create", tuple(inputs), state=state)


def next_quarter_hour(now: datetime) -> datetime:
    """The next :00, :15, :30 or :45 after ``now`` (computed in UTC: every zone's offset is whole quarters)."""
    seconds = int(now.timestamp()) // QUARTER_HOUR * QUARTER_HOUR + QUARTER_HOUR
    return datetime.fromtimestamp(seconds, UTC)


def _default_provider(ctx: Context, services: Services, connected: Mapping[str, list[str]]) -> str:
    """The user's or channel's default if it can be used, else the first connected, else kMeet."""
    preferred = services.repo.default_provider(ctx.team_id, user_id=ctx.user_id, channel_id=ctx.channel_id)
    if preferred in registry.PROVIDERS and (preferred in connected or not registry.info(preferred).needs_credentials):
        return preferred
    return next((slug for slug in registry.PROVIDERS if slug in connected), "kmeet")


def _provider_choices(connected: Mapping[str, list[str]]) -> tuple[Choice, ...]:
    """Connected providers first; kMeet's instant rooms work without an account; the rest say so."""
    ready, anyway, waiting = [], [], []
    for slug, info in registry.PROVIDERS.items():
        if slug in connected:
            ready.append(Choice(slug, info.name))
        elif not info.needs_credentials:
            anyway.append(Choice(slug, f"{info.name} (instant rooms)"))
        else:
            waiting.append(Choice(slug, f"{info.name} (not connected)"))
    return tuple(ready + anyway + waiting)


# --- checking and building the meeting ----------------------------------------------------------
# Field errors are plain text in a Slack modal (no mrkdwn), so they name things without backticks.


@dataclass(frozen=True)
class Reading:
    """The form read once: a meeting to create, or the field errors that stop it."""

    errors: dict[str, str]
    new: NewMeeting | None = None


def read_form(values: Values, ctx: Context, services: Services) -> Reading:
    """Every check, cheap and local (no provider call), so it fits in Slack's 3-second ack."""
    errors: dict[str, str] = {}
    provider = _text(values, PROVIDER).lower()
    setup: Setup | None = None
    if provider not in registry.PROVIDERS:
        errors[PROVIDER] = "Choose a provider from the list."
    else:
        account = _text(values, ACCOUNT) or None
        setup = Setup.load(services, ctx, provider=provider, account=account)
        if not setup.usable(provider):
            errors[PROVIDER] = (f"{registry.info(provider).name} is not connected in this workspace yet: an admin "
                                f"can run /meeting connect {provider}. Choose another provider meanwhile.")
        elif account and account not in setup.connected.get(provider, []):
            errors[ACCOUNT] = f"There is no {registry.info(provider).name} account called '{account[:40]}'."

    title = " ".join(_text(values, TITLE).split())
    if not title:
        errors[TITLE] = "Give the meeting a title."
    start, start_errors = read_start(values, ctx=ctx, now=services.clock())
    errors.update(start_errors)
    duration, duration_error = read_duration_minutes(values)
    if duration_error:
        errors[DURATION] = duration_error
    reminders: tuple[timedelta, ...] = ()
    reminder_text = _text(values, REMINDERS)
    if reminder_text and reminder_text.lower() not in NO_REMINDERS:
        try:
            reminders = tuple(parse_offsets(reminder_text))
        except WhenError as error:
            errors[REMINDERS] = str(error)
    if setup is not None and PROVIDER not in errors:
        section_errors = SECTIONS[provider].check(values, setup)
        errors.update({name: sentence for name, sentence in section_errors.items() if name not in errors})

    if errors or setup is None or start is None or duration is None:
        return Reading(errors)
    channel = _ids(values.get(CHANNEL), "#")
    new = NewMeeting(
        provider=provider,
        title=title,
        start=start,
        duration=duration,
        channel_id=channel[0] if channel else None,
        invitees=_ids(values.get(INVITEES), "@"),
        reminders=reminders,
        options=SECTIONS[provider].options(values),
        account=_text(values, ACCOUNT) or None,  # None: the provider's default account
        host_email=(_text(values, HOST_EMAIL) or None) if provider == "airmeet" else None,
    )
    return Reading({}, new)


def read_start(values: Values, *, ctx: Context, now: datetime) -> tuple[datetime | None, dict[str, str]]:
    """The start from the date and time pickers, read on the user's wall clock (DST gaps are errors)."""
    day_text, clock_text = _text(values, START_DATE), _text(values, START_TIME)
    errors: dict[str, str] = {}
    day: date | None = None
    at: time | None = None
    if not day_text:
        errors[START_DATE] = "Pick the day of the meeting."
    else:
        try:
            day = date.fromisoformat(day_text) if DATE_TEXT.fullmatch(day_text) else None
        except ValueError:
            day = None
        if day is None:
            errors[START_DATE] = f"'{day_text[:20]}' is not a day on the calendar: pick one from the date picker."
    clock = TIME_TEXT.fullmatch(clock_text)
    if not clock_text:
        errors[START_TIME] = "Pick the start time."
    elif clock is None or int(clock[1]) > 23 or int(clock[2]) > 59:
        errors[START_TIME] = f"'{clock_text[:20]}' is not a time of day: pick one, e.g. 14:30."
    else:
        at = time(int(clock[1]), int(clock[2]))
    if day is None or at is None:
        return None, errors

    zone = ctx.zone()
    local_now = now.astimezone(zone)
    wall = datetime.combine(day, at, tzinfo=zone)
    if wall.astimezone(UTC) < now.astimezone(UTC) - GRACE:
        field = START_DATE if day < local_now.date() else START_TIME
        return None, {field: f"That start has already passed: it is {local_now:%H:%M} on {local_now:%a %d %b} "
                             f"in {zone.key}. Pick a later time."}
    try:
        # parse_when reads the wall clock the same way as the one-line form: a time the clocks
        # skip is an error naming the nearest real one, a repeated hour means its first occurrence.
        return parse_when(f"{day.isoformat()} {at:%H:%M}", now=now, tz=zone), {}
    except WhenError as error:
        return None, {START_TIME: str(error)}


def read_duration_minutes(values: Values) -> tuple[timedelta | None, str | None]:
    """Minutes from the number field (the console may also write ``1h30m``): 1 to 1440."""
    text = _text(values, DURATION)
    if not text:
        return None, "Say how long the meeting lasts, in minutes."
    try:
        minutes = int(text)
    except ValueError:
        try:
            return parse_duration(text), None
        except WhenError as error:
            return None, str(error)
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        return None, f"A meeting lasts from 1 to {MAX_DURATION_MINUTES} minutes (24 hours)."
    return timedelta(minutes=minutes), None


def on_shown_fields(errors: dict[str, str], values: Values) -> dict[str, str]:
    """Slack refuses errors for blocks the view does not have (the user submitted while the
    provider section was still being swapped): those sentences go on the provider field."""
    shown = {name: sentence for name, sentence in errors.items() if name in values}
    hidden = [sentence for name, sentence in errors.items() if name not in values]
    if hidden:
        shown[PROVIDER] = " ".join(([shown[PROVIDER]] if PROVIDER in shown else []) + hidden)
    return shown


async def create_from(reading: Reading, ctx: Context, services: Services) -> Reply:
    if reading.new is None:
        return Reply.ephemeral(" ".join(reading.errors.values()) or "Please fill in the form again.")
    return await create_meeting(reading.new, ctx, services)


@form(CALLBACK)
class NewMeetingForm:
    """The ``/meeting new`` modal: field errors in the ack, the room after it, a new section on change."""

    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]:
        return on_shown_fields(read_form(values, ctx, services).errors, values)

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply:
        return await create_from(read_form(values, ctx, services), ctx, services)

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None:
        if _text(values, PROVIDER) != state.get("provider"):
            # Another provider: keep the meeting's fields, not the old provider's settings.
            values = {name: value for name, value in values.items() if name in GENERAL_INPUTS}
        return await new_meeting_modal(ctx, services, values=values)


async def new_meeting_inline(fields: Mapping[str, str], ctx: Context, services: Services) -> Reply:
    """The modal's fields given as ``key=value`` (the console): the same checks, then the meeting.

        await new_meeting_inline({"provider": "kmeet", "title": "Standup", "start_date": "2026-12-01",
                                  "start_time": "10:00", "duration": "15"}, ctx, services)
    """
    values: Values = {DURATION: str(DEFAULT_DURATION_MINUTES), CHANNEL: ctx.channel_id, **fields}
    if PROVIDER not in values:
        values[PROVIDER] = _default_provider(ctx, services, connected_providers(services, ctx.team_id))
    if REMINDERS not in values:
        values[REMINDERS] = services.repo.ensure_workspace(ctx.team_id).default_reminders
    reading = read_form(values, ctx, services)
    if reading.errors:
        return Reply.ephemeral("\n".join(f"`{name}`: {sentence}" for name, sentence in reading.errors.items()))
    return await create_from(reading, ctx, services)
