"""``/meeting cancel <id>``: the room at the provider (where its API allows), the announcement, the reminders.

    await registry.dispatch("/meeting", "cancel k7m2qx", ctx, services)

Its organiser, a co-host or a workspace admin may cancel (``policy.may_manage``).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from commands.framework.context import Context, Services
from commands.framework.errors import UserError, provider_sentence
from commands.framework.policy import may_manage
from commands.framework.replies import Audience, Field, Message, Reply, escape
from commands.lifecycle.accounts import open_adapter
from commands.lifecycle.card import meeting_fields
from commands.meeting.lookup import MeetingId, find_meeting
from db.records import Meeting
from providers import registry
from providers.base import Capability
from providers.errors import NotFound, NotSupported, ProviderError, RateLimited, Unavailable

log = logging.getLogger(__name__)


async def cancel_command(arguments: MeetingId, ctx: Context, services: Services) -> Reply:
    """Call a meeting off, then tell its hosts and the channel."""
    meeting = await find_meeting(arguments, ctx, services, if_cancelled="is already cancelled.")
    title = escape(meeting.title)
    if not await may_manage(meeting, ctx, services):
        return Reply.ephemeral(
            f"Only <@{meeting.organiser_id}>, who organises *{title}*, its co-hosts or a workspace admin can cancel it."
        )
    if meeting.starts_at + timedelta(minutes=meeting.duration_minutes) <= services.clock():
        return Reply.ephemeral(f"*{title}* (`{meeting.id}`) has already ended, so there is nothing to cancel.")
    if meeting.provider == "airmeet" and meeting.provider_data.get("kind") == "session":
        # A session made by /airmeet session add (commands/airmeet/sessions.py marks it so): Airmeet
        # deletes sessions, unlike events, and that subcommand asks first and deletes it there too.
        event = escape(str(meeting.provider_data.get("event_id", "<event>")))
        return Reply.ephemeral(f"*{title}* is a session of an Airmeet event: delete it there and here with "
                               f"`/airmeet session delete {event} {meeting.id}`.")
    at_provider = await delete_at_provider(meeting, services)
    stopped = sum(1 for reminder in await services.storage.reminders.for_meeting(ctx.team_id, meeting.id)
                  if reminder.status == "pending")
    await services.storage.meetings.cancel(ctx.team_id, meeting.id)

    reply = Reply()
    if meeting.channel_id and meeting.announcement_ts:
        reply.add(cancelled_announcement(meeting, ctx))
    for host in meeting.host_ids:
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
        log.warning("deleting %s room %s failed: %s", meeting.provider, meeting.room_id, type(error).__name__)
        return f"I could not delete the room at {name} ({provider_sentence(error).rstrip('.')}); remove it there yourself."
    return f"The room is deleted at {name}."


def cancelled_announcement(meeting: Meeting, ctx: Context) -> Message:
    """The channel announcement, struck through and without its Join button."""
    text = f":no_entry_sign: ~{escape(meeting.title)}~ — cancelled by <@{ctx.user_id}>"
    return Message(text, audience=Audience.CHANNEL, to=meeting.channel_id,
                   fields=meeting_fields(meeting, when="Was planned for"), replace_ts=meeting.announcement_ts)
