"""Creating a meeting on any provider: the room, the stored meeting, its reminders, the messages.

    reply = await create_meeting(NewMeeting(provider="kmeet", title="Standup", start=now,
                                            duration=timedelta(minutes=30)), ctx, services)

Nothing is left half-made: a channel the speaker is not in, or the bot cannot post in, is refused
before the room exists (``channel_problem``); if the meeting cannot be stored, the room is deleted
again where the provider allows it and the user is told; if the announcement still fails (the bot was removed
meanwhile), the meeting stays listed and the shell tells the organiser (``announcement_failed``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.replies import Audience, Button, Choice, Menu, Message, Reply, escape
from commands.framework.tokenizer import echo
from commands.framework.when import WhenError, parse_offsets
from commands.lifecycle.accounts import open_adapter
from commands.lifecycle.card import meeting_fields, people_fields
from commands.lifecycle.links import has_host_link, host_links, no_host_link, personal_links
from commands.lifecycle.reminders import human_offset
from commands.lifecycle.reschedule import OPTIONS, options_to_store, reminder_times
from db.errors import StorageError
from db.records import Meeting, Workspace, new_meeting_id
from providers import registry
from providers.base import Capability, Room, RoomRequest
from providers.errors import ProviderError, display_name

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class NewMeeting:
    """A validated request to create a meeting (from the one-line form or the modal)."""

    provider: str
    title: str
    start: datetime
    duration: timedelta
    channel_id: str | None = None
    invitees: tuple[str, ...] = ()
    cohosts: tuple[str, ...] = ()
    reminders: tuple[timedelta, ...] | None = None  # None: the workspace default
    options: dict[str, Any] = field(default_factory=dict)
    account: str | None = None
    host_email: str | None = None  # Airmeet's event host; default: the organiser's Slack e-mail


# Slack's header block takes 150 characters of plain text (Block Kit reference, "Header block"):
# a title that fits there fits every message we post it in, with "Organised by" after it.
TITLE_MAX = 150


def title_limit(provider: str) -> int:
    """The one limit on a meeting title: ``TITLE_MAX``, or less where the provider's options model says so."""
    own = getattr(registry.options_model(provider), "title_max_length", None) if provider in registry.PROVIDERS else None
    return min(TITLE_MAX, own) if isinstance(own, int) else TITLE_MAX


def title_problem(provider: str, title: str) -> str | None:
    """The sentence refusing a title too long for ``provider``, or None."""
    limit = title_limit(provider)
    if len(title) <= limit:
        return None
    return f"A meeting title has at most {limit} characters and this one has {len(title)}: please shorten it."


CREATE_WINDOW = timedelta(minutes=1)  # the create rate limit counts the meetings made in this window

# At most this many reminders per meeting (issue 8, defect 10): more is refused, never cut silently.
MAX_REMINDERS = 5


def reminders_problem(offsets: tuple[timedelta, ...] | None, *, plain: bool = False) -> str | None:
    """The sentence refusing more than ``MAX_REMINDERS`` reminders, or None."""
    if offsets is None or len(offsets) <= MAX_REMINDERS:
        return None
    example = "1d,1h,10m" if plain else "`remind 1d,1h,10m`"
    return (f"A meeting has at most {MAX_REMINDERS} reminders and you asked for {len(offsets)}: "
            f"keep {MAX_REMINDERS} or fewer, e.g. {example}.")


async def people_problem(user_ids: tuple[str, ...], ctx: Context, services: Services, *,
                         plain: bool = False) -> str | None:
    """The sentence refusing people the Directory does not know as Slack users (a typed ``@name``), or None."""
    unknown = [user for user in dict.fromkeys(user_ids) if await services.directory.person(ctx.team_id, user) is None]
    if not unknown:
        return None
    # Quoted, so a typed name's punctuation reads as the name's (the modal shows no backticks).
    names = [f"'@{echo(user)}'" if plain else f"`{escape('@' + echo(user))}`" for user in unknown[:3]]
    who = ", ".join(names) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
    return (f"I can't find {who} among this workspace's Slack users, so nothing was created: "
            "pick people from Slack's @ list.")


def late_reminders_note(new: NewMeeting, now: datetime) -> str:
    """What the organiser hears of asked-for reminders that would come before now (left out)."""
    return late_note(new.reminders or (), start=new.start, now=now)


def late_note(offsets: tuple[timedelta, ...], *, start: datetime, now: datetime) -> str:
    """`` The 1 day reminder would come before now, so I left it out.`` for those of ``offsets`` before
    ``start`` that are already past at ``now`` (a new meeting, or a moved one); "" when none is."""
    late = [offset for offset in offsets if start - offset <= now]
    if not late:
        return ""
    spelled = [human_offset(int(offset.total_seconds() // 60)) for offset in late]
    listed = spelled[0] if len(spelled) == 1 else ", ".join(spelled[:-1]) + " and " + spelled[-1]
    if len(late) == 1:
        return f" The {listed} reminder would come before now, so I left it out."
    return f" The {listed} reminders would come before now, so I left them out."


def parse_offsets_setting(text: str) -> tuple[timedelta, ...]:
    """The workspace's stored default, e.g. "1h,10m"; an unreadable setting means no reminders."""
    try:
        return tuple(parse_offsets(text)) if text.strip() else ()
    except WhenError:
        return ()


async def rate_problem(ctx: Context, services: Services) -> str | None:
    """The sentence refusing one more meeting from someone who made ``services.create_limit`` in the
    last minute, or None. Counted in the database, so every replica sees the same count."""
    if services.create_limit <= 0:
        return None
    made = await services.storage.meetings.created_by(ctx.team_id, ctx.user_id,
                                                      since=services.clock() - CREATE_WINDOW)
    if made < services.create_limit:
        return None
    return (f"You have created {made} meetings in the last minute, the most one person may, so nothing was "
            "created: please wait a minute and try again.")


async def create_meeting(new: NewMeeting, ctx: Context, services: Services) -> Reply:
    """Create the room, store the meeting and reminders, and return the messages to send."""
    if problem := await rate_problem(ctx, services):
        raise UserError(problem)  # first: a flood costs one count query each, no provider call
    if problem := title_problem(new.provider, new.title):
        raise UserError(problem)
    if problem := reminders_problem(new.reminders):
        raise UserError(problem)
    if problem := await people_problem((*new.invitees, *new.cohosts), ctx, services):
        raise UserError(problem)
    if new.channel_id and (problem := await channel_problem(new.channel_id, ctx, services)):
        raise UserError(problem)  # before the room exists: nothing to undo, one sentence
    late = late_reminders_note(new, services.clock())
    emails, no_email = await invitee_emails(new.invitees, ctx, services)
    organiser = await services.directory.person(ctx.team_id, ctx.user_id)
    request = RoomRequest(
        title=new.title,
        start=new.start,
        end=new.start + new.duration,
        timezone=ctx.user_tz,
        host_email=new.host_email or (organiser.email if organiser else None),
        invitee_emails=emails,
        options=new.options,
    )
    async with open_adapter(services, team_id=ctx.team_id, provider=new.provider, account=new.account) as adapter:
        # The workspace's reminder defaults are read while the provider makes the room: once rooms are
        # back, a burst's announcements all wait for the database's thread (benchmarks/ack_latency.py).
        workspace = asyncio.ensure_future(services.storage.workspaces.ensure(ctx.team_id))
        workspace.add_done_callback(_retrieved)  # an error nobody awaits (the create failed) is not logged
        try:
            room = await adapter.create_room(request)
        except BaseException:
            workspace.cancel()
            raise
        try:
            meeting = await store_meeting(new, room, ctx, services, workspace=await workspace)
        except StorageError as error:
            # The sentence names no parameter (db/errors.py); the traceback would add nothing.
            log.error("storing meeting failed after the %s room was created: %s", new.provider, error)
            undone = False
            if Capability.CANCEL in adapter.capabilities:
                try:
                    await adapter.delete_room(room.room_id)
                    undone = True
                except ProviderError:
                    log.warning("could not delete the orphan %s room %s", new.provider, room.room_id)
            tail = "I removed the room again." if undone else f"The room may still exist at {display_name(new.provider)}."
            return Reply.ephemeral(f"I could not save the meeting, so nothing was announced. {tail} Please try again.")
    hosts = await host_links(meeting, services)
    invited = await personal_links(meeting, [u for u in meeting.invitee_ids if u not in meeting.host_ids], services)
    names = await people_names((*meeting.cohost_ids, *meeting.invitee_ids), ctx, services)
    return announce(meeting, room, new, ctx, hosts=hosts, invited=invited, no_email=no_email, names=names,
                    note=late)


async def channel_problem(channel_id: str, ctx: Context, services: Services, *, plain: bool = False) -> str | None:
    """Why the meeting cannot be announced in ``channel_id`` (the speaker is not in it, or the bot
    cannot post there), or None. ``plain``: for a modal's field error, which shows no mrkdwn."""
    where = "that channel" if plain else ("this conversation" if channel_id == ctx.channel_id else f"<#{channel_id}>")
    speaker_in = channel_id == ctx.channel_id or await services.directory.is_member(ctx.team_id, channel_id, ctx.user_id)
    if not speaker_in:
        return (f"You can only announce a meeting in a channel you are in, and you are not in {where}, "
                "so nothing was created: join it or pick another.")
    if not await services.directory.can_post(ctx.team_id, channel_id):
        invite = "/invite @meetbot" if plain else "`/invite @meetbot`"
        return (f"I can't post in {where}, so nothing was created: invite me there with {invite}, "
                "or pick another channel.")
    return None


async def invitee_emails(user_ids: tuple[str, ...], ctx: Context,
                         services: Services) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The invitees' e-mails for the provider, and those Slack shares no e-mail for."""
    emails, unknown = [], []
    for user_id in user_ids:
        person = await services.directory.person(ctx.team_id, user_id)
        if person and person.email:
            emails.append(person.email)
        else:
            unknown.append(user_id)
    return tuple(emails), tuple(unknown)


async def people_names(user_ids: tuple[str, ...], ctx: Context, services: Services) -> dict[str, str]:
    """The Directory's name of each user it knows (for text that must not ping them)."""
    names = {}
    for user_id in dict.fromkeys(user_ids):
        person = await services.directory.person(ctx.team_id, user_id)
        if person and person.name:
            names[user_id] = person.name
    return names


def _retrieved(task: asyncio.Future[Any]) -> None:
    # asyncio logs, with a traceback, a task's error that was never read.
    if not task.cancelled():
        task.exception()


async def store_meeting(new: NewMeeting, room: Room, ctx: Context, services: Services, *,
                        workspace: Workspace | None = None) -> Meeting:
    """Store the meeting of a room just made, with its reminders (``new``'s, or the workspace's defaults):
    ``meeting = await store_meeting(new, room, ctx, services)``; ``workspace`` when already read."""
    workspace = workspace or await services.storage.workspaces.ensure(ctx.team_id)
    offsets = new.reminders if new.reminders is not None else parse_offsets_setting(workspace.default_reminders)
    now = services.clock()
    due = reminder_times(offsets, start=new.start, now=now)
    meeting = Meeting(
        id=new_meeting_id(),
        team_id=ctx.team_id,
        provider=new.provider,
        account_name=new.account,
        title=new.title,
        starts_at=new.start,
        duration_minutes=int(new.duration.total_seconds() // 60),
        timezone=ctx.user_tz,
        channel_id=new.channel_id,
        organiser_id=ctx.user_id,
        cohost_ids=tuple(user for user in new.cohosts if user != ctx.user_id),  # the organiser hosts anyway
        invitee_ids=new.invitees,
        room_id=room.room_id,
        join_url=room.join_url,
        host_url=room.host_url,
        provider_data={**room.details, OPTIONS: options_to_store(new.options)},  # a move may need them again
        created_at=now,  # the clock the create rate limit counts with
    )
    return await services.storage.meetings.add(meeting, reminder_times=due)


def announce(meeting: Meeting, room: Room, new: NewMeeting, ctx: Context, *, hosts: dict[str, str],
             invited: dict[str, str], no_email: tuple[str, ...] = (), names: dict[str, str] | None = None,
             note: str = "") -> Reply:
    """The channel announcement (viewer link only; co-hosts and invitees by name, so nobody is pinged),
    host links and invitations by DM, a note to the organiser."""
    join = Button("Join", url=room.join_url, style="primary")
    reply = Reply()
    if new.channel_id:
        reply.add(announcement(meeting, names=names or {}, start=new.start))
    for host, link in hosts.items():
        reply.add(
            Message(
                f"Your host link for *{escape(meeting.title)}* (`{meeting.id}`). Keep it to yourself: "
                "it gives host rights.",
                audience=Audience.DM,
                to=host,
                buttons=(Button("Join as host", url=link, style="primary"),),
            )
        )
    for invitee, link in invited.items():
        reply.add(
            Message(
                f"<@{ctx.user_id}> invited you to *{escape(meeting.title)}* (`{meeting.id}`).",
                audience=Audience.DM,
                to=invitee,
                fields=meeting_fields(meeting, start=new.start, duration=True),
                buttons=(Button("Join", url=link, style="primary"),),
            )
        )
    provider = registry.info(meeting.provider).name
    tail = host_note(meeting, hosts) + note
    if no_email:
        who = ", ".join(f"<@{user}>" for user in no_email)
        tail += f" Slack shares no e-mail address for {who}, so they get the participant link by DM."
    if new.channel_id:
        reply.add(Message(f"Room ready: *{escape(meeting.title)}* on {provider}, announced in <#{new.channel_id}>. "
                          f"Id `{meeting.id}`.{tail}"))
    else:
        reply.add(Message(f"Room ready: *{escape(meeting.title)}* on {provider}. Id `{meeting.id}`.{tail}",
                          fields=meeting_fields(meeting, start=new.start, duration=True), buttons=(join,)))
    return reply


# The announcement's "more" menu: its action id, and each choice's value as "<verb>:<meeting id>"
# (commands/meeting answers it; the verbs are its subcommands).
MEETING_MENU = "meeting_menu"


def meeting_menu(meeting: Meeting) -> Menu:
    """Move (a form) and the reader's own link, from the announcement itself."""
    return Menu(MEETING_MENU, (Choice(f"move:{meeting.id}", "Move…"), Choice(f"link:{meeting.id}", "My link")))


def announcement(meeting: Meeting, *, names: dict[str, str], start: datetime | None = None,
                 replace_ts: str | None = None) -> Message:
    """The channel's card of the meeting: title, organiser, fields, people by name, the Join button.
    With ``replace_ts`` it edits that earlier post (a move) instead of being posted (and its ts kept)."""
    return Message(
        f"*{escape(meeting.title)}*\nOrganised by <@{meeting.organiser_id}>",
        audience=Audience.CHANNEL,
        to=meeting.channel_id,
        fields=meeting_fields(meeting, start=start, duration=True) + people_fields(meeting, names),
        buttons=(Button("Join", url=meeting.join_url, style="primary"),),
        purpose=None if replace_ts else f"announcement:{meeting.id}",
        replace_ts=replace_ts,
        menu=meeting_menu(meeting),
    )


def host_note(meeting: Meeting, hosts: dict[str, str]) -> str:
    """What the organiser should know about host links: none on this provider, or some not made."""
    if not has_host_link(meeting.provider):
        return " " + no_host_link(meeting.provider)
    missing = [host for host in meeting.host_ids if host not in hosts]
    if not missing:
        return ""
    who = ", ".join(f"<@{host}>" for host in missing)
    return f" I could not make a host link for {who}; `/meeting link {meeting.id}` tries again."


def announcement_failed(meeting_id: str, channel_id: str, reason: str) -> Reply:
    """What the organiser hears when the room exists but the channel post did not go out."""
    return Reply.ephemeral(
        f"The meeting `{meeting_id}` is created and listed, but I could not post it in <#{channel_id}> ({reason}). "
        f"Invite me to that channel with `/invite @meetbot`, or share the link yourself."
    )


async def record_announcement(services: Services, *, team_id: str, purpose: str | None, ts: str | None) -> None:
    """The shell posted a message with ``purpose``; keep an announcement's ts for later updates."""
    if ts and purpose and purpose.startswith("announcement:"):
        await services.storage.meetings.set_announcement(team_id, purpose.split(":", 1)[1], ts)
