"""ClickMeeting's stored files: the file library, recordings and chat archives.

    await adapter.upload_file("slides.pdf", data, room_id=42)
    archive = await adapter.chat(session_id)
"""

from __future__ import annotations

from typing import Any

from providers.clickmeeting.client import ClickMeetingClient, _expect_ok


class LibraryAPI(ClickMeetingClient):
    """``/file-library``, ``/conferences/{id}/recordings`` and ``/chats``."""

    # --- file library ---

    async def files(self) -> list[dict[str, Any]]:
        """The account's file library: ``await adapter.files()``."""
        return list(await self._get("file-library"))

    async def room_files(self, room_id: str | int) -> list[dict[str, Any]]:
        """The files of one room: ``await adapter.room_files(42)``."""
        return list(await self._get(f"file-library/conferences/{room_id}"))

    async def upload_file(
        self,
        filename: str,
        content: bytes,
        *,
        room_id: str | int | None = None,
        content_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """Upload to the library (or one room's): multipart field ``uploaded``, as the seed's curl example."""
        path = "file-library" if room_id is None else f"file-library/conferences/{room_id}"
        body = await self._json(
            "POST", path, idempotent=False, files={"uploaded": (filename, content, content_type)}
        )
        return dict(body)

    async def file(self, file_id: str | int) -> dict[str, Any]:
        """One file's details (status, conversion, url): ``await adapter.file(1106)``."""
        return dict(await self._get(f"file-library/{file_id}"))

    async def delete_file(self, file_id: str | int) -> None:
        """Remove a file from the library: ``await adapter.delete_file(1106)``."""
        _expect_ok(await self._json("DELETE", f"file-library/{file_id}", idempotent=True))

    async def download_file(self, file_id: str | int) -> bytes:
        """The file's bytes (``GET file-library/{id}/download``)."""
        response = await self._request("GET", f"file-library/{file_id}/download", idempotent=True)
        return response.content

    # --- recordings ---

    async def recordings(self, room_id: str | int) -> list[dict[str, Any]]:
        """A room's recordings (id, duration, size, url): ``await adapter.recordings(42)``."""
        return list(await self._get(f"conferences/{room_id}/recordings"))

    async def delete_recording(self, room_id: str | int, recording_id: str | int) -> None:
        """Delete one recording: ``await adapter.delete_recording(42, 5126)``."""
        _expect_ok(await self._json("DELETE", f"conferences/{room_id}/recordings/{recording_id}", idempotent=True))

    async def delete_recordings(self, room_id: str | int) -> None:
        """Delete every recording of a room."""
        _expect_ok(await self._json("DELETE", f"conferences/{room_id}/recordings", idempotent=True))

    # --- chats and status ---

    async def chats(self) -> list[dict[str, Any]]:
        """Chat archives of all sessions (id is the session id): ``await adapter.chats()``."""
        return list(await self._get("chats"))

    async def chat(self, session_id: str | int) -> bytes:
        """One session's chat archive as ClickMeeting sends it (a zip file)."""
        response = await self._request("GET", f"chats/{session_id}", idempotent=True)
        return response.content
