"""``/meeting list``: upcoming meetings, one page, soonest first, only those the reader may see;
``/meeting list past``: those that ended in the last ``PAST_DAYS`` days, latest first.

    await registry.dispatch("/meeting", "list mine page 2", ctx, services)
    await registry.dispatch("/meeting", "list past #general", ctx, services)

A list shows each meeting's join (viewer) link, never a host link; a meeting with no channel is
invite-only and is listed only for its organiser, co-hosts, invitees and workspace admins
(``policy.may_see``). Host links come from ``link``, to the host alone.

The database filters, counts and pages: the directory is asked once per distinct channel of the
team's upcoming meetings which ones the reader may read (``policy.seen_by``), then one SQL page
holds the meetings in those channels or involving the reader, with its count for "page X of Y".
Past ``db.repos.meetings.MAX_CHANNELS`` distinct channels the rest count as unread: a list may
then show less than ``may_see`` allows, never more. A cancelled meeting is listed only for its
organiser, struck through and marked cancelled, without a Join button; past meetings have none either.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Literal

from commands.framework.arguments import Arguments, derived, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import Action
from commands.framework.policy import is_admin, role_of, seen_by
from commands.framework.replies import Button, Field, Message, Reply, escape
from commands.lifecycle import missed_note
from commands.framework.tokenizer import channel_id as slack_channel
from commands.framework.tokenizer import echo, tokenize
from db.records import Meeting, Page
from db.repos.meetings import SeenBy
from providers import registry

PAGE_SIZE = 10  # a Slack section holds 10 fields: one per meeting, so each time is a date token
NEXT_PAGE = "meeting_list_next"
PREVIOUS_PAGE = "meeting_list_previous"  # its own id: Slack wants action ids unique within a block
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")
PAST_DAYS = 30  # how far back ``list past`` looks


class ListQuery(Arguments):
    """What ``list`` was asked for: ``when`` "upcoming" or "past"; ``scope`` "all", "mine" or "channel"
    (then ``channel_id``)."""

    when: Literal["upcoming", "past"] = positional("upcoming", metavar="when", usage="[past]")
    scope: Literal["all", "mine", "channel"] = positional("all", metavar="scope", usage="[all|mine|#channel]")
    channel_id: str | None = derived()
    page: int = positional(1, metavar="n", usage="[page <n>]")

    def text(self, page: int) -> str:
        """The arguments that ask for another page of the same list (a button's value)."""
        if self.scope == "channel" and self.channel_id:
            where = f"<#{self.channel_id}>" if CHANNEL_ID.fullmatch(self.channel_id) else f"#{self.channel_id}"
        else:
            where = self.scope
        return f"{'past ' if self.when == 'past' else ''}{where} page {page}"


def parse_list(args: str, *_: object) -> ListQuery:
    """``[past] [all|mine|#channel] [page <n>]``: ``parse_list("mine page 2") == ListQuery(scope="mine", page=2)``."""
    words = [token.text for token in tokenize(args)]
    found: dict[str, object] = {}
    index = 0
    while index < len(words):
        word = words[index]
        lowered = word.lower()
        if lowered in ("past", "upcoming"):
            found["when"] = lowered
        elif lowered in ("all", "mine"):
            found.update(scope=lowered, channel_id=None)
        elif word.startswith("<#"):
            channel = slack_channel(word)
            if channel is None:
                raise UserError(f"I couldn't read the channel `{escape(echo(word))}` — name it like `#general`.")
            found.update(scope="channel", channel_id=channel)
        elif word.startswith("#") and len(word) > 1:
            found.update(scope="channel", channel_id=word[1:])  # the console types channel names
        elif lowered == "page" or lowered.isdigit():
            number = words[index + 1] if lowered == "page" and index + 1 < len(words) else word
            index += lowered == "page"
            if not number.isdigit() or int(number) < 1:
                raise UserError("Pages are counted from 1, e.g. `/meeting list mine page 2`.")
            found["page"] = int(number)
        else:
            raise UserError(
                f"I can list `all`, `mine`, a `#channel` or `past` ones, not `{escape(echo(word))}` — "
                "e.g. `/meeting list past mine page 2`."
            )
        index += 1
    return ListQuery.model_validate(found)


async def list_meetings(query: ListQuery, ctx: Context, services: Services) -> Reply:
    """One page of the upcoming (or recently ended) meetings ``query`` asks for; below it, the
    speaker's reminders that were missed while meetbot was down (issue 9)."""
    reply = await meetings_page(query, ctx, services)
    if note := await missed_note(services, team_id=ctx.team_id, organiser_id=ctx.user_id):
        reply.add(Message(note))
    return reply


async def meetings_page(query: ListQuery, ctx: Context, services: Services) -> Reply:
    now = services.clock()
    page = await visible_page(query, ctx, services, now=now)
    where = {"all": "in this workspace", "mine": "you organise, co-host or are invited to"}.get(
        query.scope, f"in <#{query.channel_id}>"
    )
    which = f"meetings that ended in the last {PAST_DAYS} days" if query.when == "past" else "upcoming meetings"
    if not page.total:
        offer = "" if query.when == "past" else " Create one with `/meeting new`."
        if query.scope == "mine":
            return Reply.ephemeral(f"You have no {which}.{offer}")
        return Reply.ephemeral(f"No {which} {where}.{offer}")
    pages = -(-page.total // PAGE_SIZE)
    if query.page > pages:
        return Reply.ephemeral(
            f"There is no page {query.page}: the {page.total} {which} {where} fit on "
            f"{pages} page{'s' if pages > 1 else ''}. Try `/meeting list {query.text(1)}`."
        )
    return Reply([page_message(page, query, where=where, pages=pages, ctx=ctx, now=now)])


async def visible_page(query: ListQuery, ctx: Context, services: Services, *, now: datetime) -> Page[Meeting]:
    """The page ``query`` asks for, of the meetings the reader may see (``policy.may_see``), from SQL;
    cancelled ones only when the reader organised them."""
    channel = query.channel_id if query.scope == "channel" else None
    since = now - timedelta(days=PAST_DAYS) if query.when == "past" else now
    before = now if query.when == "past" else None
    view: SeenBy | None = None
    if query.scope != "mine" and not await is_admin(ctx, services):  # their own meetings they always see
        channels = ([channel] if channel else
                    await services.storage.meetings.channels(ctx.team_id, after=since, before=before))
        view = await seen_by(ctx, services, channels=channels)
    meetings, offset = services.storage.meetings, (query.page - 1) * PAGE_SIZE
    mine = ctx.user_id if query.scope == "mine" else None
    if query.when == "past":
        return await meetings.past(ctx.team_id, since=since, before=now, channel_id=channel, involving_user=mine,
                                   seen_by=view, cancelled_for=ctx.user_id, limit=PAGE_SIZE, offset=offset)
    return await meetings.upcoming(ctx.team_id, after=now, channel_id=channel, involving_user=mine, seen_by=view,
                                   cancelled_for=ctx.user_id, limit=PAGE_SIZE, offset=offset)


def page_message(page: Page[Meeting], query: ListQuery, *, where: str, pages: int, ctx: Context,
                 now: datetime) -> Message:
    shown = page.items
    count = f"{page.total} meeting{'s' if page.total > 1 else ''}"
    if query.when == "past":
        heading = f"*Meetings that ended in the last {PAST_DAYS} days {where}* — {count}"
    else:
        heading = f"*Upcoming meetings {where}* — {count}"
    if pages > 1:
        heading += f", page {query.page} of {pages}"
    lines = [heading, "`/meeting link <id>` gives you your own link (hosts get the host link there)."]
    buttons = [Button(f"Join {meeting.title[:60]}", url=meeting.join_url) for meeting in shown
               if meeting.status == "scheduled" and query.when == "upcoming"]
    if query.page > 1:
        buttons.append(Button("Previous page", action_id=PREVIOUS_PAGE, value=query.text(query.page - 1)))
    if query.page < pages:
        buttons.append(Button("Next page", action_id=NEXT_PAGE, value=query.text(query.page + 1)))
        lines.append(f"More: `/meeting list {query.text(query.page + 1)}`")
    fields = tuple(Field(list_label(m, ctx.user_id, now=now, query=query), m.starts_at) for m in shown)
    return Message("\n".join(lines), fields=fields, buttons=tuple(buttons))


def list_label(meeting: Meeting, user_id: str, *, now: datetime, query: ListQuery) -> str:
    """``Standup · kMeet · 15 min · #general · you host · `k7m2qx```: everything but the time."""
    title = escape(meeting.title[:80])
    cancelled = meeting.status == "cancelled"
    parts = [f"~{title}~" if cancelled else title, registry.info(meeting.provider).name,
             f"{meeting.duration_minutes} min"]
    if cancelled:
        parts.append("cancelled")
    if meeting.channel_id and query.scope != "channel":
        parts.append(f"<#{meeting.channel_id}>")
    if not meeting.channel_id:
        parts.append("invite-only")
    if role := role_of(meeting, user_id):
        parts.append(role)
    if meeting.starts_at <= now < meeting.ends_at and not cancelled:
        parts.append("happening now")
    parts.append(f"`{meeting.id}`")
    return " · ".join(parts)


async def turn_page(value: str, ctx: Context, services: Services) -> Reply:
    """The list's Next/Previous buttons carry the arguments of the page they show."""
    return await list_meetings(parse_list(value), ctx, services)


ACTIONS = (Action(NEXT_PAGE, turn_page), Action(PREVIOUS_PAGE, turn_page))
