"""``/meeting link <id>``: your own link, only to you — host link for hosts, a personal sign-in link
where the provider makes one (ClickMeeting auto-login), else the join link. In a token room only
hosts and invitees get one, with the same token every time (commands/lifecycle/links.py).

    await registry.dispatch("/meeting", "link k7m2qx", ctx, services)
"""

from __future__ import annotations

import logging

from commands.framework.context import Context, Services
from commands.framework.errors import provider_sentence
from commands.framework.policy import is_admin, may_see
from commands.framework.replies import Audience, Button, Message, Reply, escape
from commands.lifecycle.accounts import open_adapter
from commands.lifecycle.card import meeting_fields
from commands.lifecycle.links import has_host_link, is_token_room, may_have_token, no_host_link, no_token, sign_in
from commands.meeting.lookup import MeetingId, find_meeting
from db.records import Meeting
from providers import registry
from providers.base import Capability, Role
from providers.errors import ProviderError

log = logging.getLogger(__name__)


async def link_command(arguments: MeetingId, ctx: Context, services: Services) -> Reply:
    """The reader's own link to the meeting, if they may see it."""
    meeting = await find_meeting(arguments, ctx, services, if_cancelled="was cancelled.")
    title = escape(meeting.title)
    if not await may_see(meeting, ctx, services, admin=await is_admin(ctx, services)):
        where = "announced in a channel you are not in" if meeting.channel_id else "invite-only and you are not on its list"
        return Reply.ephemeral(f"`{meeting.id}` is {where}; ask <@{meeting.organiser_id}> to invite you.")
    if is_token_room(meeting) and not may_have_token(meeting, ctx.user_id):
        return Reply.ephemeral(no_token(meeting))  # each token admits one person once: not for every reader
    host = meeting.is_host(ctx.user_id)
    link, note = await link_for(meeting, ctx, services, host=host)
    if host and not has_host_link(meeting.provider):
        note = no_host_link(meeting.provider)  # Airmeet, kMeet, Roomful: the join link is the host's too
    is_host_link = host and link != meeting.join_url
    text = (f"Your host link for *{title}* (`{meeting.id}`). Keep it to yourself: it gives host rights."
            if is_host_link else f"Your link for *{title}* (`{meeting.id}`).")
    if note:
        text += f"\n{note}"
    button = Button("Join as host" if is_host_link else "Join", url=link, style="primary")
    return Reply([Message(text, audience=Audience.REQUESTER, fields=meeting_fields(meeting, ident=False),
                          buttons=(button,))])


async def link_for(meeting: Meeting, ctx: Context, services: Services, *, host: bool) -> tuple[str, str | None]:
    """(link, a note for the reader or None); personal links are made now, at the provider."""
    shared = meeting.host_url if host and meeting.host_url else meeting.join_url
    if Capability.PERSONAL_LINK not in registry.adapter_class(meeting.provider).capabilities:
        return shared, None
    person = await services.directory.person(ctx.team_id, ctx.user_id)
    if person is None or not person.email:
        return shared, "I don't know your e-mail address, so this is the shared link, not a personal one."
    try:
        async with open_adapter(services, team_id=meeting.team_id, provider=meeting.provider,
                                account=meeting.account_name) as adapter:
            link = await sign_in(adapter, meeting, ctx.user_id, person, services,
                                 role=Role.HOST if host else Role.LISTENER)
    except ProviderError as error:
        log.warning("personal link for %s failed: %s", meeting.id, type(error).__name__)
        reason = provider_sentence(error).rstrip(".")
        return shared, f"I could not make a personal link ({reason}), so this is the shared one."
    return link, f"It signs you in as {person.email}; it is yours alone."
