"""ClickMeeting PDF reports: polled until finished, bounded by attempts and time."""

from __future__ import annotations

import pytest

from providers.clickmeeting import ClickMeetingProvider, ReportStatus
from providers.errors import NotReady, Unavailable
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.providers.clickmeeting.support import make_room, seed_session


async def test_pdf_report_polls_until_finished(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    session_id = seed_session(fake, int(room.room_id))
    url = await adapter.pdf_report(room.room_id, session_id, lang="pl", interval=0.01)

    polls = fake.requests_to(f"/v1/conferences/{room.room_id}/sessions/{session_id}/generate-pdf/pl.json", "GET")
    assert len(polls) == 3  # NEW, IN PROGRESS, FINISHED
    assert url.startswith("http://127.0.0.1:") and f"/panel/pdf/pl/{session_id}/" in url
    detail = await adapter.session(room.room_id, session_id)
    assert detail["pdf"]["pl"] == {"status": "FINISHED", "url": detail["pdf"]["pl"]["url"], "progress": 100}


async def test_pdf_report_hits_the_attempt_bound(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    session_id = seed_session(fake, int(room.room_id))
    with pytest.raises(NotReady) as caught:
        await adapter.pdf_report(room.room_id, session_id, max_attempts=2, interval=0.01)
    assert "IN_PROGRESS after 2 checks" in (caught.value.raw or "")
    assert len(fake.requests_to(f"/v1/conferences/{room.room_id}/sessions/{session_id}/generate-pdf/en")) == 2
    # Asking again later continues where ClickMeeting is.
    assert await adapter.pdf_report(room.room_id, session_id, interval=0.01)


async def test_pdf_report_hits_the_time_bound(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    session_id = seed_session(fake, int(room.room_id))
    with pytest.raises(NotReady):
        await adapter.pdf_report(room.room_id, session_id, interval=0.2, timeout=0.1)
    assert len(fake.requests_to(f"/v1/conferences/{room.room_id}/sessions/{session_id}/generate-pdf/en")) == 1


async def test_pdf_report_failed_is_unavailable(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    session_id = seed_session(fake, int(room.room_id))
    fake.fail_pdf_reports = True
    with pytest.raises(Unavailable) as caught:
        await adapter.pdf_report(room.room_id, session_id, interval=0.01)
    assert '"FAILED"' in (caught.value.raw or "")


def test_report_status_reads_both_spellings() -> None:
    assert ReportStatus.parse("IN PROGRESS") is ReportStatus.IN_PROGRESS
    assert ReportStatus.parse("IN_PROGRESS") is ReportStatus.IN_PROGRESS
    assert ReportStatus.parse("finished") is ReportStatus.FINISHED
    assert ReportStatus.parse(None) is ReportStatus.UNKNOWN
