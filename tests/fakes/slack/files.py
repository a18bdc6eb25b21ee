"""File uploads as ``files_upload_v2`` makes them: ``files.getUploadURLExternal``, a POST of the bytes to
the URL it hands out, then ``files.completeUploadExternal`` sharing the file in a channel or DM.

    fake.files_in("D123")      # [{"id": "F1", "title": ..., "filename": ..., "content": b"...", "initial_comment": ...}]
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from tests.fakes.slack.records import SlackError, TokenInfo, missing
from tests.fakes.slack.state import SlackState

MAX_FILE = 1024 * 1024 * 1024  # Slack's limit is 1 GB


class FileUploads(SlackState):
    """The three steps of an external upload; a file is shared only once all three are done."""

    def _files_get_upload_url_external(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        self._team(token)
        filename, length = args.get("filename"), args.get("length")
        if not filename:
            raise missing("filename")
        try:
            size = int(length)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments") from None
        if not 0 < size <= MAX_FILE:
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self._uploads[file_id] = {"filename": str(filename), "length": size, "content": None, "team": token.team_id}
        return {"upload_url": f"{self._root()}/upload/{file_id}", "file_id": file_id}

    async def _upload_post(self, request: Request) -> Response:
        file_id = request.path_params["file_id"]
        body = await request.body()
        with self._lock:
            upload = self._uploads.get(file_id)
            if upload is None or upload["content"] is not None:
                return PlainTextResponse("not_found", status_code=404)
            if len(body) != upload["length"]:  # the length announced in step one
                return PlainTextResponse("length_mismatch", status_code=400)
            upload["content"] = body
            return PlainTextResponse(f"OK - {len(body)}")

    def _files_complete_upload_external(self, token: TokenInfo, args: dict[str, Any],
                                        request: Request) -> dict[str, Any]:
        team = self._team(token)
        raw = args.get("files")
        if not raw:
            raise missing("files")
        try:
            files = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            raise SlackError("invalid_arguments") from None
        if not isinstance(files, list) or not all(isinstance(f, dict) and f.get("id") for f in files):
            raise SlackError("invalid_arguments")
        channel = self._postable_channel(team, args["channel_id"], scopes=token.scopes) if args.get("channel_id") else None
        shared = []
        for item in files:
            upload = self._uploads.get(str(item["id"]))
            if upload is None or upload["content"] is None or upload["team"] != token.team_id:
                raise SlackError("file_not_found")
            record = {"id": item["id"], "title": item.get("title") or upload["filename"],
                      "filename": upload["filename"], "content": upload["content"],
                      "initial_comment": args.get("initial_comment")}
            if channel is not None:
                self._files.setdefault(channel["id"], []).append(record)
            shared.append({"id": item["id"], "title": record["title"]})
        return {"files": shared}

    def files_in(self, channel: str) -> list[dict[str, Any]]:
        """The files shared in a channel or DM, oldest first."""
        with self._lock:
            return [dict(f) for f in self._files.get(channel, [])]

    def dm_channel(self, team_id: str, user_id: str) -> str | None:
        """The id of the bot's DM with ``user_id``, once opened."""
        with self._lock:
            return self._dms.get((team_id, frozenset({user_id})))
