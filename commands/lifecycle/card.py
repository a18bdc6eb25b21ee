"""What every message about one meeting shows, built once: its fields, and its room.

    Message(text, fields=meeting_fields(meeting, duration=True))     # When · Duration · Provider · Id
    people_fields(meeting, {"U2": "Bob Member"})                      # Co-hosts · Invited, as names
    room = room_of(meeting)                                           # for adapter.personal_link
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from commands.framework.replies import Field, escape
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


# A section field holds 2000 characters (Block Kit reference, "Section block"); names past this
# many are counted instead, which also keeps a field well under that.
NAMES_SHOWN = 20


def people_fields(meeting: Meeting, names: Mapping[str, str]) -> tuple[Field, ...]:
    """Co-hosts and invitees by name, never as ``<@U…>`` mentions (a mention in an announcement
    pings): ``names`` maps user ids to the Directory's names; an id it lacks is shown as typed."""
    cohosts = [user for user in meeting.cohost_ids if user != meeting.organiser_id]
    invitees = [user for user in meeting.invitee_ids if user not in meeting.host_ids]
    fields = []
    for label, users in (("Co-hosts", cohosts), ("Invited", invitees)):
        if users:
            fields.append(Field(label, _names(users, names)))
    return tuple(fields)


def _names(users: list[str], names: Mapping[str, str]) -> str:
    shown = [escape(names.get(user) or user) for user in users[:NAMES_SHOWN]]
    more = len(users) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def room_of(meeting: Meeting) -> Room:
    """The provider's room as stored with the meeting."""
    return Room(provider=meeting.provider, room_id=meeting.room_id, join_url=meeting.join_url,
                host_url=meeting.host_url, details=meeting.provider_data)
