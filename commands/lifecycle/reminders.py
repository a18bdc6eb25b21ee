"""Due reminders become outbox rows: built when they fall due (personal links are made at that
moment), queued in the same transaction that marks the reminder dispatched.

    counts = await dispatch_due(services, grace=timedelta(minutes=10))    # the reminder tick
    counts.dispatched, counts.missed, counts.gone
    if overdue(item, now=now, grace=grace):                                # the outbox, before posting a row
        await miss_overdue(services, item, owner="replica-1", now=now)

The channel gets the viewer link; organiser and co-hosts get their host link by DM (made now where
it is personal, as ClickMeeting's); each invitee gets a DM with their personal link where the
provider makes one, else the participant link. The first line ("starts in 3 min", "started 2 min
ago") is written when the outbox posts it (commands/lifecycle/outbox.py).

A reminder overdue by more than the grace period (meetbot was down) is not sent: it is marked
missed, and the organiser gets one DM per meeting saying so. The outbox checks it again right
before posting each reminder row, from the reminder's due time: a row that waited past the grace
(429s, backoff after 5xx, a stopped workspace resumed, Slack down) is dropped the same way
(``overdue``, ``miss_overdue``). A meeting whose room is gone at the provider gets no more
reminders; its channel is told instead.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from commands.framework.context import Services
from commands.framework.replies import Audience, Button, Field, Message, Reply, escape
from commands.lifecycle.card import meeting_fields
from commands.lifecycle.gone import gone_notice, room_gone
from commands.lifecycle.links import host_links, personal_links
from commands.lifecycle.outbox import HEADING_MARK, outbox_entry, reminder_due, reminder_heading
from db.records import DueReminder, Meeting, OutboxEntry, OutboxItem, Reminder

log = logging.getLogger(__name__)
GRACE = timedelta(minutes=10)  # the default of MEETBOT_REMINDER_GRACE_MINUTES
BUILDING = 20  # reminders whose messages are built at once (provider calls for personal links)


@dataclass
class Dispatched:
    """What one pass of ``dispatch_due`` did, in reminders."""

    dispatched: int = 0
    missed: int = 0
    gone: int = 0
    cancelled: int = 0
    claimed: int = 0
    meetings_gone: set[str] = field(default_factory=set)


def human_offset(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day" + ("s" if days > 1 else "")
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{minutes} min"


async def dispatch_due(services: Services, *, grace: timedelta = GRACE, now: datetime | None = None,
                       limit: int = 200, ahead: timedelta = timedelta(0)) -> Dispatched:
    """Claim due reminders of every workspace and queue their messages (or mark them missed): the
    messages are built concurrently (a provider may make personal links), then queued in one transaction.
    ``ahead``: also those falling due that soon, queued for their due time (the tick's interval, so
    a reminder does not wait for the next tick)."""
    now = now or services.clock()
    done = Dispatched()
    claimed = await services.storage.reminders.claim_due(now=now, limit=limit, ahead=ahead)
    done.claimed = len(claimed)
    building = asyncio.Semaphore(BUILDING)

    async def one(due: DueReminder) -> tuple[str, int, str, list[OutboxEntry]]:
        async with building:
            return await _outcome(due, services, now=now, grace=grace, done=done)

    outcomes = await asyncio.gather(*(one(due) for due in claimed))
    await services.storage.reminders.dispatch_many(outcomes)
    for meeting_id in done.meetings_gone:
        team_id = next(due.meeting.team_id for due in claimed if due.meeting.id == meeting_id)
        await services.storage.reminders.stop_meeting(team_id, meeting_id)
    return done


async def _outcome(due: DueReminder, services: Services, *, now: datetime, grace: timedelta,
                   done: Dispatched) -> tuple[str, int, str, list[OutboxEntry]]:
    """What becomes of one claimed reminder: its new status and the outbox rows to queue with it."""
    reminder, meeting = due.reminder, due.meeting
    key = (meeting.team_id, reminder.id)
    if meeting.status != "scheduled":
        done.cancelled += 1
        return (*key, "cancelled", [])
    if now - reminder.due_at > grace:
        done.missed += 1
        return (*key, "missed", [missed_entry(meeting, now)])
    if meeting.id in done.meetings_gone or await room_gone(meeting, services):
        done.meetings_gone.add(meeting.id)
        done.gone += 1
        notice = Message(gone_notice(meeting), audience=Audience.CHANNEL, to=meeting.channel_id)
        return (*key, "cancelled", [outbox_entry(notice, team_id=meeting.team_id, key=f"gone:{meeting.id}",
                                                 not_before=now)] if meeting.channel_id else [])
    done.dispatched += 1
    return (*key, "dispatched", await reminder_entries(meeting, reminder, services, now=now))


def missed_entry(meeting: Meeting, now: datetime) -> OutboxEntry:
    """The organiser's one DM per meeting about reminders that were not sent."""
    text = (f"Reminders for *{escape(meeting.title)}* (`{meeting.id}`) were not sent: they were due while meetbot "
            "was not running, and it was too late by the time it was back. `/meeting list` shows them as missed.")
    message = Message(text, audience=Audience.DM, to=meeting.organiser_id,
                      fields=(Field("When", meeting.starts_at),))
    return outbox_entry(message, team_id=meeting.team_id, key=f"missed:{meeting.id}", not_before=now)


def overdue(item: OutboxItem, *, now: datetime, grace: timedelta) -> bool:
    """Whether ``item`` is a reminder row overdue by more than ``grace``: the outbox must not post it.
    Measured from the reminder's due time, as the tick measures it (the row's ``not_before`` moves on
    every retry); a row queued before the due time was kept falls back to its ``not_before``."""
    if not item.idem_key.startswith("reminder:"):
        return False  # announcements and other DMs are never dropped
    return now - (reminder_due(item.payload) or item.not_before) > grace


async def miss_overdue(services: Services, item: OutboxItem, *, owner: str, now: datetime) -> bool | None:
    """Drop an overdue reminder row: it, its reminder missed and the organiser's one DM per meeting
    queued, in one transaction. True when the reminder became missed now (count it once), False when
    it already was (or its meeting is gone), None when ``owner`` no longer holds the row."""
    return await services.storage.outbox.miss(item, owner=owner, notice=lambda meeting: missed_entry(meeting, now))


async def reminder_entries(meeting: Meeting, reminder: Reminder, services: Services, *,
                           now: datetime) -> list[OutboxEntry]:
    """One outbox row per message of the reminder; the key (reminder id + recipient) makes it once."""
    return [
        outbox_entry(message, team_id=meeting.team_id, key=f"reminder:{reminder.id}:{message.to}",
                     not_before=max(reminder.due_at, now), starts_at=meeting.starts_at, title=meeting.title,
                     due_at=reminder.due_at)
        for message in await reminder_messages(meeting, services)
    ]


async def reminder_messages(meeting: Meeting, services: Services) -> list[Message]:
    """The reminder's messages; their text starts with ``HEADING_MARK``, the line written at delivery."""
    heading = HEADING_MARK
    fields = meeting_fields(meeting)
    join = Button("Join", url=meeting.join_url, style="primary")
    messages = []
    if meeting.channel_id:
        messages.append(Message(heading, audience=Audience.CHANNEL, to=meeting.channel_id, fields=fields,
                                buttons=(join,)))
    its_hosts = meeting.host_ids
    for host, link in (await host_links(meeting, services)).items():  # made now where they are personal
        messages.append(Message(heading + "\nYour host link (keep it to yourself):", audience=Audience.DM, to=host,
                                buttons=(Button("Join as host", url=link, style="primary"),)))
    invitees = [user for user in meeting.invitee_ids if user not in its_hosts]
    for user_id, link in (await personal_links(meeting, invitees, services)).items():
        mine = "Your personal link:" if link != meeting.join_url else "Your link:"
        messages.append(Message(f"{heading}\n{mine}", audience=Audience.DM, to=user_id,
                                buttons=(Button("Join", url=link, style="primary"),)))
    return messages


async def reminder_reply(meeting: Meeting, reminder: Reminder, services: Services, *,
                         now: datetime | None = None) -> Reply:
    """The reminder's messages as they would be posted at ``now`` (the console and tests read it)."""
    now = now or services.clock()
    heading = reminder_heading(meeting.title, meeting.starts_at, now)
    return Reply([replace(message, text=message.text.replace(HEADING_MARK, heading))
                  for message in await reminder_messages(meeting, services)])


MISSED_SHOWN = 5
MISSED_DAYS = 30


async def missed_note(services: Services, *, team_id: str, organiser_id: str) -> str | None:
    """The organiser's reminders of the last 30 days that were missed (meetbot was down past the
    grace period), for ``/meeting list``; None when there are none."""
    since = services.clock() - timedelta(days=MISSED_DAYS)
    missed = [r for r in await services.storage.reminders.missed(team_id, organiser_id) if r.due_at >= since]
    if not missed:
        return None
    lines = [f"• `{r.meeting_id}`: the reminder {human_offset(r.offset_minutes)} before it starts "
             f"(due {r.due_at:%Y-%m-%d %H:%M} UTC)"
             for r in missed[:MISSED_SHOWN]]
    more = f"\n…and {len(missed) - MISSED_SHOWN} more." if len(missed) > MISSED_SHOWN else ""
    return ("Missed reminders of your meetings (meetbot was not running when they were due):\n"
            + "\n".join(lines) + more)
