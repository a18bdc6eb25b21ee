"""Import jobs: stored rows and skipped repeats, claims with a lease (SKIP LOCKED on PostgreSQL),
Import and Cancel moving a job once, outcomes written in one transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from db.records import ImportJob, ImportRow
from db.storage import Storage

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def job(job_id: str, *, kind: str = "airmeet.speaker", target: str = "e1", team: str = "T1",
        created: datetime = NOW) -> ImportJob:
    return ImportJob(id=job_id, team_id=team, kind=kind, target=target, requested_by="U1", created_at=created)


def rows(job_id: str, *keys: str) -> list[ImportRow]:
    return [ImportRow(job_id=job_id, number=i + 2, key=key, data={"email": key}) for i, key in enumerate(keys)]


async def test_rows_an_earlier_job_imported_to_the_same_target_are_skipped(storage: Storage) -> None:
    await storage.imports.create(job("a"), rows("a", "ada", "bob"))
    await storage.imports.set_rows("a", [(2, "done", None), (3, "failed", "refused")])
    await storage.imports.create(job("b"), rows("b", "ada", "bob", "cy"))
    assert [(r.key, r.status) for r in await storage.imports.rows("b")] == [
        ("ada", "skipped"), ("bob", "pending"), ("cy", "pending")]
    await storage.imports.create(job("c", target="e2"), rows("c", "ada"))  # another event: nothing skipped
    await storage.imports.create(job("d", team="T2"), rows("d", "ada"))  # another workspace: nothing skipped
    assert [r.status for r in await storage.imports.rows("c")] == [r.status for r in await storage.imports.rows("d")] \
        == ["pending"]


async def test_import_and_cancel_move_a_job_once(storage: Storage) -> None:
    await storage.imports.create(job("a"), rows("a", "ada"))
    assert await storage.imports.queue("T2", "a") is False  # another workspace's button
    assert await storage.imports.queue("T1", "a") is True
    assert await storage.imports.queue("T1", "a") is False
    assert await storage.imports.cancel("T1", "a") is True
    assert await storage.imports.cancel("T1", "a") is False
    assert await storage.imports.start_row("a", 2) is False  # a cancelled job sends no further row
    assert (await storage.imports.rows("a"))[0].status == "pending"


async def test_a_job_is_claimed_by_one_worker_until_its_lease_runs_out(storage: Storage) -> None:
    for name, minute in (("old", 0), ("new", 1)):
        await storage.imports.create(job(name, created=NOW + timedelta(minutes=minute)), rows(name, "ada"))
        await storage.imports.queue("T1", name)
    racing = await asyncio.gather(*(storage.imports.claim(now=NOW) for _ in range(3)))
    claimed = [j.id for j in racing if j is not None]
    assert claimed and len(claimed) == len(set(claimed))  # never one job twice (a loser may get none)
    while (more := await storage.imports.claim(now=NOW)) is not None:
        claimed.append(more.id)
    assert sorted(claimed) == ["new", "old"]
    assert await storage.imports.claim(now=NOW + timedelta(minutes=1)) is None
    assert await storage.imports.renew("old", now=NOW + timedelta(minutes=1)) == "queued"
    later = await storage.imports.claim(now=NOW + timedelta(minutes=2, seconds=30))
    assert later is not None and later.id == "new"  # its lease ran out; "old" was renewed
    await storage.imports.finish("new", now=NOW)
    finished = await storage.imports.get("T1", "new")
    assert finished is not None and finished.status == "done" and finished.lease_until is None
    assert await storage.imports.get("T2", "new") is None


async def test_outcomes_are_written_together_and_counted(storage: Storage) -> None:
    await storage.imports.create(job("a"), rows("a", "ada", "bob", "cy"))
    assert await storage.imports.start_row("a", 2) is True
    await storage.imports.set_rows("a", [(2, "done", None), (3, "present", None), (4, "failed", "refused")])
    assert await storage.imports.counts("a") == {"done": 1, "present": 1, "failed": 1}
    [failed] = await storage.imports.rows("a", ("failed",))
    assert (failed.number, failed.reason, failed.attempts) == (4, "refused", 0)
    assert (await storage.imports.rows("a"))[0].attempts == 1
