"""ClickMeeting file library, recordings and chats."""

from __future__ import annotations

import io
import zipfile

import pytest

from providers.clickmeeting import ClickMeetingProvider
from providers.errors import NotFound
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.providers.clickmeeting.support import last, make_room, seed_session


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


# --- recordings and chats ------------------------------------------------------------------------------------


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
