"""ClickMeeting sessions, their attendees, and registrations."""

from __future__ import annotations

import pytest

from providers.clickmeeting import ClickMeetingProvider
from providers.errors import NotFound, Rejected
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.providers.clickmeeting.support import form_of, last, make_room, seed_session


# --- sessions -------------------------------------------------------------------------------------------------


async def test_sessions_detail_and_attendees(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    session_id = seed_session(fake, int(room.room_id))

    sessions = await adapter.sessions(room.room_id)
    assert last(fake, "GET", f"/v1/conferences/{room.room_id}/sessions.json")
    assert sessions == [
        {
            "id": session_id,
            "total_visitors": 3,
            "max_visitors": 3,
            "start_date": "2030-04-01T13:00:00+02:00",
            "end_date": "2030-04-01T14:00:00+02:00",
        }
    ]
    detail = await adapter.session(room.room_id, session_id)
    assert [(a["login"], a["email"]) for a in detail["attendees"]] == [
        ("Hana", "host@x.io"),
        ("Ann", "ann@x.io"),
        ("Bob", "bob@x.io"),
    ]
    assert detail["pdf"]["en"]["generate_pdf_url"].endswith(f"/sessions/{session_id}/generate-pdf/en")

    attendees = await adapter.session_attendees(room.room_id, session_id)
    assert last(fake, "GET", f"/v1/conferences/{room.room_id}/sessions/{session_id}/attendees.json")
    assert [(a["nickname"], a["role"], a["rating"]) for a in attendees] == [
        ("Hana", "host", None),
        ("Ann", "listener", "5"),
        ("Bob", "presenter", None),
    ]
    with pytest.raises(NotFound):
        await adapter.session(room.room_id, 123)


# --- registrations -------------------------------------------------------------------------------------------


async def test_register_needs_registration_enabled(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    with pytest.raises(Rejected) as caught:
        await adapter.register(room.room_id, first_name="Ann", last_name="Lee", email="ann@x.io")
    assert caught.value.field == "registration" and caught.value.status == 422


async def test_register_and_list_registrations(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter, registration={"enabled": True})
    answer = await adapter.register(
        room.room_id, first_name="Ann", last_name="Lee", email="ann@x.io", confirmation_lang="pl"
    )
    assert form_of(last(fake, "POST", f"/v1/conferences/{room.room_id}/registration.json")) == [
        ("registration[1]", "Ann"),
        ("registration[2]", "Lee"),
        ("registration[3]", "ann@x.io"),
        ("confirmation_email[enabled]", "1"),
        ("confirmation_email[lang]", "pl"),
    ]
    assert answer["status"] == "OK" and answer["url"] == f"{room.join_url}?r={answer['r']}"
    assert fake.sent_emails == [{"kind": "confirmation", "to": "ann@x.io", "lang": "pl"}]
    again = await adapter.register(room.room_id, first_name="Ann", last_name="Lee", email="ann@x.io")
    assert again["exist"] == 1 and again["url"] == answer["url"]

    session_id = seed_session(fake, int(room.room_id))
    fake.add_registration(int(room.room_id), first_name="Bo", last_name="Ek", email="bo@x.io", session_id=session_id)
    everyone = await adapter.registrations(room.room_id)
    assert last(fake, "GET", f"/v1/conferences/{room.room_id}/registrations/all.json")
    assert [(r["email"], r["fields"]["First Name"]) for r in everyone] == [("ann@x.io", "Ann"), ("bo@x.io", "Bo")]

    in_session = await adapter.session_registrations(room.room_id, session_id)
    assert last(fake, "GET", f"/v1/conferences/{room.room_id}/sessions/{session_id}/registrations.json")
    assert [r["email"] for r in in_session] == ["bo@x.io"]


async def test_active_registrations_leave_out_ended_sessions(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter, registration={"enabled": True})
    ended = fake.add_session(int(room.room_id))  # an hour ago
    fake.add_registration(int(room.room_id), first_name="Old", last_name="Timer", email="old@x.io", session_id=ended)
    await adapter.register(room.room_id, first_name="New", last_name="Comer", email="new@x.io")

    assert [r["email"] for r in await adapter.registrations(room.room_id, status="active")] == ["new@x.io"]
    assert last(fake, "GET", f"/v1/conferences/{room.room_id}/registrations/active.json")
    assert await adapter.session_registrations(room.room_id, ended, status="active") == []
    assert last(fake, "GET", f"/v1/conferences/{room.room_id}/sessions/{ended}/registrations/active.json")
    with pytest.raises(Rejected):
        await adapter.registrations(room.room_id, status="cancelled")
