"""A queued message comes out of the outbox as it went in: buttons with their confirm dialog, the menu."""

from __future__ import annotations

from datetime import UTC, datetime

from commands.framework.replies import Audience, Button, Choice, Confirm, Field, Menu, Message
from commands.lifecycle import message_at, outbox_entry

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_message_survives_the_outbox_payload() -> None:
    message = Message("*Standup*", audience=Audience.CHANNEL, to="C1", purpose="announcement:k7m2qx",
                      fields=(Field("When", NOW), Field("Where", "kMeet")),
                      buttons=(Button("Join", url="https://kmeet.example/r"),
                               Button("Cancel", action_id="meeting_cancel", value="k7m2qx", style="danger",
                                      confirm=Confirm("Cancel it?", "Everyone is told.", "Cancel it"))),
                      menu=Menu("meeting_menu", (Choice("move:k7m2qx", "Move…"), Choice("link:k7m2qx", "My link"))))

    entry = outbox_entry(message, team_id="T1", key="k", not_before=NOW)

    assert message_at(entry.payload, now=NOW) == message
