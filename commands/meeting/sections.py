"""The ``/meeting new`` form's provider sections, generated from each provider's options model.

    inputs = section_inputs("whereby", values, setup, organiser)   # Slack inputs (also the console's keys)
    options, errors = read_options("whereby", typed, setup)         # validated options, or {input: sentence}

``providers.registry.options_model(slug)`` is the one source of a section: each input is one of
the model's fields (label = ``title``, hint = ``description``; a Flag is a checkbox, an enum or
Literal a select with the model's labels, a SecretStr secret text, an int a number), each field
error is the sentence of the model's ``parse()`` on the input its ``Rejected.field`` names, and
the options handed to ``create_meeting`` are the validated model's. What stays here is the form:
which fields the modal shows (the console takes every field as ``key=value``) and facts about
the workspace, such as "a planned kMeet conference needs a connected Infomaniak token".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from commands.framework.context import Context, Person, Services
from commands.framework.forms import Values
from commands.framework.replies import Choice, Input
from commands.framework.tokenizer import channel_id, user_id
from commands.lifecycle.accounts import connected_providers
from providers import registry
from providers.base import TRUE_WORDS, ProviderOptions
from providers.errors import Rejected

TITLE = "title"
# The host is no adapter option: create_meeting hands it over as RoomRequest.host_email, and a
# model asks for it with ``host_email_required`` (Airmeet).
HOST_EMAIL = "host_email"
YES = "yes"  # a checked box's value: the models read it like `lobby=yes` typed in the console
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
QUOTED = re.compile(r"`([^`]+)`")


# --- reading what was typed (Slack gives lists and ids, the console gives text) -----------------


def text_value(values: Values, name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


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


# --- inputs from a model's fields ------------------------------------------------------------------


def _bare(annotation: Any) -> Any:
    """``Flag | None`` -> bool, ``RoomMode | None`` -> RoomMode: the type an input is made for."""
    if get_origin(annotation) in (Union, UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not NoneType]
        return _bare(rest[0]) if len(rest) == 1 else annotation
    if get_origin(annotation) is Annotated:
        return _bare(get_args(annotation)[0])
    return annotation


def _choice_values(kind: Any) -> tuple[str, ...] | None:
    """A select's values as the form sends them (``"2"`` for ClickMeeting's access type), else None."""
    if get_origin(kind) is Literal:
        return tuple(str(value) for value in get_args(kind))
    if isinstance(kind, type) and issubclass(kind, Enum):
        return tuple(str(member.value) for member in kind)
    return None


def _shown(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def option_input(name: str, info: FieldInfo, values: Values, *, multiline: bool = False) -> Input:
    """The modal input for one options field: ``option_input("lobby", KMeetOptions.model_fields["lobby"], {})``."""
    kind = _bare(info.annotation)
    label, hint = info.title or name, info.description
    default = None if info.is_required() else info.default
    if kind is bool:
        checked = _flag(values[name]) if name in values else bool(default)
        return Input(name, label, kind="checkbox", optional=True, choices=(Choice(YES, (hint or label).rstrip(".")),),
                     initial=[YES] if checked else None)
    choices = _choice_values(kind)
    if choices is not None:
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        labels = extra.get("labels") or {}
        assert isinstance(labels, dict)
        shown = None if default is None else str(_shown(default))
        return Input(name, label, kind="select", optional=shown is None, initial=initial(values, name, shown),
                     hint=hint, choices=tuple(Choice(value, str(labels.get(value, value))) for value in choices))
    text_kind = "number" if kind is int else "multiline" if multiline else "text"
    return Input(name, label, kind=text_kind, optional=not info.is_required(), initial=initial(values, name),
                 hint=hint, secret=kind is SecretStr)


def _flag(value: Any) -> bool:
    """A checkbox as Slack sends it (the checked values) or as the console typed it (``yes``)."""
    if isinstance(value, list | tuple):
        return YES in value
    return value is not None and str(value).strip().lower() in TRUE_WORDS


def settings_help() -> str:
    """Every provider's ``key=value`` settings, from its options model (what ``/meeting new help`` lists)."""
    lines = ["Provider settings go after the rest as `key=value` (`account=<name>` picks one of several accounts):"]
    for slug in registry.slugs():
        fields = registry.options_model(slug).model_fields
        settings = [f"`{name}={_value_hint(info)}`" for name, info in fields.items()]
        if requires_host(slug):
            settings.append(f"`{HOST_EMAIL}=…` (the event's host; default: your Slack e-mail)")
        lines.append(f"• {registry.info(slug).name}: " + ", ".join(settings))
    return "\n".join(lines)


def _value_hint(info: FieldInfo) -> str:
    kind = _bare(info.annotation)
    if kind is bool:
        return "yes|no"
    if (choices := _choice_values(kind)) is not None:
        return "|".join(choices)
    return "<number>" if kind is int else "…"


# --- one provider's part of the form ---------------------------------------------------------------


Adjust = Callable[[tuple[Input, ...], Values, Setup], tuple[Input, ...]]
Check = Callable[[Values, Setup, ProviderOptions | None], dict[str, str]]


def _as_shown(inputs: tuple[Input, ...], values: Values, setup: Setup) -> tuple[Input, ...]:
    return inputs


def _no_check(values: Values, setup: Setup, options: ProviderOptions | None) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Section:
    """Which of the provider's option fields the modal shows, and what the workspace adds to them.

        Section(("room_mode", "is_locked"))    # the console still takes every field of the model
    """

    fields: tuple[str, ...]
    multiline: frozenset[str] = frozenset()
    adjust: Adjust = _as_shown  # workspace facts shaping the inputs (kMeet: planned needs a token)
    check: Check = _no_check  # workspace facts refusing a choice the model allows


def section_inputs(slug: str, values: Values, setup: Setup, organiser: Person | None) -> tuple[Input, ...]:
    """The chosen provider's inputs, made from its options model's fields."""
    model, section = registry.options_model(slug), SECTIONS[slug]
    inputs: list[Input] = []
    if requires_host(slug):
        organiser_email = organiser.email if organiser else None
        inputs.append(Input(HOST_EMAIL, "Host e-mail", initial=initial(values, HOST_EMAIL, organiser_email),
                            hint=f"The {registry.info(slug).name} member who hosts the event."))
    needed = _needed_when_empty(slug)
    for name in section.fields:
        item = option_input(name, model.model_fields[name], values, multiline=name in section.multiline)
        inputs.append(replace(item, optional=False) if name == needed else item)
    return section.adjust(tuple(inputs), values, setup)


def _needed_when_empty(slug: str) -> str | None:
    """The field the model refuses to go without although it has a default (Roomful's ids): not optional."""
    try:
        registry.options_model(slug).parse({}, provider=slug)
    except Rejected as rejected:
        return rejected.field
    return None


def requires_host(slug: str) -> bool:
    """Whether the provider's model asks for ``RoomRequest.host_email`` (Airmeet): ``requires_host("airmeet")``."""
    return bool(getattr(registry.options_model(slug), "host_email_required", False))


def typed_options(slug: str, values: Values) -> dict[str, Any]:
    """What was typed for the model, as it reads it: empty inputs left out, checkboxes as yes/no."""
    fields = registry.options_model(slug).model_fields
    typed: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if name in fields and _bare(fields[name].annotation) is bool and isinstance(value, list | tuple):
            # An unchecked box on a field that defaults to None says nothing: the provider's default holds.
            value = True if YES in value else None if fields[name].default is None else False
        if value is not None and value != "":
            typed[name] = value
    return typed


def validated_options(slug: str, typed: Mapping[str, Any]) -> dict[str, Any]:
    """The options ``RoomRequest`` gets, from the validated model; raises the model's ``Rejected``.

        validated_options("whereby", {"room_mode": "group"})   # {"room_mode": RoomMode.GROUP}
    """
    options = registry.options_model(slug).parse(typed, provider=slug)
    return _set_fields(options)


def _set_fields(options: ProviderOptions) -> dict[str, Any]:
    # Only what was given: the adapter reads an unset field as "not asked for" (kMeet's planned).
    return {name: getattr(options, name) for name in options.model_fields_set}


def read_options(
    slug: str, values: Values, setup: Setup, *, form_inputs: frozenset[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The validated options, or every field error: each ``Rejected`` lands on the field it names,
    and the model is asked again without that field, so one submission shows all of them.

        options, errors = read_options("whereby", values, setup, form_inputs=GENERAL_INPUTS)

    Every input but ``form_inputs`` goes to the model: a key the console typed that it lacks is refused.
    """
    model, section = registry.options_model(slug), SECTIONS[slug]
    typed = typed_options(slug, {name: value for name, value in values.items()
                                 if name not in form_inputs and name != HOST_EMAIL})
    remaining: dict[str, Any] = dict(typed)
    errors: dict[str, str] = {}
    parsed: ProviderOptions | None = None
    for _ in range(len(typed) + 1):
        try:
            parsed = model.parse(remaining, provider=slug)
            break
        except Rejected as rejected:
            name = rejected.field or "provider"  # a rule naming no field: the form shows it on the provider
            errors.setdefault(name, rejected.user_message)
            if name not in remaining:
                break  # a rule naming a field left empty: nothing more to learn by asking again
            del remaining[name]
    workspace = section.check(values, setup, parsed if not errors else None)
    errors.update({name: sentence for name, sentence in workspace.items() if name not in errors})
    if requires_host(slug):
        email = text_value(values, HOST_EMAIL)
        if not email:
            errors[HOST_EMAIL] = f"{registry.info(slug).name} needs the host's e-mail: someone who hosts events there."
        elif not EMAIL.fullmatch(email):
            errors[HOST_EMAIL] = f"'{email[:60]}' is not an e-mail address, e.g. host@example.com."
    return ({} if errors or parsed is None else _set_fields(parsed)), errors


def plain_sentence(slug: str, sentence: str) -> str:
    """A model's sentence for a Slack modal, which shows no mrkdwn: `access_type=2` becomes the
    choice's label (“With a password”), other `quoted` names lose their backticks."""
    fields = registry.options_model(slug).model_fields

    def label(match: re.Match[str]) -> str:
        name, _, value = match[1].partition("=")
        info = fields.get(name)
        extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
        labels = extra.get("labels") or {}
        return f"“{labels[value]}”" if isinstance(labels, dict) and value in labels else match[1]

    return QUOTED.sub(label, sentence)


# --- kMeet: what the workspace's Infomaniak account allows -------------------------------------------


def kmeet_adjust(inputs: tuple[Input, ...], values: Values, setup: Setup) -> tuple[Input, ...]:
    """Planned conferences are offered with a token only; their settings show once chosen."""
    mode, *planned = inputs
    choices = mode.choices if setup.kmeet_planned else tuple(c for c in mode.choices if c.value != "planned")
    mode = replace(mode, choices=choices, dispatch=True, initial=text_value(values, "mode") or "instant",
                   optional=False, hint=None if setup.kmeet_planned else
                   "Planned conferences need an Infomaniak token: an admin can run /meeting connect kmeet.")
    if mode.initial != "planned":
        return (mode,)
    has_calendar = setup.kmeet_calendar
    planned = [replace(item, optional=has_calendar, hint="Leave empty for the account's calendar." if has_calendar
                       else "The Infomaniak Calendar that gets the event.") if item.name == "calendar_id" else item
               for item in planned]
    return (mode, *planned)


def kmeet_check(values: Values, setup: Setup, options: ProviderOptions | None) -> dict[str, str]:
    """A planned conference (asked for, or implied by a planned-only option) needs the account's token."""
    planned = getattr(options, "planned", text_value(values, "mode") == "planned")
    if not planned:
        return {}
    if not setup.kmeet_planned:
        return {"mode": "Planned kMeet conferences need an Infomaniak token: an admin can run "
                        "/meeting connect kmeet, so choose an instant room meanwhile."}
    errors: dict[str, str] = {}
    if not text_value(values, "calendar_id") and not setup.kmeet_calendar:
        errors["calendar_id"] = "Give the id of the Infomaniak Calendar that gets the event."
    # The title's limit (the model's title_max_length among them) is the form's own check: title_problem.
    return errors


SECTIONS: dict[str, Section] = {
    "kmeet": Section(("mode", "calendar_id", "password", "lobby", "e2ee", "recording", "drive_id", "muted"),
                     adjust=kmeet_adjust, check=kmeet_check),
    "whereby": Section(("room_mode", "is_locked", "viewer_mode", "room_name_prefix")),
    "clickmeeting": Section(("room_type", "access_type", "password")),
    "airmeet": Section(("short_desc", "access_type"), multiline=frozenset({"short_desc"})),
    "roomful": Section(("source_type", "source_ids")),
}
