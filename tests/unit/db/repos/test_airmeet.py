"""storage.airmeet on SQLite and PostgreSQL: speakers kept once, exports kept once per ask, claimed once
per lease across workspaces, Airmeet meetings found by their uuid, provider data merged."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from db.storage import Storage
from tests.support.storage import NOW, meeting_record


async def test_a_speaker_is_kept_once_in_any_case(storage: Storage) -> None:
    await asyncio.gather(*(storage.airmeet.add_speaker("T1", "ev-1", email=email, name="Ada")
                           for email in ("Ada@Example.com", "ada@example.com", "ada@example.com")))
    await storage.airmeet.add_speaker("T1", "ev-2", email="bob@example.com", name="Bob")
    assert [(s.email, s.name) for s in await storage.airmeet.speakers("T1", "ev-1")] == [("ada@example.com", "Ada")]
    assert await storage.airmeet.speakers("T2", "ev-1") == []


async def test_an_export_is_kept_once_and_claimed_once_per_lease(storage: Storage) -> None:
    first, new = await storage.airmeet.queue_export("T1", user_id="U1", event_id="ev-1", kind="attendance",
                                                    due_at=NOW + timedelta(minutes=5))
    again, new_again = await storage.airmeet.queue_export("T1", user_id="U1", event_id="ev-1", kind="attendance",
                                                          due_at=NOW + timedelta(minutes=9))
    other, _ = await storage.airmeet.queue_export("T2", user_id="U9", event_id="ev-9", kind="polls", due_at=NOW)
    assert (new, new_again, again.id) == (True, False, first.id)

    claimed = await storage.airmeet.claim_exports(now=NOW + timedelta(minutes=5), lease=timedelta(minutes=2))
    assert sorted(job.team_id for job in claimed) == ["T1", "T2"]  # every workspace
    assert await storage.airmeet.claim_exports(now=NOW + timedelta(minutes=6)) == []  # leased
    await storage.airmeet.retry_export("T1", first.id, due_at=NOW + timedelta(minutes=10))
    await storage.airmeet.finish_export("T2", other.id)
    [retried] = await storage.airmeet.claim_exports(now=NOW + timedelta(minutes=10))
    assert (retried.id, retried.attempts) == (first.id, 2)
    await storage.airmeet.finish_export("T1", first.id, status="failed")
    assert [job.status for job in await storage.airmeet.exports("T1")] == ["failed"]
    _, fresh = await storage.airmeet.queue_export("T1", user_id="U1", event_id="ev-1", kind="attendance", due_at=NOW)
    assert fresh  # a finished one does not stand in the way of a new ask


async def test_meetings_by_uuid_and_their_details(storage: Storage) -> None:
    event = await storage.meetings.add(meeting_record("T1", provider="airmeet", room_id="a23f-ba1d-11eb",
                                                      provider_data={"status": "CREATED"}))
    await storage.meetings.add(meeting_record("T2", provider="airmeet", room_id="a23f-ba1d-11eb"))
    await storage.meetings.add(meeting_record("T1", room_id="a23f-ba1d-11eb"))  # kMeet: not an Airmeet meeting

    assert [m.id for m in await storage.airmeet.by_room("T1", "a23f-ba1d-11eb")] == [event.id]
    await storage.airmeet.update_details("T1", event.id, {"status": "ONGOING", "extra": 1})
    stored = await storage.meetings.get("T1", event.id)
    assert stored is not None and stored.provider_data == {"status": "ONGOING", "extra": 1}
    assert [m.id for m in await storage.airmeet.meetings("T1")] == [event.id]


async def test_forgetting_a_workspace_deletes_its_pending_exports(storage: Storage) -> None:
    await storage.airmeet.queue_export("T1", user_id="U1", event_id="ev-1", kind="attendance", due_at=NOW)
    await storage.workspaces.forget("T1")
    assert await storage.airmeet.exports("T1") == []
    assert await storage.airmeet.claim_exports(now=NOW + timedelta(hours=1)) == []
