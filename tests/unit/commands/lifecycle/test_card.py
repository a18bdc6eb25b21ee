"""commands/lifecycle/card.py: a meeting's fields in their one order, and its room, built once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from commands.framework.replies import Field
from commands.lifecycle.card import NAMES_SHOWN, meeting_fields, people_fields, room_of
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


def test_cohosts_and_invitees_by_name_never_as_mentions() -> None:
    meeting = dataclasses.replace(MEETING, cohost_ids=("U1", "U2"), invitee_ids=("U2", "U3", "U9"))
    names = {"U2": "Bob Member", "U3": "<!channel> & co"}
    assert people_fields(meeting, names) == (Field("Co-hosts", "Bob Member"),  # the organiser is not repeated
                                             Field("Invited", "&lt;!channel&gt; &amp; co, U9"))
    assert people_fields(MEETING, names) == ()


def test_a_long_list_of_names_is_counted() -> None:
    many = tuple(f"U{n}" for n in range(100, 100 + NAMES_SHOWN + 5))
    [invited] = people_fields(dataclasses.replace(MEETING, invitee_ids=many), {u: "Ann Example" for u in many})
    assert isinstance(invited.value, str) and invited.value.endswith("Ann Example and 5 more")
    assert invited.value.count("Ann Example") == NAMES_SHOWN and len(invited.value) < 2000
