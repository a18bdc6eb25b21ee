"""The file library, recordings and chat archives."""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from starlette.responses import Response

from tests.fakes.clickmeeting.wire import DOCUMENT_TYPES, LOCAL_TIME, Invalid, Req, _iso, multipart_files

from tests.fakes.clickmeeting.app import ClickMeetingApp


class LibraryFake(ClickMeetingApp):
    """The file library, recordings and chat archives."""

    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"file-library", "list_files"),
        ("POST", r"file-library", "upload_file"),
        ("GET", r"file-library/conferences/(?P<room>\d+)", "list_room_files"),
        ("POST", r"file-library/conferences/(?P<room>\d+)", "upload_file"),
        ("GET", r"file-library/(?P<file>\d+)", "get_file"),
        ("DELETE", r"file-library/(?P<file>\d+)", "delete_file"),
        ("GET", r"file-library/(?P<file>\d+)/download", "download_file"),
        ("GET", r"conferences/(?P<room>\d+)/recordings", "list_recordings"),
        ("DELETE", r"conferences/(?P<room>\d+)/recordings", "delete_recordings"),
        ("DELETE", r"conferences/(?P<room>\d+)/recordings/(?P<recording>\d+)", "delete_recording"),
        ("GET", r"chats", "list_chats"),
        ("GET", r"chats/(?P<session>\d+)", "get_chat"),
    ]

    # --- file library ---

    async def upload_file(self, req: Req) -> Any:
        room_id = None
        if "room" in req.params:
            room_id = self._room(req)["id"]
        parts = multipart_files(req.request.headers.get("content-type", ""), await req.request.body())
        if "uploaded" not in parts:
            raise Invalid(422, ("uploaded", "Send the file in the multipart field 'uploaded'."))
        filename, content = parts["uploaded"]
        if not content:
            raise Invalid(422, ("uploaded", "The file is empty."))
        file_id = next(self.ids)
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        now = self.clock()
        self.files[file_id] = {
            "id": file_id,
            "name": filename,
            "document_type": DOCUMENT_TYPES.get(extension, "document"),
            "conversion_progress": 0,
            "upload_date": now.strftime(LOCAL_TIME),
            "status": "waiting_for_conversion",
            "status_message": "waiting for multiconverter to download file.",
            "url": f"{req.base_url}/v1/file-library/{file_id}/download",
            "created_at": _iso(now),
        }
        self.file_content[file_id] = content
        self.file_rooms[file_id] = room_id
        answer = dict(self.files[file_id])
        del answer["created_at"]  # the upload answer has no created_at; listings do
        return answer

    def _converted(self, file_id: int) -> dict[str, Any]:
        """A file is converted by the time anyone reads it back."""
        record = self.files[file_id]
        record.update(status="converted", status_message="", conversion_progress=100)
        return record

    async def list_files(self, req: Req) -> Any:
        return [self._converted(file_id) for file_id in self.files]

    async def list_room_files(self, req: Req) -> Any:
        room = self._room(req)
        return [self._converted(f) for f in self.files if self.file_rooms[f] == room["id"]]

    def _file_id(self, req: Req) -> int:
        file_id = int(req.params["file"])
        if file_id not in self.files:
            raise Invalid(404, ("file_id", "File not found."))
        return file_id

    async def get_file(self, req: Req) -> Any:
        return self._converted(self._file_id(req))

    async def delete_file(self, req: Req) -> Any:
        file_id = self._file_id(req)
        del self.files[file_id], self.file_content[file_id], self.file_rooms[file_id]
        return {"response": "OK"}

    async def download_file(self, req: Req) -> Any:
        file_id = self._file_id(req)
        return Response(self.file_content[file_id], media_type="application/octet-stream")

    # --- recordings ---

    def add_recording(self, room_id: int, *, duration: int = 300, size: int = 30_000) -> int:
        """Seed a recording of a room; returns its id."""
        recording_id = next(self.ids)
        started = self.clock().replace(microsecond=0)
        url = f"https://recorder.clickmeeting.test/download/{recording_id}/recording.mp4?st={secrets.token_urlsafe(16)}"
        self.recordings.setdefault(room_id, []).append(
            {
                "id": recording_id,
                "recording_url": url,
                "recording_duration": duration,
                "recorder_started": started.strftime(LOCAL_TIME),
                "recorder_start_date": _iso(started),
                "recording_file_size": size,
            }
        )
        self.conferences[room_id]["recorder_list"].append(url)
        return recording_id

    async def list_recordings(self, req: Req) -> Any:
        return self.recordings.get(self._room(req)["id"], [])

    async def delete_recordings(self, req: Req) -> Any:
        room = self._room(req)
        self.recordings[room["id"]] = []
        room["recorder_list"] = []
        return {"STATUS": "OK"}

    async def delete_recording(self, req: Req) -> Any:
        room = self._room(req)
        recordings = self.recordings.get(room["id"], [])
        wanted = [r for r in recordings if r["id"] == int(req.params["recording"])]
        if not wanted:
            raise Invalid(404, ("recording_id", "Recording not found."))
        recordings.remove(wanted[0])
        room["recorder_list"].remove(wanted[0]["recording_url"])
        return {"STATUS": "OK"}

    # --- chats ---

    def add_chat(self, session_id: int, messages: Iterable[str]) -> None:
        """Seed the chat of a session (its room's name and time zone are used)."""
        session = self.sessions[session_id]
        room = self.conferences[session["room_id"]]
        start = datetime.fromisoformat(session["start_date"])
        offset = int(start.utcoffset().total_seconds() // 3600)  # type: ignore[union-attr]
        self.chats[session_id] = {
            "time": f"{start:%H:%M} GMT{offset:+d}",
            "id": session_id,
            "timezone": room["timezone"],
            "date": f"{start:%Y-%m-%d}",
            "name": room["name"],
            "messages": list(messages),
        }

    async def list_chats(self, req: Req) -> Any:
        return [
            {
                "time": chat["time"],
                "id": chat["id"],
                "download_link": f"{req.base_url}/v1/chats/{chat['id']}",
                "timezone": chat["timezone"],
                "date": chat["date"],
                "name": chat["name"],
            }
            for chat in self.chats.values()
        ]

    async def get_chat(self, req: Req) -> Any:
        chat = self.chats.get(int(req.params["session"]))
        if chat is None:
            raise Invalid(404, ("session_id", "Chat not found."))
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr(f"chat_{chat['id']}.txt", "\n".join(chat["messages"]))
        return Response(archive.getvalue(), media_type="application/zip")

