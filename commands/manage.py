"""``/meeting list``, ``cancel`` and ``link``: finding meetings, calling one off, and one's own link.

    await dispatch("/meeting", "list mine page 2", ctx, services)
    await dispatch("/meeting", "cancel k7m2qx", ctx, services)
    await dispatch("/meeting", "link k7m2qx", ctx, services)

Who sees what: a list shows each meeting's join (viewer) link, never a host link; a meeting with no
channel is invite-only and is listed, and linked, only for its organiser, co-hosts, invitees and
workspace admins. Host links come from ``link``, to the host alone.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from commands.accounts import is_admin, open_adapter
from commands.context import Context, Services
from commands.forms import action
from commands.replies import Audience, Button, Field, Message, Reply, escape
from commands.router import Subcommand, UserError
from db.models import Meeting
from db.repo import involves
from providers import registry
from providers.base import Capability, Role, Room
from providers.errors import NotFound, NotSupported, ProviderError, RateLimited, Unavailable

log = logging.getLogger(__name__)

PAGE_SIZE = 10  # a Slack section holds 10 fields: one per meeting, so each time is a date token
MAX_LISTED = 1000  # far more than a workspace plans ahead; the repository filters in memory anyway
NEXT_PAGE = "meeting_list_next"
PREVIOUS_PAGE = "meeting_list_previous"  # its own id: Slack wants action ids unique within a block

SLACK_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")


# -- /meeting list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ListQuery:
    """What ``list`` was asked for: ``scope`` is "all", "mine" or "channel" (then ``channel_id``)."""

    scope: str = "all"
    channel_id: str | None = None
    page: int = 1

    def text(self, page: int) -> str:
        """The arguments that ask for another page of the same list (a button's value)."""
        if self.scope == "channel" and self.channel_id:
            where = f"<#{self.channel_id}>" if CHANNEL_ID.fullmatch(self.channel_id) else f"#{self.channel_id}"
        else:
            where = self.scope
        return f"{where} page {page}"


def parse_list(args: str) -> ListQuery:
    """``[all|mine|#channel] [page <n>]``: ``parse_list("mine page 2") == ListQuery("mine", None, 2)``."""
    words = args.split()
    scope, channel_id, page = "all", None, 1
    index = 0
    while index < len(words):
        word = words[index]
        lowered = word.lower()
        if lowered in ("all", "mine"):
            scope, channel_id = lowered, None
        elif word.startswith("<#"):
            match = SLACK_CHANNEL.fullmatch(word)
            if match is None:
                raise UserError(f"I couldn't read the channel `{word}` — name it like `#general`.")
            scope, channel_id = "channel", match[1]
        elif word.startswith("#") and len(word) > 1:
            scope, channel_id = "channel", word[1:]  # the console types channel names
        elif lowered == "page" or lowered.isdigit():
            number = words[index + 1] if lowered == "page" and index + 1 < len(words) else word
            index += lowered == "page"
            if not number.isdigit() or int(number) < 1:
                raise UserError("Pages are counted from 1, e.g. `/meeting list mine page 2`.")
            page = int(number)
        else:
            raise UserError(
                f"I can list `all`, `mine` or a `#channel`, not `{word[:40]}` — e.g. `/meeting list mine page 2`."
            )
        index += 1
    return ListQuery(scope, channel_id, page)


async def list_command(args: str, ctx: Context, services: Services) -> Reply:
    """Upcoming meetings, one page, soonest first: ``list``, ``list mine``, ``list #team page 2``."""
    return await list_meetings(parse_list(args), ctx, services)


async def list_meetings(query: ListQuery, ctx: Context, services: Services) -> Reply:
    now = services.clock()
    admin = await is_admin(ctx, services)
    rows = services.repo.upcoming_meetings(
        ctx.team_id,
        after=now,
        channel_id=query.channel_id if query.scope == "channel" else None,
        involving_user=ctx.user_id if query.scope == "mine" else None,
        limit=MAX_LISTED,
    )
    rows = [meeting for meeting in rows if await may_see(meeting, ctx, services, admin=admin)]
    where = {"all": "in this workspace", "mine": "you organise, co-host or are invited to"}.get(
        query.scope, f"in <#{query.channel_id}>"
    )
    if not rows:
        if query.scope == "mine":
            return Reply.ephemeral("You have no upcoming meetings. Create one with `/meeting new`.")
        return Reply.ephemeral(f"No upcoming meetings {where}. Create one with `/meeting new`.")
    pages = -(-len(rows) // PAGE_SIZE)
    if query.page > pages:
        return Reply.ephemeral(
            f"There is no page {query.page}: the {len(rows)} upcoming meetings {where} fit on "
            f"{pages} page{'s' if pages > 1 else ''}. Try `/meeting list {query.text(1)}`."
        )
    first = (query.page - 1) * PAGE_SIZE
    shown = rows[first : first + PAGE_SIZE]
    count = f"{len(rows)} meeting{'s' if len(rows) > 1 else ''}"
    heading = f"*Upcoming meetings {where}* — {count}"
    if pages > 1:
        heading += f", page {query.page} of {pages}"
    lines = [heading, "`/meeting link <id>` gives you your own link (hosts get the host link there)."]
    buttons = [Button(f"Join {meeting.title[:60]}", url=meeting.join_url) for meeting in shown]
    if query.page > 1:
        buttons.append(Button("Previous page", action_id=PREVIOUS_PAGE, value=query.text(query.page - 1)))
    if query.page < pages:
        buttons.append(Button("Next page", action_id=NEXT_PAGE, value=query.text(query.page + 1)))
        lines.append(f"More: `/meeting list {query.text(query.page + 1)}`")
    fields = tuple(Field(list_label(m, ctx.user_id, now=now, query=query), m.starts_at) for m in shown)
    return Reply([Message("\n".join(lines), fields=fields, buttons=tuple(buttons))])


async def may_see(meeting: Meeting, ctx: Context, services: Services, *, admin: bool) -> bool:
    """Those involved and admins see a meeting; others only if they can read the channel it was announced in."""
    if admin or involves(meeting, ctx.user_id):
        return True
    if not meeting.channel_id:
        return False  # invite-only
    if meeting.channel_id == ctx.channel_id:
        return True
    return await services.directory.can_read(ctx.team_id, meeting.channel_id, ctx.user_id)


def list_label(meeting: Meeting, user_id: str, *, now: datetime, query: ListQuery) -> str:
    """``Standup · kMeet · 15 min · #general · you host · `k7m2qx```: everything but the time."""
    parts = [escape(meeting.title[:80]), registry.info(meeting.provider).name, f"{meeting.duration_minutes} min"]
    if meeting.channel_id and query.scope != "channel":
        parts.append(f"<#{meeting.channel_id}>")
    if not meeting.channel_id:
        parts.append("invite-only")
    if role := role_of(meeting, user_id):
        parts.append(role)
    if meeting.starts_at <= now:
        parts.append("happening now")
    parts.append(f"`{meeting.id}`")
    return " · ".join(parts)


def role_of(meeting: Meeting, user_id: str) -> str | None:
    if meeting.organiser_id == user_id:
        return "you organise"
    if user_id in json.loads(meeting.cohost_ids):
        return "you co-host"
    if user_id in json.loads(meeting.invitee_ids):
        return "you're invited"
    return None


@action(NEXT_PAGE)
@action(PREVIOUS_PAGE)
async def turn_page(value: str, ctx: Context, services: Services) -> Reply:
    """The list's Next/Previous buttons carry the arguments of the page they show."""
    try:
        return await list_command(value, ctx, services)
    except UserError as error:
        return Reply.ephemeral(str(error))


# -- /meeting cancel -------------------------------------------------------------------------


def find_meeting(args: str, ctx: Context, services: Services, *, verb: str) -> Meeting:
    """The meeting named by the one id in ``args``, in this workspace only."""
    words = args.replace("`", " ").split()
    if len(words) != 1:
        raise UserError(f"Give one meeting id, e.g. `/meeting {verb} k7m2qx`; `/meeting list` shows the ids.")
    meeting = services.repo.get_meeting(ctx.team_id, words[0])
    if meeting is None:
        raise UserError(
            f"There is no meeting `{escape(words[0][:20])}` in this workspace. `/meeting list` shows the ids."
        )
    return meeting


async def cancel_command(args: str, ctx: Context, services: Services) -> Reply:
    """Call a meeting off: the room at the provider (where its API allows), the announcement, the reminders."""
    meeting = find_meeting(args, ctx, services, verb="cancel")
    title = escape(meeting.title)
    if meeting.status == "cancelled":
        return Reply.ephemeral(f"*{title}* (`{meeting.id}`) is already cancelled.")
    if meeting.organiser_id != ctx.user_id and not await is_admin(ctx, services):
        return Reply.ephemeral(
            f"Only <@{meeting.organiser_id}>, who organises *{title}*, or a workspace admin can cancel it."
        )
    if meeting.starts_at + timedelta(minutes=meeting.duration_minutes) <= services.clock():
        return Reply.ephemeral(f"*{title}* (`{meeting.id}`) has already ended, so there is nothing to cancel.")
    at_provider = await delete_at_provider(meeting, services)
    stopped = sum(1 for reminder in services.repo.reminders_for(ctx.team_id, meeting.id)
                  if reminder.status == "pending")
    services.repo.cancel_meeting(ctx.team_id, meeting.id)

    reply = Reply()
    if meeting.channel_id and meeting.announcement_ts:
        reply.add(cancelled_announcement(meeting, ctx))
    for host in dict.fromkeys((meeting.organiser_id, *json.loads(meeting.cohost_ids))):
        if host != ctx.user_id:
            reply.add(Message(f"<@{ctx.user_id}> cancelled *{title}* (`{meeting.id}`).",
                              audience=Audience.DM, to=host, fields=(Field("Was planned for", meeting.starts_at),)))
    reminders = "No reminders were due"
    if stopped:
        reminders = f"{stopped} pending reminder{'s' if stopped != 1 else ''} stopped"
    reply.add(Message(f"Cancelled *{title}* (`{meeting.id}`). {at_provider} {reminders}."))
    return reply


async def delete_at_provider(meeting: Meeting, services: Services) -> str:
    """Delete the room where the provider's API can; a sentence saying what happened there.

    A passing outage or rate limit stops the whole cancel (nothing changed, try again); any other
    refusal still cancels here and says the room may live on at the provider.
    """
    name = registry.info(meeting.provider).name
    if Capability.CANCEL not in registry.adapter_class(meeting.provider).capabilities:
        return f"{name} cannot delete rooms through its API, so its link may keep working there."
    try:
        async with open_adapter(services, team_id=meeting.team_id, provider=meeting.provider,
                                account=meeting.account_name) as adapter:
            await adapter.delete_room(meeting.room_id)
    except NotFound:
        return f"{name} had already removed the room."
    except NotSupported as error:
        return error.user_message
    except (Unavailable, RateLimited) as error:
        raise UserError(f"{error.user_message} The meeting is not cancelled yet.") from None
    except ProviderError as error:
        log.warning("deleting %s room %s failed: %s", meeting.provider, meeting.room_id, error)
        return f"I could not delete the room at {name} ({error.user_message.rstrip('.')}); remove it there yourself."
    return f"The room is deleted at {name}."


def cancelled_announcement(meeting: Meeting, ctx: Context) -> Message:
    """The channel announcement, struck through and without its Join button."""
    fields = (
        Field("Was planned for", meeting.starts_at),
        Field("Provider", registry.info(meeting.provider).name),
        Field("Id", f"`{meeting.id}`"),
    )
    text = f":no_entry_sign: ~{escape(meeting.title)}~ — cancelled by <@{ctx.user_id}>"
    return Message(text, audience=Audience.CHANNEL, to=meeting.channel_id, fields=fields,
                   replace_ts=meeting.announcement_ts)


# -- /meeting link ---------------------------------------------------------------------------


async def link_command(args: str, ctx: Context, services: Services) -> Reply:
    """Your own link, only to you: host link for hosts, ClickMeeting auto-login, else the join link."""
    meeting = find_meeting(args, ctx, services, verb="link")
    title = escape(meeting.title)
    if meeting.status == "cancelled":
        return Reply.ephemeral(f"*{title}* (`{meeting.id}`) was cancelled.")
    if not await may_see(meeting, ctx, services, admin=await is_admin(ctx, services)):
        where = "announced in a channel you are not in" if meeting.channel_id else "invite-only and you are not on its list"
        return Reply.ephemeral(f"`{meeting.id}` is {where}; ask <@{meeting.organiser_id}> to invite you.")
    host = meeting.organiser_id == ctx.user_id or ctx.user_id in json.loads(meeting.cohost_ids)
    link, note = await link_for(meeting, ctx, services, host=host)
    is_host_link = host and link != meeting.join_url
    text = (f"Your host link for *{title}* (`{meeting.id}`). Keep it to yourself: it gives host rights."
            if is_host_link else f"Your link for *{title}* (`{meeting.id}`).")
    if note:
        text += f"\n{note}"
    button = Button("Join as host" if is_host_link else "Join", url=link, style="primary")
    fields = (Field("When", meeting.starts_at), Field("Provider", registry.info(meeting.provider).name))
    return Reply([Message(text, audience=Audience.REQUESTER, fields=fields, buttons=(button,))])


async def link_for(meeting: Meeting, ctx: Context, services: Services, *, host: bool) -> tuple[str, str | None]:
    """(link, a note for the reader or None); personal links are made now, at the provider."""
    shared = meeting.host_url if host and meeting.host_url else meeting.join_url
    if Capability.PERSONAL_LINK not in registry.adapter_class(meeting.provider).capabilities:
        return shared, None
    person = await services.directory.person(ctx.team_id, ctx.user_id)
    if person is None or not person.email:
        return shared, "I don't know your e-mail address, so this is the shared link, not a personal one."
    room = Room(provider=meeting.provider, room_id=meeting.room_id, join_url=meeting.join_url,
                host_url=meeting.host_url, details=json.loads(meeting.provider_data or "{}"))
    try:
        async with open_adapter(services, team_id=meeting.team_id, provider=meeting.provider,
                                account=meeting.account_name) as adapter:
            link = await adapter.personal_link(room, email=person.email, name=person.name,
                                               role=Role.HOST if host else Role.LISTENER)
    except ProviderError as error:
        log.warning("personal link for %s failed: %s", meeting.id, error)
        reason = error.user_message.rstrip(".")
        return shared, f"I could not make a personal link ({reason}), so this is the shared one."
    return link, f"It signs you in as {person.email}; it is yours alone."


SUBCOMMANDS: list[Subcommand] = [
    Subcommand("list", list_command, "list [all|mine|#channel] [page <n>]", "list mine page 2",
               "upcoming meetings with ids, times and join links — the whole workspace unless you say "
               f"`mine` or a `#channel`; {PAGE_SIZE} a page"),
    Subcommand("cancel", cancel_command, "cancel <id>", "cancel k7m2qx",
               "call a meeting off: deletes the room where the provider allows it, marks the announcement "
               "cancelled and stops the reminders (its organiser or an admin)"),
    Subcommand("link", link_command, "link <id>", "link k7m2qx",
               "your own link, shown only to you: the host link if you host, a personal sign-in link on "
               "ClickMeeting, else the join link"),
]
