"""Airmeet sessions: hosting sessions with speakers, refusals naming the field, delete."""

from __future__ import annotations

from datetime import timedelta

import pytest

from providers.airmeet import AirmeetProvider
from providers.errors import NotFound, Rejected
from tests.fakes.airmeet import FakeAirmeet
from tests.unit.providers.airmeet.support import START, new_event


# ---------------------------------------------------------------- sessions


async def test_create_session_is_a_hosting_session_with_speakers(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    await airmeet.add_speaker(event_id, name="Ada", email="ada@example.com")

    created = await airmeet.create_session(
        event_id, title="Keynote", start=START, duration_minutes=45, host_email="host@example.com",
        summary="Opening", speaker_emails=["ada@example.com"], cohost_emails=["ada@example.com"],
    )

    assert fake.requests_to(f"/airmeet/{event_id}/session")[-1].json == {
        "sessionTitle": "Keynote", "sessionStartTime": int(START.timestamp() * 1000), "sessionDuration": 45,
        "hostEmail": "host@example.com", "type": "HOSTING", "sessionSummary": "Opening",
        "speakerEmails": ["ada@example.com"], "cohostEmails": ["ada@example.com"],
    }
    assert created.session_id in fake.events[event_id].sessions
    info = await airmeet.event_info(event_id)
    assert [s["sessionid"] for s in info["sessions"]] == [created.session_id]
    assert info["session_hosts"] == [{"email": "host@example.com"}]


@pytest.mark.parametrize(
    ("kwargs", "field", "raw"),
    [
        ({"speaker_emails": ["stranger@example.com"]}, "speakerEmails", "Speaker stranger@example.com is not added to the Airmeet"),
        ({"host_email": "outsider@example.com"}, "hostEmail", "Host outsider@example.com is not a team member of the community"),
        ({"start": START + timedelta(minutes=30)}, "sessionStartTime", "There is already an overlapping session at the same time"),
    ],
)
async def test_create_session_refusals_name_the_field(
    airmeet: AirmeetProvider, fake: FakeAirmeet, kwargs: dict[str, object], field: str, raw: str
) -> None:
    event_id = await new_event(airmeet)
    await airmeet.create_session(event_id, title="First", start=START, duration_minutes=60, host_email="host@example.com")
    values: dict[str, object] = {"title": "Second", "start": START + timedelta(hours=3), "duration_minutes": 30,
                                 "host_email": "host@example.com"}
    values.update(kwargs)

    with pytest.raises(Rejected) as caught:
        await airmeet.create_session(event_id, **values)  # type: ignore[arg-type]

    assert (caught.value.status, caught.value.field, caught.value.raw) == (400, field, raw)
    assert len(fake.events[event_id].sessions) == 1


async def test_delete_session_removes_it_and_a_second_delete_is_not_found(
    airmeet: AirmeetProvider, fake: FakeAirmeet
) -> None:
    event_id = await new_event(airmeet)
    created = await airmeet.create_session(event_id, title="S", start=START, duration_minutes=10, host_email="host@example.com")
    assert created.session_id is not None

    await airmeet.delete_session(event_id, created.session_id)

    assert fake.requests[-1].method == "DELETE"
    assert fake.requests[-1].path == f"/airmeet/{event_id}/session/{created.session_id}"
    assert fake.events[event_id].sessions == {}
    with pytest.raises(NotFound):
        await airmeet.delete_session(event_id, created.session_id)
