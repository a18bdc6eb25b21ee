"""commands/lifecycle/card.py: a meeting's fields in their one order, and its room, built once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commands.framework.replies import Field
from commands.lifecycle.card import meeting_fields, room_of
from db.records import Meeting

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
MEETING = Meeting(id="k7m2qx", team_id="T1", provider="whereby", title="Standup", starts_at=START,
                  duration_minutes=15, timezone="UTC", channel_id="C1", organiser_id="U1", room_id="r1",
                  join_url="https://whereby.example/r1", host_url="https://whereby.example/r1?roomKey=k",
                  provider_data={"roomName": "/r1"})


def test_the_fields_each_message_asks_for() -> None:
    assert meeting_fields(MEETING) == (Field("When", START), Field("Provider", "Whereby"), Field("Id", "`k7m2qx`"))
    assert meeting_fields(MEETING, duration=True, channel=True) == (
        Field("When", START), Field("Duration", "15 min"), Field("Provider", "Whereby"), Field("Id", "`k7m2qx`"),
        Field("Channel", "<#C1>"))
    later = START + timedelta(hours=1)
    assert meeting_fields(MEETING, when="Was planned for", start=later, ident=False) == (
        Field("Was planned for", later), Field("Provider", "Whereby"))


def test_the_room_as_stored() -> None:
    room = room_of(MEETING)
    assert (room.provider, room.room_id, room.join_url, room.host_url) == (
        "whereby", "r1", MEETING.join_url, MEETING.host_url)
    assert dict(room.details) == {"roomName": "/r1"}
