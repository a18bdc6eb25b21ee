"""Any text to every ``/airmeet`` subcommand and any values in its forms: one plain sentence back when
refused, never an internal error, never a secret echoed, nothing stored on refusal. SQLite and
PostgreSQL, against the Airmeet fake; the subcommands come from the group, so new ones are covered.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from commands import airmeet
from commands.airmeet import bulk
from commands.framework.context import Services
from commands.framework.router import Group
from db.records import Meeting
from db.storage import Storage
from tests.fakes.airmeet import FakeAirmeet
from tests.unit.commands.airmeet.support import ctx, made_event, run
from tests.unit.commands.meeting.test_any_input import SECRET, assert_answered, modal_value, refusals  # noqa: F401
from tests.support.registry import REGISTRY


def paths(group: Group, prefix: str = "") -> list[str]:
    found: list[str] = []
    for name, entry in group.table().items():
        found += paths(entry, f"{prefix}{name} ") if isinstance(entry, Group) else [f"{prefix}{name}"]
    return found


SUBCOMMANDS = paths(airmeet.GROUP)
EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TABLES = ("meeting", "meetingparticipant", "reminder", "airmeetspeaker", "airmeetexport")

words = st.sampled_from([
    "<EVENT>", "<UUID>", "<SESSION>", "help", "k7m2qx", "ongoing", "finished", "ARCHIVE", "paused", "bogus",
    "name=Ada", "email=ada@example.com", "email=nope", "title=Keynote", 'start="2030-01-10 10:00"', "start=yesterday",
    "duration=45", "duration=0", "end=2h", "timezone=Mars/Olympus", "timezone=Asia/Kolkata", "short_desc=x",
    "speakers=ada@example.com", "cohosts=x@y", "highlight_color=#1a2b3c", "highlight_color=red", "ambience=dark",
    "image_url=https://x.example/a.gif", "first_name=Cy", "last_name=G", "tags=a,b", "exhibitors=bad",
    "access_type=INVITED_ONLY", "access_type=3", "2030-01-14", "16:00", "Europe/Zurich", "tomorrow", "=", '"', "`",
    f"api_key={SECRET}", "x" * 300, "\u202e", "<!channel>", "<@U2>", "s-1",
])
typed = st.lists(st.one_of(words, st.text(max_size=12)), max_size=6).map(" ".join)
people = st.sampled_from(["U1", "U2"])  # the organiser (an admin), a member


def stored(storage: Storage) -> dict[str, Any]:
    with storage.engine.connect() as connection:
        return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES} | {
            "cancelled": connection.execute(text("SELECT count(*) FROM meeting WHERE status = 'cancelled'")).scalar_one()}


@pytest.fixture
async def event(services: Services, fake: FakeAirmeet) -> Meeting:
    return await made_event(services)


def listening(caplog: pytest.LogCaptureFixture, refusals: list[str]) -> None:
    """Each example starts with no refusal heard and no log line kept."""
    refusals.clear()
    caplog.clear()
    caplog.set_level(logging.DEBUG)


def filled_in(line: str, event: Meeting) -> str:
    return line.replace("<EVENT>", event.id).replace("<UUID>", event.room_id).replace("<SESSION>", "p3rk8m")


@EXAMPLES
@given(subcommand=st.sampled_from(SUBCOMMANDS), rest=typed, user=people)
async def test_any_text_to_any_airmeet_subcommand(  # type: ignore[no-untyped-def]
    services: Services, storage: Storage, event: Meeting, caplog: pytest.LogCaptureFixture, refusals,
    subcommand, rest, user,
) -> None:
    listening(caplog, refusals)
    before = stored(storage)
    reply = await run(filled_in(f"{subcommand} {rest}", event), services, user=user)
    assert_answered(reply, before, stored(storage), caplog, refusals)


@EXAMPLES
# The bulk paste form has its own property test (bulk/test_bulk_any_input.py).
@given(callback=st.sampled_from(sorted(set(airmeet.GROUP.forms) - {bulk.CALLBACK})), data=st.data(), user=people)
async def test_any_values_in_any_airmeet_form(  # type: ignore[no-untyped-def]
    services: Services, storage: Storage, event: Meeting, caplog: pytest.LogCaptureFixture, refusals,
    callback, data, user,
) -> None:
    listening(caplog, refusals)
    form = REGISTRY.form(callback)
    assert form is not None
    opened = await run("event new" if callback == "airmeet_event_new" else f"{command_of(callback)} {event.id}",
                       services)
    assert opened.modal is not None
    values = {item.name: data.draw(modal_value(item), label=item.name) for item in opened.modal.inputs}
    before = stored(storage)
    errors = await form.check(values, dict(opened.modal.state), ctx(user), services)
    for sentence in errors.values():
        assert SECRET not in sentence and "\n" not in sentence
    if errors:
        return  # Slack shows them on the fields; nothing is submitted
    reply = await form.submit(values, dict(opened.modal.state), ctx(user), services)
    assert_answered(reply, before, stored(storage), caplog, refusals)


def command_of(callback: str) -> str:
    return {"airmeet_speaker_add": "speaker add", "airmeet_session_add": "session add", "airmeet_booth_add": "booth add",
            "airmeet_register": "register", "airmeet_landing": "landing"}[callback]
