"""Every ClickMeeting endpoint's happy path through the fake: the request sent and the state kept."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from providers.base import Room
from providers.clickmeeting import ClickMeetingProvider, ReportStatus
from providers.errors import NotFound, NotReady, Rejected, Unavailable
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.providers.test_clickmeeting import (  # noqa: F401  (fixtures)
    adapter,
    base_url,
    fake,
    form_of,
    last,
    make_adapter,
    request_for,
    server,
)


async def make_room(adapter: ClickMeetingProvider, **options: Any) -> Room:
    return await adapter.create_room(request_for("Weekly sync", **options))


def seed_rooms(fake: FakeClickMeeting, count: int, *, status: str = "active") -> list[int]:
    ids = []
    for number in range(count):
        form = {"name": f"Room {number}", "room_type": "meeting", "permanent_room": "1", "access_type": "1"}
        room = fake.add_conference(form)
        room["status"] = status
        ids.append(room["id"])
    return ids


# --- conferences ----------------------------------------------------------------------------------------------


async def test_conference_pages_walk_250_at_a_time(fake: FakeClickMeeting, adapter: ClickMeetingProvider) -> None:
    active = seed_rooms(fake, 260)
    inactive = seed_rooms(fake, 3, status="inactive")

    pages = [page async for page in adapter.conference_pages("active")]
    assert [len(page) for page in pages] == [250, 10]
    assert [c["id"] for page in pages for c in page] == active
    sent = fake.requests_to("/v1/conferences/active.json", "GET")
    assert [r.query for r in sent] == [{"page": "1"}, {"page": "2"}]
    assert all(r.headers["x-api-key"] == "cm-test-key" for r in sent)

    rooms = [room async for room in adapter.rooms("inactive")]
    assert [int(room.room_id) for room in rooms] == inactive
    assert all(room.join_url.startswith("https://meetbot.clickmeeting.test/") for room in rooms)


async def test_a_full_last_page_costs_one_empty_request(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    seed_rooms(fake, 250)
    pages = [page async for page in adapter.conference_pages()]
    assert [len(page) for page in pages] == [250]
    assert [r.query["page"] for r in fake.requests_to("/v1/conferences/active")] == ["1", "2"]


async def test_pages_stop_when_the_provider_repeats_itself(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    seed_rooms(fake, 300)
    original = fake.list_conferences

    async def ignore_page(req: Any) -> Any:  # a server that does not know `page` sends everything
        return [room for room in fake.conferences.values() if room["status"] == "active"]

    fake.routes = [(m, p, ignore_page if h == original else h) for m, p, h in fake.routes]
    pages = [page async for page in adapter.conference_pages()]
    assert [len(page) for page in pages] == [300]
    assert len(fake.requests_to("/v1/conferences/active")) == 2


async def test_conference_list_status_is_checked_locally(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    with pytest.raises(Rejected) as caught:
        async for _ in adapter.conference_pages("archived"):
            pass
    assert caught.value.field == "status" and fake.requests == []


async def test_get_edit_and_registration_switch(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    conference = await adapter.get_conference(room.room_id)
    assert conference["name"] == "Weekly sync" and last(fake, "GET", f"/v1/conferences/{room.room_id}.json")

    edited = await adapter.edit_conference(
        room.room_id,
        {
            "name": "Renamed",
            "status": "inactive",
            "permanent_room": False,
            "starts_at": "2030-06-01 09:00:00",
            "duration": "2:00",
            "settings": {"connection_tester_enabled": True, "thank_you_page_url": "https://ex.test/thanks"},
        },
    )
    path = f"/v1/conferences/{room.room_id}.json"
    assert form_of(last(fake, "PUT", path)) == [
        ("name", "Renamed"),
        ("status", "inactive"),
        ("permanent_room", "0"),
        ("starts_at", "2030-06-01 09:00:00"),
        ("duration", "2:00"),
        ("settings[connection_tester_enabled]", "1"),
        ("settings[thank_you_page_url]", "https://ex.test/thanks"),
    ]
    stored = fake.conferences[int(room.room_id)]
    assert edited == stored
    assert stored["name"] == "Renamed" and stored["status"] == "inactive"
    assert (stored["starts_at"], stored["ends_at"]) == ("2030-06-01T09:00:00+02:00", "2030-06-01T11:00:00+02:00")
    assert stored["settings"]["connection_tester_enabled"] is True

    await adapter.set_registration(room.room_id, enabled=True, template=3)
    assert form_of(last(fake, "PUT", path)) == [("registration[enabled]", "1"), ("registration[template]", "3")]
    assert fake.conferences[int(room.room_id)]["registration_enabled"] == 1
    await adapter.set_registration(room.room_id, enabled=False)
    assert form_of(last(fake, "PUT", path)) == [("registration[enabled]", "0")]
    assert fake.conferences[int(room.room_id)]["registration_enabled"] == 0


async def test_edit_refuses_times_without_permanent_room(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    before = len(fake.requests)
    with pytest.raises(Rejected) as caught:
        await adapter.edit_conference(room.room_id, {"duration": "3:00"})
    assert caught.value.field == "permanent_room" and len(fake.requests) == before
    with pytest.raises(Rejected):
        await adapter.set_registration(room.room_id, enabled=True, template=9)


async def test_delete_conference_and_missing_one(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    await adapter.delete_conference(room.room_id)
    assert int(room.room_id) not in fake.conferences
    with pytest.raises(NotFound) as caught:
        await adapter.delete_conference(room.room_id)
    assert "Conference not found." in (caught.value.raw or "")


async def test_skins(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    skins = await adapter.skins()
    assert skins == fake.skins and last(fake, "GET", "/v1/conferences/skins.json")


# --- tokens and invitations ---------------------------------------------------------------------------------


async def test_generate_and_list_tokens(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter, access_type=3)
    made = await adapter.generate_tokens(room.room_id, how_many=5)
    assert form_of(last(fake, "POST", f"/v1/conferences/{room.room_id}/tokens.json")) == [("how_many", "5")]
    assert len(made) == 5 and all(t["sent_to_email"] is None and t["first_use_date"] is None for t in made)
    thousand = await adapter.generate_tokens(room.room_id, how_many=1000)
    assert len(thousand) == 1000
    listed = await adapter.tokens(room.room_id)
    assert listed == fake.tokens[int(room.room_id)] and len(listed) == 1005
    assert len({t["token"] for t in listed}) == 1005


@pytest.mark.parametrize("how_many", [0, -1, 1001])
async def test_token_count_is_checked_locally(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider, how_many: int,
) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter.generate_tokens(7, how_many=how_many)
    assert caught.value.field == "how_many" and fake.requests == []


async def test_token_cap_per_room_comes_back_as_rejected(base_url: str, server: Any) -> None:
    small = FakeClickMeeting(api_key="cm-test-key", max_attendees=2)
    server[0].app = small.app
    client = make_adapter(base_url)
    try:
        room = await client.create_room(request_for(access_type=3))
        await client.generate_tokens(room.room_id, how_many=8)
        with pytest.raises(Rejected) as caught:
            await client.generate_tokens(room.room_id, how_many=1)
    finally:
        await client.aclose()
    assert caught.value.field == "how_many" and "at most 8" in (caught.value.reason or "")


async def test_send_invitations(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    await adapter.send_invitations(room.room_id, ["a@x.io", "b@x.io"], lang="pl", template="advanced", role="presenter")
    sent = last(fake, "POST", f"/v1/conferences/{room.room_id}/invitation/email/pl.json")
    assert form_of(sent) == [
        ("attendees[][email]", "a@x.io"),
        ("attendees[][email]", "b@x.io"),
        ("template", "advanced"),
        ("role", "presenter"),
    ]
    assert sent.body.startswith(b"attendees%5B%5D%5Bemail%5D=a%40x.io&")
    assert fake.invitations == [
        {
            "room_id": int(room.room_id),
            "lang": "pl",
            "emails": ["a@x.io", "b@x.io"],
            "template": "advanced",
            "role": "presenter",
        }
    ]


async def test_invitations_to_a_token_room_use_up_tokens(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter, access_type=3)
    await adapter.generate_tokens(room.room_id, how_many=3)
    await adapter.send_invitations(room.room_id, ["c@x.io"])
    assert form_of(last(fake, "POST", f"/v1/conferences/{room.room_id}/invitation/email/en.json")) == [
        ("attendees[][email]", "c@x.io")
    ]
    tokens = await adapter.tokens(room.room_id)
    assert [t["sent_to_email"] for t in tokens] == ["c@x.io", None, None]


async def test_invitation_arguments_are_checked_locally(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    for kwargs, field in (({"template": "fancy"}, "template"), ({"role": "host"}, "role")):
        with pytest.raises(Rejected) as caught:
            await adapter.send_invitations(1, ["a@x.io"], **kwargs)
        assert caught.value.field == field
    with pytest.raises(Rejected):
        await adapter.send_invitations(1, [])
    assert fake.requests == []


# --- sessions and the PDF report ----------------------------------------------------------------------------


def seed_session(fake: FakeClickMeeting, room_id: int) -> int:
    end = datetime(2030, 4, 1, 12, 0, tzinfo=UTC)
    return fake.add_session(
        room_id,
        start=end - timedelta(hours=1),
        end=end,
        attendees=[
            {"email": "host@x.io", "nickname": "Hana", "role": "host"},
            {"email": "ann@x.io", "nickname": "Ann", "rating": "5", "rating_comment": "Great"},
            {"email": "bob@x.io", "nickname": "Bob", "role": "presenter"},
        ],
    )


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


# --- contacts, time zones, phone gateways ------------------------------------------------------------------


async def test_add_contact_adds_then_updates(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    await adapter.add_contact(email="ann@x.io", firstname="Ann", lastname="Lee", country="PL")
    assert form_of(last(fake, "POST", "/v1/contacts.json")) == [
        ("email", "ann@x.io"),
        ("firstname", "Ann"),
        ("lastname", "Lee"),
        ("country", "PL"),
    ]
    await adapter.add_contact(email="ann@x.io", firstname="Ann", lastname="Lee-Smith", company="Acme")
    assert fake.contacts == {
        "ann@x.io": {
            "email": "ann@x.io",
            "firstname": "Ann",
            "lastname": "Lee-Smith",
            "country": "PL",
            "company": "Acme",
        }
    }
    with pytest.raises(Rejected) as caught:
        await adapter.add_contact(email="not-an-email", firstname="A", lastname="B")
    assert caught.value.field == "email"


async def test_time_zones_all_and_by_country(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    everything = await adapter.time_zones()
    assert last(fake, "GET", "/v1/time_zone_list.json")
    assert "Europe/Warsaw" in everything and "America/New_York" in everything and everything == sorted(everything)
    polish = await adapter.time_zones("PL")
    assert last(fake, "GET", "/v1/time_zone_list/pl.json")
    assert polish == ["Europe/Warsaw"]


async def test_phone_gateways(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    berlin = {"code": "DE", "location": "Berlin", "value": "+49 30 555", "geo": {"lat": "52.5", "long": "13.4"}}
    fake.phone_gateways.append(berlin)
    gateways = await adapter.phone_gateways()
    assert last(fake, "GET", "/v1/phone_gateways.json")
    assert [g["code"] for g in gateways] == ["US", "PL", "DE"]


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


# --- file library ----------------------------------------------------------------------------------------------


async def test_file_library_round_trip(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    uploaded = await adapter.upload_file("slides.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    sent = last(fake, "POST", "/v1/file-library.json")
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="uploaded"; filename="slides.pdf"' in sent.body and b"%PDF-1.4 hello" in sent.body
    assert uploaded["status"] == "waiting_for_conversion" and uploaded["document_type"] == "presentation_pdf"

    file_id = uploaded["id"]
    assert [f["id"] for f in await adapter.files()] == [file_id]
    details = await adapter.file(file_id)
    assert last(fake, "GET", f"/v1/file-library/{file_id}.json")
    assert details["status"] == "converted" and details["name"] == "slides.pdf"
    assert await adapter.download_file(file_id) == b"%PDF-1.4 hello"
    assert last(fake, "GET", f"/v1/file-library/{file_id}/download.json")

    await adapter.delete_file(file_id)
    assert last(fake, "DELETE", f"/v1/file-library/{file_id}.json")
    assert fake.files == {}
    with pytest.raises(NotFound):
        await adapter.file(file_id)


async def test_room_files(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    await adapter.upload_file("general.png", b"\x89PNG")
    in_room = await adapter.upload_file("photo.jpg", b"\xff\xd8", room_id=room.room_id, content_type="image/jpeg")
    assert last(fake, "POST", f"/v1/file-library/conferences/{room.room_id}.json")
    listed = await adapter.room_files(room.room_id)
    assert last(fake, "GET", f"/v1/file-library/conferences/{room.room_id}.json")
    assert [(f["id"], f["document_type"]) for f in listed] == [(in_room["id"], "image")]
    assert len(await adapter.files()) == 2


# --- recordings, chats, ping ---------------------------------------------------------------------------------


async def test_recordings_list_delete_one_delete_all(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    room_id = int(room.room_id)
    first, second, third = (fake.add_recording(room_id, duration=d) for d in (60, 120, 180))

    listed = await adapter.recordings(room.room_id)
    assert last(fake, "GET", f"/v1/conferences/{room_id}/recordings.json")
    assert [(r["id"], r["recording_duration"]) for r in listed] == [(first, 60), (second, 120), (third, 180)]

    await adapter.delete_recording(room.room_id, second)
    assert last(fake, "DELETE", f"/v1/conferences/{room_id}/recordings/{second}.json")
    assert [r["id"] for r in fake.recordings[room_id]] == [first, third]
    assert len(fake.conferences[room_id]["recorder_list"]) == 2
    with pytest.raises(NotFound):
        await adapter.delete_recording(room.room_id, second)

    await adapter.delete_recordings(room.room_id)
    assert last(fake, "DELETE", f"/v1/conferences/{room_id}/recordings.json")
    assert fake.recordings[room_id] == [] and fake.conferences[room_id]["recorder_list"] == []


async def test_chats_list_and_download(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    session_id = seed_session(fake, int(room.room_id))
    fake.add_chat(session_id, ["Hana: welcome", "Ann: hi!"])

    chats = await adapter.chats()
    assert last(fake, "GET", "/v1/chats.json")
    assert [(c["id"], c["name"], c["date"]) for c in chats] == [(session_id, "Weekly sync", "2030-04-01")]
    assert chats[0]["download_link"].endswith(f"/v1/chats/{session_id}")

    archive = await adapter.chat(session_id)
    assert last(fake, "GET", f"/v1/chats/{session_id}.json")
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        assert bundle.read(bundle.namelist()[0]).decode() == "Hana: welcome\nAnn: hi!"
    with pytest.raises(NotFound):
        await adapter.chat(1)


async def test_ping(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    assert await adapter.ping() == {"ping": "pong"}
    assert last(fake, "GET", "/v1/ping.json").body == b""
