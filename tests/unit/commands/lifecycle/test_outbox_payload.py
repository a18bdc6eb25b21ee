"""A queued message comes out of the outbox as it went in: buttons with their confirm dialog, the menu;
a reminder's due time, which the grace is measured from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commands.framework.replies import Audience, Button, Choice, Confirm, Field, Menu, Message
from commands.lifecycle import message_at, outbox_entry, overdue
from commands.lifecycle.outbox import HEADING_MARK, reminder_due
from db.records import OutboxItem

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


def test_a_reminder_row_is_overdue_from_its_due_time_and_other_rows_never_are() -> None:
    def item(key: str, *, due_at: datetime | None, not_before: datetime) -> OutboxItem:
        entry = outbox_entry(Message(HEADING_MARK, audience=Audience.CHANNEL, to="C1"), team_id="T1", key=key,
                             not_before=not_before, starts_at=NOW + timedelta(minutes=30), title="Standup",
                             due_at=due_at)
        return OutboxItem(id=1, team_id="T1", channel="C1", idem_key=key, payload=entry.payload, purpose=None,
                          attempts=3, not_before=not_before)

    grace = timedelta(minutes=10)
    later = NOW + timedelta(minutes=10, seconds=1)
    moved = item("reminder:7:C1", due_at=NOW, not_before=NOW + timedelta(minutes=9))  # 429s moved not_before
    assert reminder_due(moved.payload) == NOW
    assert overdue(moved, now=later, grace=grace) and not overdue(moved, now=NOW + grace, grace=grace)
    assert not overdue(item("post:news", due_at=None, not_before=NOW), now=NOW + timedelta(days=1), grace=grace)
    queued_before = item("reminder:8:C1", due_at=None, not_before=NOW)  # a row from before the due time was kept
    assert reminder_due(queued_before.payload) is None and overdue(queued_before, now=later, grace=grace)
