"""What every meeting shares, whichever command made it: creating and announcing it, its card,
its reminders (built when due, with fresh personal links), and the workspace's provider accounts.

    reply = await create_meeting(NewMeeting(provider="kmeet", title="Standup", start=now,
                                            duration=timedelta(minutes=30)), ctx, services)
    for due in await due_reminders(services): ...

Imports only commands.framework (feature packages build on this, never the other way round).
"""

from commands.lifecycle.accounts import connected_providers, open_adapter
from commands.lifecycle.card import meeting_fields, room_of
from commands.lifecycle.create import NewMeeting, announcement_failed, create_meeting, record_announcement
from commands.lifecycle.reminders import DueReminder, due_reminders, finish_reminder

__all__ = [
    "DueReminder", "NewMeeting", "announcement_failed", "connected_providers", "create_meeting",
    "due_reminders", "finish_reminder", "meeting_fields", "open_adapter", "record_announcement", "room_of",
]
