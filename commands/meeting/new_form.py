"""The ``/meeting new`` modal: every field of a meeting, and a section for the chosen provider.

    modal = await new_meeting_modal(ctx, services)                          # what views.open shows
    modal = await new_meeting_modal(ctx, services, provider="whereby", values=typed)  # after a change

The form (callback ``new_meeting``) checks every value before anything is created: a bad value is
named on its own field (Slack shows it in the modal, the ack carries ``response_action: errors``);
only a form without errors reaches ``create_meeting``, which creates the room and stores the
meeting, so a provider failure leaves nothing half-made.

The provider sections (sections.py) are made from each provider's options model and name their
inputs after its fields, so the
same names work as ``key=value`` in the one-line form (``/meeting new whereby "Demo" tomorrow 10:00
viewer_mode=yes``) and in ``new_meeting_inline``, which takes every field of this form as
``key=value`` for the console.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from commands.framework.context import Context, Services
from commands.framework.forms import State, Values
from commands.framework.replies import Choice, Input, Modal, Reply
from commands.framework.when import GRACE, TooFarAhead, WhenError, parse_duration, parse_offsets, parse_when
from commands.lifecycle.accounts import connected_providers
from commands.lifecycle.create import (
    NewMeeting,
    channel_problem,
    create_meeting,
    people_problem,
    reminders_problem,
    title_problem,
)
from commands.meeting.sections import (
    HOST_EMAIL,
    TITLE,
    Setup,
    initial,
    plain_sentence,
    read_options,
    requires_host,
    section_inputs,
    slack_ids,
    text_value,
)
from providers import registry

__all__ = ["CALLBACK", "NewMeetingForm", "new_meeting_inline", "new_meeting_modal"]

CALLBACK = "new_meeting"
DEFAULT_DURATION_MINUTES = 30
MAX_DURATION_MINUTES = 24 * 60
QUARTER_HOUR = 15 * 60  # seconds

# The general inputs; each name is the Slack block_id and action_id, and the console's key.
PROVIDER, ACCOUNT = "provider", "account"
START_DATE, START_TIME, DURATION = "start_date", "start_time", "duration"
CHANNEL, INVITEES, COHOSTS, REMINDERS = "channel", "invitees", "cohosts", "reminders"
GENERAL_INPUTS = frozenset({PROVIDER, TITLE, START_DATE, START_TIME, DURATION, CHANNEL, INVITEES, COHOSTS, REMINDERS})
NO_REMINDERS = frozenset({"off", "none", "no"})
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_TEXT = re.compile(r"(\d{1,2}):(\d{2})")


# --- the modal ----------------------------------------------------------------------------------


async def new_meeting_modal(
    ctx: Context, services: Services, *, provider: str | None = None, values: Values | None = None
) -> Modal:
    """The form for a new meeting; ``values`` (already typed) are kept when it is rebuilt.

        Reply(modal=await new_meeting_modal(ctx, services))
    """
    values = dict(values or {})
    connected = await connected_providers(services, ctx.team_id)
    chosen = provider or text_value(values, PROVIDER) or await _default_provider(ctx, services, connected)
    if chosen not in registry.PROVIDERS:
        chosen = await _default_provider(ctx, services, connected)
    values[PROVIDER] = chosen
    setup = await Setup.load(services, ctx, provider=chosen, account=text_value(values, ACCOUNT) or None)
    organiser = await services.directory.person(ctx.team_id, ctx.user_id)
    workspace = await services.storage.workspaces.ensure(ctx.team_id)
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
        Input(TITLE, "Title", initial=initial(values, TITLE)),
        Input(START_DATE, "Day", kind="date", initial=initial(values, START_DATE, start.date().isoformat())),
        Input(START_TIME, "Start time", kind="time", initial=initial(values, START_TIME, f"{start:%H:%M}"),
              hint=f"In your time zone, {ctx.zone().key}."),
        Input(DURATION, "Duration in minutes", kind="number",
              initial=initial(values, DURATION, DEFAULT_DURATION_MINUTES)),
        Input(CHANNEL, "Announce in", kind="channel", optional=True, initial=initial(values, CHANNEL, ctx.channel_id),
              hint="Leave empty to create the room without announcing it."),
        Input(INVITEES, "Invite", kind="users", optional=True, initial=initial(values, INVITEES),
              hint="Each gets the link by DM now and with each reminder, a personal one where the provider "
                   "offers it."),
        Input(COHOSTS, "Co-hosts", kind="users", optional=True, initial=initial(values, COHOSTS),
              hint="Each gets a host link by DM where the provider has one, and may cancel the meeting."),
        Input(REMINDERS, "Reminders", optional=True, initial=initial(values, REMINDERS, workspace.default_reminders),
              hint="How long before the start, e.g. 1d,1h,10m. Leave empty for none."),
        *section_inputs(chosen, values, setup, organiser),
    ]
    # The provider rides along so that a change can tell a new provider from a new kMeet mode.
    state = {"provider": chosen} | ({"channel_id": ctx.channel_id} if ctx.channel_id else {})
    return Modal(CALLBACK, "New meeting", "Create", tuple(inputs), state=state)


def next_quarter_hour(now: datetime) -> datetime:
    """The next :00, :15, :30 or :45 after ``now`` (computed in UTC: every zone's offset is whole quarters)."""
    seconds = int(now.timestamp()) // QUARTER_HOUR * QUARTER_HOUR + QUARTER_HOUR
    return datetime.fromtimestamp(seconds, UTC)


async def _default_provider(ctx: Context, services: Services, connected: Mapping[str, list[str]]) -> str:
    """The user's or channel's default if it can be used, else the first connected, else kMeet."""
    preferred = await services.storage.preferences.default_provider(ctx.team_id, user_id=ctx.user_id,
                                                                    channel_id=ctx.channel_id)
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


async def read_form(values: Values, ctx: Context, services: Services) -> Reading:
    """Every check, cheap and local (no provider call), so it fits in Slack's 3-second ack."""
    errors: dict[str, str] = {}
    provider = text_value(values, PROVIDER).lower()
    setup: Setup | None = None
    if provider not in registry.PROVIDERS:
        errors[PROVIDER] = "Choose a provider from the list."
    else:
        account = text_value(values, ACCOUNT) or None
        setup = await Setup.load(services, ctx, provider=provider, account=account)
        if not setup.usable(provider):
            errors[PROVIDER] = (f"{registry.info(provider).name} is not connected in this workspace yet: an admin "
                                f"can run /meeting connect {provider}, so choose another provider meanwhile.")
        elif account and account not in setup.connected.get(provider, []):
            errors[ACCOUNT] = f"There is no {registry.info(provider).name} account called '{account[:40]}'."

    title = " ".join(text_value(values, TITLE).split())
    if not title:
        errors[TITLE] = "Give the meeting a title."
    elif problem := title_problem(provider, title):
        errors[TITLE] = problem
    start, start_errors = read_start(values, ctx=ctx, now=services.clock())
    errors.update(start_errors)
    duration, duration_error = read_duration_minutes(values)
    if duration_error:
        errors[DURATION] = duration_error
    reminders: tuple[timedelta, ...] = ()
    reminder_text = text_value(values, REMINDERS)
    if reminder_text and reminder_text.lower() not in NO_REMINDERS:
        try:
            reminders = tuple(parse_offsets(reminder_text))
        except WhenError as error:
            errors[REMINDERS] = str(error)
        if problem := reminders_problem(reminders, plain=True):
            errors[REMINDERS] = problem
    options: dict[str, Any] = {}
    if setup is not None and PROVIDER not in errors:
        options, section_errors = read_options(provider, values, setup, form_inputs=GENERAL_INPUTS | {ACCOUNT})
        errors.update({name: sentence for name, sentence in section_errors.items() if name not in errors})

    if errors or setup is None or start is None or duration is None:
        return Reading(errors)
    channel = slack_ids(values.get(CHANNEL), "#")
    cohosts = slack_ids(values.get(COHOSTS), "@")
    new = NewMeeting(
        provider=provider,
        title=title,
        start=start,
        duration=duration,
        channel_id=channel[0] if channel else None,
        invitees=tuple(u for u in slack_ids(values.get(INVITEES), "@") if u not in cohosts),
        cohosts=cohosts,
        reminders=reminders,
        options=options,
        account=text_value(values, ACCOUNT) or None,  # None: the provider's default account
        host_email=(text_value(values, HOST_EMAIL) or None) if requires_host(provider) else None,
    )
    return Reading({}, new)


def read_start(values: Values, *, ctx: Context, now: datetime) -> tuple[datetime | None, dict[str, str]]:
    """The start from the date and time pickers, read on the user's wall clock (DST gaps are errors)."""
    day_text, clock_text = text_value(values, START_DATE), text_value(values, START_TIME)
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
    # An earlier day has passed; only today's needs the instant (and 9999-12-31 must not reach UTC).
    if day < local_now.date() or (day == local_now.date() and wall.astimezone(UTC) < now.astimezone(UTC) - GRACE):
        field = START_DATE if day < local_now.date() else START_TIME
        return None, {field: f"That start has already passed: it is {local_now:%H:%M} on {local_now:%a %d %b} "
                             f"in {zone.key}. Pick a later time."}
    try:
        # parse_when reads the wall clock the same way as the one-line form: a time the clocks
        # skip is an error naming the nearest real one, a repeated hour means its first occurrence.
        return parse_when(f"{day.isoformat()} {at:%H:%M}", now=now, tz=zone), {}
    except WhenError as error:
        return None, {START_DATE if isinstance(error, TooFarAhead) else START_TIME: str(error)}


def read_duration_minutes(values: Values) -> tuple[timedelta | None, str | None]:
    """Minutes from the number field (the console may also write ``1h30m``): 1 to 1440."""
    text = text_value(values, DURATION)
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


async def people_errors(values: Values, ctx: Context, services: Services) -> dict[str, str]:
    """Invitees and co-hosts typed (the console) as ids or names Slack does not know, on their fields."""
    errors = {}
    for name in (INVITEES, COHOSTS):
        if problem := await people_problem(slack_ids(values.get(name), "@"), ctx, services, plain=True):
            errors[name] = problem
    return errors


async def create_from(reading: Reading, ctx: Context, services: Services) -> Reply:
    if reading.new is None:
        return Reply.ephemeral(" ".join(reading.errors.values()) or "Please fill in the form again.")
    return await create_meeting(reading.new, ctx, services)


class NewMeetingForm:
    """The ``/meeting new`` modal: field errors in the ack, the room after it, a new section on change."""

    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]:
        errors = (await read_form(values, ctx, services)).errors
        channel = slack_ids(values.get(CHANNEL), "#")
        if channel and CHANNEL not in errors and (problem := await channel_problem(channel[0], ctx, services, plain=True)):
            errors[CHANNEL] = problem
        errors.update(await people_errors(values, ctx, services))
        provider = text_value(values, PROVIDER).lower()
        if provider in registry.PROVIDERS:
            errors = {name: plain_sentence(provider, sentence) for name, sentence in errors.items()}
        return on_shown_fields(errors, values)

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply:
        return await create_from(await read_form(values, ctx, services), ctx, services)

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None:
        if text_value(values, PROVIDER) != state.get("provider"):
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
        values[PROVIDER] = await _default_provider(ctx, services, await connected_providers(services, ctx.team_id))
    if REMINDERS not in values:
        values[REMINDERS] = (await services.storage.workspaces.ensure(ctx.team_id)).default_reminders
    reading = await read_form(values, ctx, services)
    if reading.new is not None:
        reading = Reading(await people_errors(values, ctx, services), reading.new)
    if reading.errors:
        return Reply.ephemeral("\n".join(f"`{name}`: {sentence}" for name, sentence in reading.errors.items()))
    return await create_from(reading, ctx, services)
