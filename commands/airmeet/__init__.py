"""``/airmeet``: run a virtual event from Slack — events, speakers, sessions, booths, landing page,
registrations and exports. ``GROUP`` is the value the composition root (bot/runtime.py) adds.

    registry = build_registry([meeting.GROUP, airmeet.GROUP])
    await registry.dispatch("/airmeet", "event new", ctx, services)

``<event>`` is a meetbot id (``/airmeet event list``) or an Airmeet uuid (``resolve.resolve_event``).
``speaker add``, ``session add``, ``booth add`` and ``register`` also take ``<event> bulk``: a CSV
import (``bulk_commands.with_bulk`` over the kinds in ``bulk``, run by commands.imports).
"""

from __future__ import annotations

from commands.airmeet import booths, bulk, events, exports, landing, sessions, speakers, status
from commands.airmeet.bulk_commands import with_bulk
from commands.airmeet.forms import EventArgs, FieldArgs, form_command
from commands.framework.arguments import NoArguments
from commands.framework.router import Group, Subcommand
from commands.imports import import_actions

EVENT = Group(name="event", summary="create, list and look at Airmeet events", entries=(
    Subcommand(name="new", handler=events.event_new_command, arguments=FieldArgs,
               example='new name="Town hall" short_desc="Q4 review" start="2026-12-10 16:00" end=2h',
               summary="a new Airmeet event (a form in Slack; in the console its fields as key=value)",
               details=lambda: "fields: " + ", ".join(f"`{n}=`" for n in events.EventRow.model_fields)
               + "; access_type is one of " + ", ".join(f"`{k}` ({v})" for k, v in events.ACCESS_LABELS.items())),
    Subcommand(name="list", handler=events.event_list_command, arguments=NoArguments, example="list",
               summary="the Airmeet events meetbot made that you manage, with their status"),
    Subcommand(name="info", handler=events.event_info_command, arguments=events.EventRef, example="info k7m2qx",
               summary="an event's sessions, session hosts and the speakers added here"),
))

SPEAKER = Group(name="speaker", summary="speakers of an event", entries=(
    with_bulk(Subcommand(name="add", handler=form_command(speakers.FORM), arguments=EventArgs,
                         example="add k7m2qx name=Ada email=ada@example.com organisation=ACME",
                         summary="add a speaker (a form; fields " + ", ".join(speakers.SpeakerRow.model_fields)
                                 + "), or many from a CSV with `add <event> bulk`"),
              bulk.SPEAKERS, command="/airmeet speaker add", bulk_example="add k7m2qx bulk",
              bulk_summary="add speakers from a CSV (name, email, …): a preview first, then Import"),
))

SESSION = Group(name="session", summary="sessions of an event", entries=(
    with_bulk(Subcommand(name="add", handler=form_command(sessions.FORM), arguments=EventArgs,
                         example='add k7m2qx title=Keynote start="2026-12-10 16:00" duration=45 speakers=ada@example.com',
                         summary="add a HOSTING session; speakers and co-hosts must be speakers of the event already "
                                 "(a form; fields " + ", ".join(sessions.SessionRow.model_fields)
                                 + "), or many from a CSV with `add <event> bulk [--add-speakers]`"),
              bulk.SESSIONS, command="/airmeet session add", bulk_example="add k7m2qx bulk --add-speakers",
              bulk_summary="create sessions from a CSV (title, start, duration, host_email, speakers, …); their "
                           "speakers must be on the event, or say `--add-speakers`"),
    Subcommand(name="delete", handler=sessions.session_delete_command, arguments=sessions.SessionRef,
               example="delete k7m2qx p3rk8m",
               summary="delete a session (meetbot id or Airmeet session id), after you confirm"),
))

BOOTH = Group(name="booth", summary="booths of an event", entries=(
    with_bulk(Subcommand(name="add", handler=form_command(booths.BOOTH_FORM), arguments=EventArgs,
                         example="add k7m2qx name=Sponsors tags=cloud,ai",
                         summary="add a booth (a form; fields " + ", ".join(booths.BoothRow.model_fields)
                                 + "), or many from a CSV with `add <event> bulk`"),
              bulk.BOOTHS, command="/airmeet booth add", bulk_example="add k7m2qx bulk",
              bulk_summary="create booths from a CSV (name, exhibitors, tags)"),
))

SUBCOMMANDS = (
    EVENT,
    Subcommand(name="status", handler=status.status_command, arguments=status.StatusArgs,
               example="status k7m2qx ongoing",
               summary="start (ongoing), pause, finish or archive an event; finishing and archiving ask first"),
    Subcommand(name="duplicate", handler=events.duplicate_command, arguments=events.DuplicateArgs,
               reader=events.read_duplicate, example="duplicate k7m2qx 2027-01-14 16:00 Europe/Zurich",
               summary="a copy of an event starting then (in that time zone, else the event's)"),
    Subcommand(name="landing", handler=form_command(landing.FORM), arguments=EventArgs,
               example="landing k7m2qx ambience=DARK layout=MODERN highlight_color=#1a2b3c",
               summary="the event page's look (a form; fields " + ", ".join(landing.LandingRow.model_fields)
                       + "; colours as #rrggbb, the image a .jpg/.jpeg/.png link)"),
    SPEAKER,
    SESSION,
    BOOTH,
    with_bulk(Subcommand(name="register", handler=form_command(booths.REGISTER_FORM), arguments=EventArgs,
                         example="register k7m2qx email=ada@example.com first_name=Ada last_name=Lovelace",
                         summary="register someone for an event (a form; fields email, first_name, last_name), "
                                 "or many from a CSV with `register <event> bulk`"),
              bulk.REGISTRATIONS, command="/airmeet register", bulk_example="register k7m2qx bulk",
              bulk_summary="register attendees from a CSV (email, first_name, last_name)"),
    Subcommand(name="attendance", handler=exports.attendance_command, arguments=exports.EventTarget,
               example="attendance k7m2qx",
               summary="who attended the event, a session or a booth: a summary here, the CSV file by DM"),
    Subcommand(name="polls", handler=exports.polls_command, arguments=exports.EventOnly, example="polls k7m2qx",
               summary="the event's poll answers: a summary here, the CSV file by DM"),
    Subcommand(name="questions", handler=exports.questions_command, arguments=exports.EventOnly,
               example="questions k7m2qx", summary="the questions asked at the event: a summary here, the CSV file by DM"),
)

FORMS = (events.NEW_FORM, speakers.FORM, sessions.FORM, booths.BOOTH_FORM, booths.REGISTER_FORM, landing.FORM)

GROUP = Group(
    name="/airmeet",
    summary="virtual events on Airmeet: events, speakers, sessions, booths, landing page, registrations (one by one or from a CSV), exports "
            "(`<event>` is a meetbot id or an Airmeet uuid; an admin connects Airmeet with `/meeting connect airmeet`)",
    entries=SUBCOMMANDS,
    forms={**{form.callback: form for form in FORMS}, bulk.CALLBACK: bulk.BulkForm()},
    actions=(*status.ACTIONS, *sessions.ACTIONS, *import_actions("airmeet")),
)
