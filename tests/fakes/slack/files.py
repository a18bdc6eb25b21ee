"""Files on the fake Slack: shared files (``files.list``, private downloads) and uploads by
``files_upload_v2`` (``files.getUploadURLExternal`` → POST to the upload URL → ``files.completeUploadExternal``).

    fake.share_file("C1", user="U1", name="speakers.csv", content=b"name,email\\n...")   # someone shared it
    fake.uploaded_files("C1")     # [{"id", "name", "title", "content", "initial_comment", ...}]

As Slack does (docs.slack.dev, methods files.list / files.getUploadURLExternal /
files.completeUploadExternal): ``files:read`` to list and download, ``files:write`` to upload;
``length`` must match the bytes uploaded; a file id unknown or not uploaded fails completion
(``file_not_found`` / ``invalid_file``, assumption: the exact code for a never-uploaded id); the
private download needs a bot token of the file's team as ``Authorization: Bearer``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from tests.fakes.slack.records import SlackError, TokenInfo
from tests.fakes.slack.state import SlackState


class FilesMethods(SlackState):
    """The files part of the fake; its state lives in ``_files`` (id -> file dict)."""

    def _file_state(self) -> dict[str, dict[str, Any]]:
        if not hasattr(self, "_files"):
            self._files: dict[str, dict[str, Any]] = {}
        return self._files

    def share_file(self, channel_id: str, *, user: str, name: str, content: bytes, filetype: str = "csv",
                   created: float | None = None) -> str:
        """A file ``user`` shared in ``channel_id``; returns its id."""
        with self._lock:
            channel = self._channels[channel_id]
            file_id = self._new_id("F")
            self._file_state()[file_id] = {
                "id": file_id, "name": name, "title": name, "filetype": filetype, "user": user,
                "created": int(created if created is not None else time.time()), "size": len(content),
                "channels": [channel_id], "team_id": channel["team_id"], "content": content, "uploaded": True,
                "url_private_download": f"{self.root_url}/files-pri/{file_id}/{name}",
            }
            return file_id

    def uploaded_files(self, channel_id: str) -> list[dict[str, Any]]:
        """Files the app completed into ``channel_id``, oldest first (``content`` decoded as UTF-8)."""
        with self._lock:
            return [{**f, "content": f["content"].decode("utf-8-sig")} for f in self._file_state().values()
                    if channel_id in f["channels"] and f.get("by_app")]

    def _needs(self, token: TokenInfo, scope: str) -> None:
        if scope not in token.scopes:
            raise SlackError("missing_scope", needed=scope, provided=",".join(token.scopes))

    def _files_list(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        self._needs(token, "files:read")
        team = self._team(token)
        since = int(args.get("ts_from") or 0)
        found = [f for f in self._file_state().values()
                 if f["team_id"] == team.id and f["uploaded"] and f["created"] >= since
                 and (not args.get("channel") or args["channel"] in f["channels"])
                 and (not args.get("user") or f["user"] == args["user"])]
        found.sort(key=lambda f: f["created"], reverse=True)
        count = int(args.get("count") or 100)
        return {"files": [public(f) for f in found[:count]], "paging": {"count": count, "total": len(found)}}

    def _files_get_upload_url_external(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        self._needs(token, "files:write")
        if not args.get("filename"):
            raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: filename"])
        try:
            length = int(args.get("length") or "")
        except ValueError:
            raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: length"]) from None
        file_id = self._new_id("F")
        self._file_state()[file_id] = {
            "id": file_id, "name": args["filename"], "title": args["filename"], "filetype": "", "user": "",
            "created": int(time.time()), "size": length, "channels": [], "team_id": self._team(token).id,
            "content": b"", "uploaded": False, "by_app": True,
            "url_private_download": f"{self.root_url}/files-pri/{file_id}/{args['filename']}",
        }
        return {"upload_url": f"{self.root_url}/upload/v1/{file_id}", "file_id": file_id}

    async def _upload(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            file = self._file_state().get(request.path_params["file_id"])
            if file is None:
                return PlainTextResponse("not found", status_code=404)
            if len(body) != file["size"]:
                return PlainTextResponse(f"length mismatch: {len(body)} != {file['size']}", status_code=400)
            file["content"] = body
            file["uploaded"] = True
        return PlainTextResponse(f"OK - {len(body)}")

    def _files_complete_upload_external(self, token: TokenInfo, args: dict[str, Any],
                                        request: Request) -> dict[str, Any]:
        self._needs(token, "files:write")
        try:
            listed = json.loads(args.get("files") or "")
        except ValueError:
            raise SlackError("invalid_arguments") from None
        if not isinstance(listed, list) or not listed:
            raise SlackError("invalid_arguments")
        team = self._team(token)
        channel = self._postable_channel(team, args["channel_id"], scopes=token.scopes) if args.get("channel_id") \
            else None
        done = []
        for item in listed:
            file = self._file_state().get(str(item.get("id")))
            if file is None or file["team_id"] != team.id:
                raise SlackError("file_not_found")
            if not file["uploaded"]:
                raise SlackError("invalid_file")
            file["title"] = item.get("title") or file["name"]
            if channel is not None:
                file["channels"].append(channel["id"])
                file["initial_comment"] = args.get("initial_comment")
            done.append(public(file))
        if channel is not None:
            ts = self._next_ts()
            self._messages.setdefault(channel["id"], {})[ts] = {
                "type": "message", "subtype": "file_share", "user": team.bot_user_id, "ts": ts,
                "text": args.get("initial_comment") or "", "files": done}
        return {"files": done}

    async def _download(self, request: Request) -> Response:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        with self._lock:
            file = self._file_state().get(request.path_params["file_id"])
            info = self._tokens.get(bearer)
            if file is None or info is None or info.team_id != file["team_id"] or "files:read" not in info.scopes:
                # Slack answers an unauthorised download with its sign-in page, not a 4xx.
                return PlainTextResponse("<html>sign in</html>", status_code=200 if file else 404,
                                         media_type="text/html")
            return Response(file["content"], media_type="text/csv")


def public(file: dict[str, Any]) -> dict[str, Any]:
    """A file as the Web API shows it (no bytes)."""
    return {key: value for key, value in file.items() if key not in ("content", "uploaded", "by_app", "team_id")}
