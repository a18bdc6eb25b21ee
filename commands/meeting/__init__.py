"""``/meeting``: the generic meeting commands, one module per subcommand family; ``GROUP`` is the value
the composition root (bot/runtime.py) adds to the registry.

    registry = build_registry([meeting.GROUP])
    await registry.dispatch("/meeting", 'new kmeet "Standup" tomorrow 10:00 for 15m', ctx, services)
"""

from __future__ import annotations

from commands.framework.arguments import NoArguments
from commands.framework.oneline import NewMeetingLine
from commands.framework.router import Group, Subcommand
from commands.meeting import (
    cancel,
    connect,
    default,
    disconnect,
    home,
    link,
    listing,
    move,
    move_form,
    new,
    new_form,
    providers,
    remind,
    sections,
    settings,
)
from commands.meeting.lookup import MeetingId, meeting_id_reader

SUBCOMMANDS = (
    Subcommand(name="new", handler=new.new_command, arguments=NewMeetingLine, reader=new.read_new,
               details=sections.settings_help, example='new kmeet "Standup" tomorrow 10:00 for 15m', summary="create a room and announce it"),
    Subcommand(name="providers", handler=providers.providers_command, arguments=NoArguments,
               example="providers", summary="which providers are connected, and how to connect the others"),
    Subcommand(name="list", handler=listing.list_meetings, arguments=listing.ListQuery, reader=listing.parse_list,
               example="list mine page 2",
               summary="upcoming meetings with ids, times and join links — the whole workspace unless you say "
                       f"`mine` or a `#channel`; `past` for those that ended in the last {listing.PAST_DAYS} days; "
                       f"{listing.PAGE_SIZE} a page"),
    Subcommand(name="cancel", handler=cancel.cancel_command, arguments=MeetingId, reader=meeting_id_reader("cancel"),
               example="cancel k7m2qx",
               summary="call a meeting off: deletes the room where the provider allows it, marks the "
                       "announcement cancelled and stops the reminders (its organiser, a co-host or an admin)"),
    Subcommand(name="move", handler=move.move_command, arguments=move.MoveArgs, reader=move.read_move,
               example="move k7m2qx tomorrow 10:00 for 45m",
               summary="give a meeting a new time, and length with `for` (its organiser, a co-host or an admin): "
                       "the room moves at the provider where it can, else a new room replaces it; the "
                       "announcement, the reminders and everyone invited follow"),
    Subcommand(name="remind", handler=remind.remind_command, arguments=remind.RemindArgs, reader=remind.read_remind,
               example="remind k7m2qx 1d,15m",
               summary="change a meeting's reminders, or `none` (its organiser, a co-host or an admin); "
                       f"at most {remind.MAX_REMINDERS}, none in the past"),
    Subcommand(name="link", handler=link.link_command, arguments=MeetingId, reader=meeting_id_reader("link"),
               example="link k7m2qx",
               summary="your own link, shown only to you: the host link if you host, a personal sign-in link on "
                       "ClickMeeting, else the join link"),
    Subcommand(name="connect", handler=connect.connect_command, arguments=connect.ConnectArgs, admin=True,
               example="connect whereby",
               summary="admins: connect a provider account (a form in Slack; in the console give its fields "
                       "as key=value)"),
    Subcommand(name="disconnect", handler=disconnect.disconnect_command, arguments=disconnect.DisconnectArgs,
               admin=True, example="disconnect whereby", summary="admins: remove a provider account and its keys"),
    Subcommand(name="default", handler=default.default_command, arguments=default.DefaultArgs,
               example="default whereby --channel",
               summary="show, set or clear (`none`) the provider `/meeting new` uses when none is named: yours, "
                       "or (admins) the channel's with `--channel`"),
    Subcommand(name="settings", handler=settings.settings_command, arguments=settings.SettingsArgs,
               reader=settings.read_settings, example="settings reminders 1d,15m",
               summary="the workspace's settings: shows them; admins set the default reminders of new meetings"),
)

GROUP = Group(
    name="/meeting",
    summary="meetings on Airmeet, Whereby, ClickMeeting, Roomful and Infomaniak kMeet",
    entries=SUBCOMMANDS,
    forms={new_form.CALLBACK: new_form.NewMeetingForm(), connect.CALLBACK: connect.ConnectForm(),
           move_form.CALLBACK: move_form.MoveForm()},
    actions=(*listing.ACTIONS, *connect.ACTIONS, *disconnect.ACTIONS, *move_form.ACTIONS),
    home=home.home_sections,
)
