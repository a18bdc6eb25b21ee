"""Reminders on SQLite and PostgreSQL: claimed once per lease, across workspaces, then finished."""

from __future__ import annotations

from datetime import timedelta

from db.storage import Storage
from tests.support.storage import NOW, meeting_record


async def test_reminders_are_claimed_once_and_released_after_their_lease(storage: Storage) -> None:
    meeting = await storage.meetings.add(meeting_record("T1"), reminder_times=[
        (NOW + timedelta(minutes=5), 115), (NOW + timedelta(hours=1), 60)])
    assert await storage.reminders.claim_due(now=NOW) == []
    first = await storage.reminders.claim_due(now=NOW + timedelta(minutes=6), lease=timedelta(minutes=2))
    assert [(due.reminder.offset_minutes, due.meeting.id) for due in first] == [(115, meeting.id)]
    assert first[0].meeting == meeting
    assert await storage.reminders.claim_due(now=NOW + timedelta(minutes=7)) == []  # leased
    again = await storage.reminders.claim_due(now=NOW + timedelta(minutes=9))  # the lease ran out: retried
    assert [due.reminder.attempts for due in again] == [2]
    await storage.reminders.finish("T1", again[0].reminder.id)
    assert await storage.reminders.claim_due(now=NOW + timedelta(minutes=30)) == []
    statuses = [(r.offset_minutes, r.status) for r in await storage.reminders.for_meeting("T1", meeting.id)]
    assert statuses == [(115, "sent"), (60, "pending")]


async def test_claiming_serves_every_workspace_and_finishing_stays_in_one(storage: Storage) -> None:
    for team in ("T1", "T2"):
        await storage.meetings.add(meeting_record(team), reminder_times=[(NOW, 120)])
    claimed = await storage.reminders.claim_due(now=NOW, limit=10)
    assert sorted(due.reminder.team_id for due in claimed) == ["T1", "T2"]
    assert all(due.meeting.team_id == due.reminder.team_id for due in claimed)
    theirs = next(due for due in claimed if due.reminder.team_id == "T2")
    await storage.reminders.finish("T1", theirs.reminder.id, status="failed")
    [left] = await storage.reminders.for_meeting("T2", theirs.meeting.id)
    assert left.status == "pending"


async def test_a_cancelled_meetings_reminders_are_not_claimed(storage: Storage) -> None:
    meeting = await storage.meetings.add(meeting_record("T1"), reminder_times=[(NOW + timedelta(minutes=5), 115)])
    await storage.meetings.cancel("T1", meeting.id)
    assert await storage.reminders.claim_due(now=NOW + timedelta(hours=1)) == []


async def test_uninstall_deletes_pending_reminders(storage: Storage) -> None:
    meeting = await storage.meetings.add(meeting_record("T1"), reminder_times=[(NOW, 120)])
    await storage.workspaces.forget("T1")
    assert await storage.reminders.for_meeting("T1", meeting.id) == []
    assert await storage.reminders.claim_due(now=NOW + timedelta(hours=1)) == []
