"""What every meeting shares, whichever command made it: creating and announcing it, its card,
its reminders (built when due, with fresh personal links), and the workspace's provider accounts.

    reply = await create_meeting(NewMeeting(provider="kmeet", title="Standup", start=now,
                                            duration=timedelta(minutes=30)), ctx, services)
    counts = await dispatch_due(services, grace=GRACE)     # due reminders -> outbox rows

Imports only commands.framework (feature packages build on this, never the other way round).
"""

from commands.lifecycle.accounts import connected_providers, open_adapter
from commands.lifecycle.card import meeting_fields, room_of
from commands.lifecycle.create import NewMeeting, announcement_failed, create_meeting, record_announcement
from commands.lifecycle.outbox import message_at, outbox_entry, reminder_due
from commands.lifecycle.reminders import GRACE, Dispatched, dispatch_due, miss_overdue, missed_note, overdue

__all__ = [
    "GRACE", "Dispatched", "NewMeeting", "announcement_failed", "connected_providers", "create_meeting",
    "dispatch_due", "meeting_fields", "miss_overdue", "missed_note", "message_at", "open_adapter", "outbox_entry",
    "overdue", "record_announcement", "reminder_due", "room_of",
]
