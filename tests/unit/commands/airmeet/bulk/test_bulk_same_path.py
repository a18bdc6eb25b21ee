"""A bulk row goes the single-row add's way: speakers are remembered, sessions are meetings with
their Airmeet id, one row model per kind — also for a row in doubt after a lost answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from commands.airmeet import booths, bulk, sessions, speakers
from commands.airmeet.forms import FieldProblem
from commands.airmeet.resolve import is_session
from commands.airmeet.rows import SessionRow
from commands.airmeet.sessions import session_times
from commands.framework.context import Context, Services
from commands.imports.preview import row_error
from db.records import Meeting
from tests.fakes.airmeet import FakeAirmeet, FakeEvent
from tests.fakes.server import Fault
from tests.support.people import People
from tests.unit.commands.airmeet.bulk.conftest import NOW, RecordingSink, csv_arg, run
from tests.unit.commands.airmeet.bulk.test_bulk_kinds import SESSIONS_CSV, imported

SPEAKERS = "name,email\nAda Lovelace,ada@example.com\nGrace Hopper,grace.hopper@example.com"


async def stored_sessions(services: Services, event: FakeEvent) -> list[Meeting]:
    return [m for m in await services.storage.airmeet.meetings("T1")
            if is_session(m) and m.provider_data.get("event_id") == event.uuid]


async def test_speakers_imported_in_bulk_are_remembered_so_a_session_add_takes_them(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    await imported(f"speaker add {event[0].id} bulk {csv_arg(SPEAKERS)}", services, sink)
    remembered = await services.storage.airmeet.speakers("T1", event[1].uuid)
    assert sorted((s.email, s.name) for s in remembered) == [("ada@example.com", "Ada Lovelace"),
                                                      ("grace.hopper@example.com", "Grace Hopper")]
    reply = await run(f'session add {event[0].id} title=Keynote start="2026-12-10 17:00" duration=45 '
                      "host_email=host@example.com speakers=ada@example.com cohosts=grace.hopper@example.com",
                      services)
    assert "Added the session *Keynote*" in reply.text
    modal = (await run(f"session add {event[0].id}", services)).modal
    assert modal is not None
    [picker] = [i for i in modal.inputs if i.name == "speakers"]
    assert sorted(c.value for c in picker.choices) == ["ada@example.com", "grace.hopper@example.com"]


async def test_sessions_in_bulk_are_meetings_with_their_id_and_add_speakers_remembers_the_speakers(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    await imported(f"session add {event[0].id} bulk --add-speakers {csv_arg(SESSIONS_CSV)}", services, sink)
    remembered = {s.email: s.name for s in await services.storage.airmeet.speakers("T1", event[1].uuid)}
    assert remembered == {"ada@example.com": "Ada Lovelace", "grace.hopper@example.com": "Grace Hopper"}
    stored = await stored_sessions(services, event[1])
    assert sorted(m.title for m in stored) == ["Keynote", "Panel"]
    assert sorted(m.provider_data["session_id"] for m in stored) == sorted(event[1].sessions)
    assert all(m.room_id == m.provider_data["session_id"] and m.organiser_id == "U1" for m in stored)
    assert all(m.duration_minutes in (45, 30) for m in stored)
    listed = await services.storage.meetings.upcoming("T1", after=NOW)  # what /meeting list reads
    assert {m.id for m in stored} <= {m.id for m in listed.items}
    for meeting in stored:  # they get reminders
        assert await services.storage.reminders.for_meeting("T1", meeting.id)


async def test_a_session_whose_answer_was_lost_is_stored_once_and_not_created_twice(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    await imported(f"speaker add {event[0].id} bulk {csv_arg(SPEAKERS)}", services, sink)
    fake.faults.add(Fault(status=500, after_handling=True), path=f"/airmeet/{event[1].uuid}/session", method="POST")
    one = "title,start,duration,host_email,speakers\nKeynote,2030-05-06 09:00,45,host@example.com,ada@example.com"
    await imported(f"session add {event[0].id} bulk {csv_arg(one)}", services, sink)
    assert [s["sessionTitle"] for s in event[1].sessions.values()] == ["Keynote"]  # made once, by the lost answer
    [stored] = await stored_sessions(services, event[1])
    assert stored.provider_data["session_id"] == next(iter(event[1].sessions))
    assert "1 already there" in sink.posts[-1].text


async def test_each_kind_has_one_row_model_the_form_and_the_csv_share(services: Services) -> None:
    assert bulk.SPEAKERS.row is speakers.FORM.row
    assert bulk.SESSIONS.row is sessions.FORM.row
    assert bulk.BOOTHS.row is booths.BOOTH_FORM.row
    assert bulk.REGISTRATIONS.row is booths.REGISTER_FORM.row


@settings(max_examples=200, deadline=None)
@given(start=st.text(max_size=40) | st.sampled_from(["2030-05-06 09:00", "tomorrow 16:00", "2030-05-06T10:00+02:00",
                                                     "in 3 days 10:00 Europe/Zurich", "9999-12-31 23:59"]),
       duration=st.text(max_size=12) | st.sampled_from(["45", "1h30m", "0", "1441", "90m"]),
       zone=st.none() | st.sampled_from(["Europe/Zurich", "Mars/Base", ""]))
def test_any_session_cells_are_a_row_or_a_sentence_and_a_row_has_times_or_a_field_problem(
    start: str, duration: str, zone: str | None
) -> None:
    cells = {"title": "Keynote", "start": start, "duration": duration, **({"timezone": zone} if zone is not None else {})}
    try:
        row = SessionRow.model_validate(cells)
    except ValidationError as error:
        assert row_error(error)  # the preview's words, one problem
        return
    try:
        start_at, length = session_times(row, Context(team_id="T1", user_id="U1", user_tz="Europe/Zurich"),
                                         Services(storage=None, directory=People(), clock=lambda: NOW))  # type: ignore[arg-type]
    except FieldProblem as problem:
        assert problem.field in ("start", "duration") and str(problem)
        return
    assert start_at.tzinfo is not None and 1 <= length <= 24 * 60
