"""Any text after ``/airmeet … bulk`` and any CSV in it or in the paste form: always an answer, never
"something went wrong", an error log or a traceback (hypothesis)."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.framework.context import Services
from commands.framework.errors import DATABASE_UNREACHABLE, SOMETHING_WENT_WRONG
from commands.framework.replies import Reply
from db.records import Meeting
from tests.fakes.airmeet import FakeEvent
from tests.unit.commands.airmeet.bulk.conftest import REGISTRY, ctx, run

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cells = st.sampled_from(["name", "email", "title", "start", "duration", "host_email", "Ada", "ada@example.com",
                         "2030-05-06 09:00", "45", "x@y", "", '"', ";", "é", "\t", "=1+1", "Ada <ada@example.com>"])
csv_text = st.one_of(st.text(max_size=200),
                     st.lists(st.lists(cells, max_size=6), max_size=6).map(
                         lambda rows: "\n".join(",".join(row) for row in rows)))
lines = st.sampled_from(["speaker add", "session add", "booth add", "register", "speaker", "session add --add-speakers"])


def assert_answered(reply: Reply, caplog: pytest.LogCaptureFixture) -> None:
    assert reply.messages or reply.modal is not None
    for internal in (SOMETHING_WENT_WRONG, DATABASE_UNREACHABLE, "Traceback"):
        assert internal not in reply.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@EXAMPLES
@given(line=lines, words=st.text(max_size=40), text=csv_text)
async def test_any_command_text_and_csv(  # type: ignore[no-untyped-def]
    services: Services, event: tuple[Meeting, FakeEvent], caplog: pytest.LogCaptureFixture, line, words, text
) -> None:
    caplog.clear()
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    reply = await run(f'{line} {event[0].id} bulk {words} csv="{quoted}"', services)
    assert_answered(reply, caplog)


@EXAMPLES
@given(kind=st.sampled_from(["airmeet.speaker", "airmeet.session", "airmeet.booth", "airmeet.registration", "x"]),
       text=csv_text)
async def test_any_csv_in_the_paste_form(  # type: ignore[no-untyped-def]
    services: Services, event: tuple[Meeting, FakeEvent], caplog: pytest.LogCaptureFixture, kind, text
) -> None:
    caplog.clear()
    form = REGISTRY.form("airmeet_bulk")
    assert form is not None
    state = {"kind": kind, "event": event[0].id, "label": "Summit", "channel_id": "C1"}
    if not await form.check({"csv": text}, state, ctx(), services):
        assert_answered(await form.submit({"csv": text}, state, ctx(), services), caplog)
