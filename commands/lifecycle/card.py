"""What every message about one meeting shows, built once: its fields, and its room.

    Message(text, fields=meeting_fields(meeting, duration=True))     # When · Duration · Provider · Id
    room = room_of(meeting)                                           # for adapter.personal_link
"""

from __future__ import annotations

from datetime import datetime

from commands.framework.replies import Field
from db.records import Meeting
from providers import registry
from providers.base import Room


def meeting_fields(
    meeting: Meeting,
    *,
    when: str = "When",
    start: datetime | None = None,
    duration: bool = False,
    ident: bool = True,
    channel: bool = False,
) -> tuple[Field, ...]:
    """The card's fields in their one order: When, Duration, Provider, Id, Channel (each as asked).

    ``start`` overrides the stored start (a just-created meeting's, still in the speaker's zone).
    """
    fields = [Field(when, start or meeting.starts_at)]
    if duration:
        fields.append(Field("Duration", f"{meeting.duration_minutes} min"))
    fields.append(Field("Provider", registry.info(meeting.provider).name))
    if ident:
        fields.append(Field("Id", f"`{meeting.id}`"))
    if channel and meeting.channel_id:
        fields.append(Field("Channel", f"<#{meeting.channel_id}>"))
    return tuple(fields)


def room_of(meeting: Meeting) -> Room:
    """The provider's room as stored with the meeting."""
    return Room(provider=meeting.provider, room_id=meeting.room_id, join_url=meeting.join_url,
                host_url=meeting.host_url, details=meeting.provider_data)
