"""Issue 11, finding 5: no text longer than its column's cap reaches the database, whatever path writes it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.limits import SECRET_MAX, TEXT_MAX, ValueTooLong
from db.records import OutboxEntry
from db.storage import Storage
from tests.support.storage import meeting_record, raw_rows


async def test_an_overlong_title_is_refused_and_nothing_is_written(storage: Storage) -> None:
    with pytest.raises(ValueTooLong, match=r"^A meeting\.title value of 256 characters is longer than the 255"):
        await storage.meetings.add(meeting_record("T1", title="x" * 256))
    assert await raw_rows(storage, "SELECT id FROM meeting") == []
    assert await raw_rows(storage, "SELECT meeting_id FROM meetingparticipant") == []


async def test_a_plain_column_and_a_secret_have_their_caps(storage: Storage) -> None:
    with pytest.raises(ValueTooLong, match="meeting.join_url"):
        await storage.meetings.add(meeting_record("T1", join_url="https://x.test/" + "a" * TEXT_MAX))
    with pytest.raises(ValueTooLong, match="provideraccount.credentials") as refused:
        await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "k" * SECRET_MAX})
    assert "kkkk" not in str(refused.value)  # the value itself is never quoted
    assert await storage.accounts.all("T1") == []


async def test_values_at_their_caps_are_kept(storage: Storage) -> None:
    meeting = await storage.meetings.add(meeting_record("T1", title="t" * 255))
    stored = await storage.meetings.get("T1", meeting.id)
    assert stored is not None and len(stored.title) == 255


async def test_rows_written_on_the_table_are_guarded_too(storage: Storage) -> None:
    # The batch writes insert on the tables, past the ORM's flush: the guard sees their rows as well.
    entry = OutboxEntry("T1", "C1", "k" * (TEXT_MAX + 1), "{}", not_before=datetime.now(UTC))
    with pytest.raises(ValueTooLong, match="outboxmessage.idem_key"):
        await storage.outbox.enqueue([entry])
    assert await raw_rows(storage, "SELECT id FROM outboxmessage") == []
    with pytest.raises(ValueTooLong, match="workspace.team_name"):
        await storage.workspaces.ensure("T9", team_name="n" * (TEXT_MAX + 1))
    assert await storage.workspaces.get("T9") is None
    with pytest.raises(ValueTooLong, match="meetingparticipant.user_id"):
        await storage.meetings.add(meeting_record("T1", invitee_ids=("U" * (TEXT_MAX + 1),)))
    assert await raw_rows(storage, "SELECT id FROM meeting") == []
