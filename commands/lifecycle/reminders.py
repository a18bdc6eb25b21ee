"""Reminder messages, built when they fall due so personal links are fresh at that moment.

    for due in await due_reminders(services):
        await deliver(due.reply, ...)
        await finish_reminder(services, due, delivered=True)

The channel gets the viewer link; organiser and co-hosts get their host link by DM (made now where
it is personal, as ClickMeeting's); each invitee gets
a DM with their personal link where the provider makes one, else the participant link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from commands.framework.context import Services
from commands.framework.replies import Audience, Button, Message, Reply, escape
from commands.lifecycle.card import meeting_fields
from commands.lifecycle.links import host_links, personal_links
from db.records import Meeting, Reminder

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class DueReminder:
    team_id: str
    reminder_id: int
    attempts: int
    reply: Reply


def human_offset(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day" + ("s" if days > 1 else "")
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{minutes} min"


async def due_reminders(services: Services, *, now: datetime | None = None) -> list[DueReminder]:
    """Claim due reminders of every workspace and build their messages."""
    due = []
    for claimed in await services.storage.reminders.claim_due(now=now or services.clock()):
        reminder, meeting = claimed.reminder, claimed.meeting
        if meeting.status != "scheduled":
            await services.storage.reminders.finish(meeting.team_id, reminder.id, status="cancelled")
            continue
        reply = await reminder_reply(meeting, reminder, services)
        due.append(DueReminder(meeting.team_id, reminder.id, reminder.attempts, reply))
    return due


async def finish_reminder(services: Services, due: DueReminder, *, delivered: bool) -> None:
    """Mark sent; an undelivered one is retried after its lease, up to ``MAX_ATTEMPTS``."""
    if delivered:
        await services.storage.reminders.finish(due.team_id, due.reminder_id, status="sent")
    elif due.attempts >= MAX_ATTEMPTS:
        await services.storage.reminders.finish(due.team_id, due.reminder_id, status="failed")


async def reminder_reply(meeting: Meeting, reminder: Reminder, services: Services) -> Reply:
    heading = f":alarm_clock: *{escape(meeting.title)}* starts in {human_offset(reminder.offset_minutes)}"
    fields = meeting_fields(meeting)
    join = Button("Join", url=meeting.join_url, style="primary")
    reply = Reply()
    if meeting.channel_id:
        reply.add(Message(heading, audience=Audience.CHANNEL, to=meeting.channel_id, fields=fields, buttons=(join,)))
    its_hosts = meeting.host_ids
    for host, link in (await host_links(meeting, services)).items():  # made now where they are personal
        reply.add(Message(heading + "\nYour host link (keep it to yourself):", audience=Audience.DM, to=host,
                          buttons=(Button("Join as host", url=link, style="primary"),)))
    invitees = [user for user in meeting.invitee_ids if user not in its_hosts]
    for user_id, link in (await personal_links(meeting, invitees, services)).items():
        mine = "Your personal link:" if link != meeting.join_url else "Your link:"
        reply.add(Message(f"{heading}\n{mine}", audience=Audience.DM, to=user_id,
                          buttons=(Button("Join", url=link, style="primary"),)))
    return reply
