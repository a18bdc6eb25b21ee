"""``/airmeet … bulk`` end to end against the Airmeet fake: preview, Import, the worker's tick, the
summary with the CSV of failed rows; bad rows, a 429 burst, a restart, a re-run and a cancel."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from commands.airmeet.bulk import SPEAKERS
from commands.framework.context import Services
from commands.imports import Tally, run_job
from db.records import Meeting
from tests.fakes.airmeet import FakeAirmeet, FakeEvent
from tests.fakes.server import Fault
from tests.unit.commands.airmeet.bulk.conftest import NOW, RecordingSink, Sleeps, click, csv_arg, job_id, run, work

SPEAKERS_CSV = """Name,E-mail,Organisation
Ada Lovelace,ada@example.com,Analytical
Grace Hopper,grace@example.com,Navy
Bad Row,not-an-address,Nowhere
,nameless@example.com,
Alan Turing,alan@example.com,
"""


def speakers_csv(count: int) -> str:
    return "name,email\n" + "".join(f"Speaker {i},s{i}@example.com\n" for i in range(count))


async def previewed(services: Services, event: tuple[Meeting, FakeEvent], text: str) -> str:
    reply = await run(f"speaker add {event[0].id} bulk {csv_arg(text)}", services)
    return job_id(reply)


async def test_bad_rows_are_named_in_the_preview_left_out_and_returned_as_a_csv(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    reply = await run(f"speaker add {event[0].id} bulk {csv_arg(SPEAKERS_CSV)}", services)
    assert reply.text.startswith("*3 rows ready*, 2 with errors (row 4: email is not a valid e-mail address; "
                                 "row 5: name is empty)")
    assert "Import 3 speakers into *Summit*?" in reply.text
    assert fake.requests_to(f"/airmeet/{event[1].uuid}/speaker") == []  # nothing sent before Import

    job = job_id(reply)
    assert "Importing into *Summit*" in (await click("airmeet_import_start", job, services)).text
    assert "already running" in (await click("airmeet_import_start", job, services)).text  # a replayed click
    await work(services, sink)

    assert set(event[1].speakers) == {"ada@example.com", "grace@example.com", "alan@example.com"}
    assert event[1].speakers["ada@example.com"]["organisation"] == "Analytical"
    [upload] = sink.uploads
    assert upload["channel"] == "C1" and upload["filename"] == "speakers-not-imported.csv"
    assert "3 added" in str(upload["comment"]) and "2 with errors in the file" in str(upload["comment"])
    lines = str(upload["content"]).splitlines()
    assert lines[0] == "row,reason,name,email,organisation"
    assert lines[1].startswith("4,email is not a valid e-mail address,Bad Row,not-an-address")
    assert lines[2].startswith("5,name is empty,")
    [progress] = sink.posts
    assert progress.to == "C1" and "Importing speakers into *Summit*" in progress.text
    assert "3 done, 0 failed, 0 remaining" in sink.updates[-1].text and "100%" in sink.updates[-1].text
    assert await work(services, sink) is None  # the job is done: nothing left to claim


async def test_a_429_burst_in_the_middle_slows_the_job_down_and_no_row_fails(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink, sleeps: Sleeps
) -> None:
    job = await previewed(services, event, speakers_csv(30))
    await click("airmeet_import_start", job, services)
    claimed = await services.storage.imports.claim(now=NOW)
    assert claimed is not None
    burst = False

    async def report(tally: Tally) -> None:
        nonlocal burst
        if tally.done >= 10 and not burst:
            burst = True
            fake.faults.add(Fault(status=429, retry_after=2, body={"message": "Too many requests"}),
                            path=f"/airmeet/{event[1].uuid}/speaker", times=12)

    tally = await run_job(claimed, SPEAKERS, services, report=report)
    assert burst and tally.failed == 0 and tally.done == 30 and len(event[1].speakers) == 30
    assert tally.throttled >= 12 and 2.0 in sleeps.delays  # Retry-After honoured, through the shared policy
    rows = await services.storage.imports.rows(job)
    assert {row.status for row in rows} == {"done"}


async def test_a_restart_in_the_middle_resumes_the_job_and_sends_no_row_twice(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    job = await previewed(services, event, speakers_csv(40))
    await click("airmeet_import_start", job, services)
    claimed = await services.storage.imports.claim(now=NOW)
    assert claimed is not None

    async def crash_after_some(tally: Tally) -> None:
        if tally.done >= 30:
            running.cancel()  # the process dies: every row in flight is abandoned where it is

    running = asyncio.ensure_future(run_job(claimed, SPEAKERS, services, report=crash_after_some))
    with pytest.raises(asyncio.CancelledError):
        await running
    await asyncio.sleep(0.3)  # whatever was in flight lands (or not) at the fake
    before = await services.storage.imports.rows(job)
    sent_before = {row.key for row in before if row.status == "done"}
    assert 25 <= len(sent_before) < 40  # outcomes are written 25 at a time
    assert await services.storage.imports.claim(now=NOW + timedelta(minutes=1)) is None  # still leased

    services.clock = lambda: NOW + timedelta(minutes=3)  # the lease ran out: another replica takes over
    assert await work(services, sink) is not None
    rows = await services.storage.imports.rows(job)
    assert {row.status for row in rows} <= {"done", "present"} and len(rows) == 40
    assert len(event[1].speakers) == 40
    # A request cut off by the crash may have reached the fake without its body: it added no one.
    posted = [r.json["email"] for r in fake.requests_to(f"/airmeet/{event[1].uuid}/speaker") if r.body]
    assert all(posted.count(email) == 1 for email in sent_before)  # done rows were not sent again
    in_doubt = {row.key for row in rows if row.status == "present"}
    assert all(posted.count(email) <= 2 for email in in_doubt)


async def test_running_the_same_file_again_skips_the_rows_already_imported(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    await click("airmeet_import_start", await previewed(services, event, SPEAKERS_CSV), services)
    await work(services, sink)
    sent = len(fake.requests_to(f"/airmeet/{event[1].uuid}/speaker"))

    again = await run(f"speaker add {event[0].id} bulk {csv_arg(SPEAKERS_CSV)}", services)
    assert again.text.startswith("*0 rows ready*, 2 with errors")
    assert "3 already imported (skipped)" in again.text and "Nothing to import" in again.text
    assert not again.messages[0].buttons

    more = SPEAKERS_CSV + "Katherine Johnson,katherine@example.com,NASA\n"
    reply = await run(f"speaker add {event[0].id} bulk {csv_arg(more)}", services)
    assert reply.text.startswith("*1 row ready*") and "3 already imported (skipped)" in reply.text
    await click("airmeet_import_start", job_id(reply), services)
    await work(services, sink)
    assert len(fake.requests_to(f"/airmeet/{event[1].uuid}/speaker")) == sent + 1


async def test_cancel_stops_the_import_between_rows(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    job = await previewed(services, event, speakers_csv(60))
    refused = await click("airmeet_import_cancel", job, services, user="U2")
    assert "who started this import" in refused.text
    await click("airmeet_import_start", job, services)
    claimed = await services.storage.imports.claim(now=NOW)
    assert claimed is not None
    answers: list[str] = []
    clicked = False

    async def cancel_after_some(tally: Tally) -> None:
        nonlocal clicked
        if tally.done >= 5 and not clicked:
            clicked = True  # one click, as a person makes it
            answers.append((await click("airmeet_import_cancel", job, services)).text)

    tally = await run_job(claimed, SPEAKERS, services, report=cancel_after_some)
    assert answers == ["Cancelling: the rows already sent stay; no further row is sent."]
    again = await click("airmeet_import_cancel", job, services)
    assert again.text == "That import has already finished or was cancelled; nothing changed."
    assert tally.cancelled and 5 <= tally.done < 60 and tally.remaining == 60 - tally.done
    assert len(event[1].speakers) == tally.done
    assert (await services.storage.imports.get("T1", job)).status == "cancelled"  # type: ignore[union-attr]


async def test_cancel_before_import_sends_nothing(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    job = await previewed(services, event, SPEAKERS_CSV)
    assert (await click("airmeet_import_cancel", job, services)).text == "Cancelled; nothing was imported."
    assert "was cancelled" in (await click("airmeet_import_start", job, services)).text
    assert await work(services, sink) is None and fake.requests_to("/airmeet/") == []


async def test_the_summary_of_a_cancelled_import_says_so(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    job = await previewed(services, event, speakers_csv(3))
    await click("airmeet_import_start", job, services)
    fake.faults.add(Fault(status=404, body={"message": "Airmeet not found"}), path=f"/airmeet/{event[1].uuid}/speaker")
    await work(services, sink)
    [upload] = sink.uploads
    assert "2 added" in str(upload["comment"]) and "1 failed" in str(upload["comment"])
    assert "Airmeet does not know that event" in str(upload["content"])
