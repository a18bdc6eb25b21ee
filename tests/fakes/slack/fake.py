"""The fake Slack as one server: its routes, the Web API request pipeline (parse, throttle, authenticate,
dispatch, record) and response URLs.

    with FakeSlack(tokens={"xoxb-T1": "T1"}).running() as api_url: ...
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import math
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from tests.fakes.server import serve
from tests.fakes.slack.records import (
    ACCEPTED_CHARSETS,
    METHOD_SCOPES,
    RESPONSE_TYPES,
    RESPONSE_URL_USES,
    Call,
    ResponsePost,
    SlackError,
    TokenInfo,
)
from tests.fakes.slack.checks import header_param, json_response, parse_multipart
from tests.fakes.slack.files import FilesMethods
from tests.fakes.slack.methods import WebApiMethods
from tests.fakes.slack.oauth import OAuthFlow
from tests.fakes.slack.observe import Observed
from tests.fakes.slack.socket_mode import SocketMode


class FakeSlack(SocketMode, OAuthFlow, WebApiMethods, FilesMethods, Observed):
    """The Slack Web API on 127.0.0.1: ``FakeSlack(tokens={"xoxb-T1": "T1"}, app_tokens=["xapp-1"])``.

    ``client_id`` / ``client_secret`` are the app's OAuth credentials that ``oauth.v2.access`` checks;
    ``trigger_ttl`` (seconds, Slack's is 3) expires trigger ids minted by ``new_trigger_id``.
    """

    @contextlib.contextmanager
    def running(self) -> Iterator[str]:
        """Serve the fake and yield its SLACK_API_URL: ``with fake.running() as api_url: ...``."""
        with serve(self.app) as root_url:
            self.bind(root_url)
            yield self.api_url

    def build_app(self) -> Any:
        return Starlette(
            routes=[
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/response_url/{name}", self._response_url_post, methods=["POST"]),
                Route("/upload/v1/{file_id}", self._upload, methods=["POST"]),
                Route("/files-pri/{file_id}/{name}", self._download, methods=["GET"]),
                WebSocketRoute("/link/", self._socket_mode),
            ]
        )

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        body = await request.body()
        if self.latency:
            await asyncio.sleep(self.latency)
        content_type = request.headers.get("content-type", "")
        call = Call(
            method=method,
            http_method=request.method,
            token=None,
            team_id=None,
            args={},
            content_type=content_type,
            at=time.time(),
        )
        headers: dict[str, str] = {}
        with self._lock:
            try:
                handler = self._handlers().get(method)
                if handler is None and method != "oauth.v2.access":
                    raise SlackError("unknown_method", req_method=method)
                try:  # parsed first so that even a throttled call shows what it carried
                    args, body_token = self._parse_args(request, body, content_type)
                    bad_body = None
                except SlackError as error:
                    args, body_token, bad_body = {}, None, error
                call.args = args
                injected = self._take_injected(method)
                if injected is not None and injected.retry_after is not None:
                    call.status = 429
                    headers["Retry-After"] = str(injected.retry_after)
                    raise SlackError("ratelimited")
                if bad_body is not None:
                    raise bad_body
                bearer, basic = self._authorization(request)
                call.token = bearer or body_token
                if injected is not None:
                    raise SlackError(injected.error or "invalid_auth")
                if handler is None:  # oauth.v2.access: the app's client credentials, no token
                    result = self._oauth_v2_access(args, basic)
                else:
                    token = self._authenticate(method, call.token)
                    call.team_id = token.team_id
                    if method == "chat.postMessage":
                        self._throttle_channel(token, args.get("channel"), call, headers)
                    headers["x-oauth-scopes"] = ",".join(token.scopes)
                    headers["x-accepted-oauth-scopes"] = METHOD_SCOPES.get(method, "")
                    result = handler(token, args, request)
                call.response = {"ok": True, **result}
                if "application/json" in content_type and "charset=" not in content_type.lower():
                    # Slack answers, but warns, when a JSON body does not name its charset.
                    call.response["warning"] = "missing_charset"
                    call.response["response_metadata"] = {"warnings": ["missing_charset"]}
            except SlackError as error:
                call.response = error.body()
            self._calls.append(call)
            self._changed.notify_all()
            return json_response(call.response, status=call.status, headers=headers)

    async def _response_url_post(self, request: Request) -> Response:
        name = unquote(request.path_params["name"])
        body = await request.body()
        with self._lock:
            uses = self._response_urls.get(name)
            if uses is None:
                # Slack's answer for a hook that does not exist (incoming-webhook docs: 404 no_service).
                return PlainTextResponse("no_service", status_code=404)
            if uses >= RESPONSE_URL_USES:
                return PlainTextResponse("used_url", status_code=404)
            if "application/json" not in request.headers.get("content-type", ""):
                return PlainTextResponse("invalid_payload", status_code=400)
            try:
                payload = json.loads(body)
            except ValueError:
                return PlainTextResponse("invalid_payload", status_code=400)
            if not isinstance(payload, dict) or payload.get("response_type", "ephemeral") not in RESPONSE_TYPES:
                return PlainTextResponse("invalid_payload", status_code=400)
            has_content = payload.get("text") or payload.get("blocks") or payload.get("attachments")
            if not has_content and not payload.get("delete_original"):
                return PlainTextResponse("no_text", status_code=400)
            self._response_urls[name] = uses + 1
            self._responses.append(ResponsePost(name=name, body=payload, at=time.time()))
            self._changed.notify_all()
            return PlainTextResponse("ok")

    def _throttle_channel(self, token: TokenInfo, channel: Any, call: Call, headers: dict[str, str]) -> None:
        """With ``channel_spacing`` set: a post to a channel sooner than that after the last one accepted
        there answers 429 with a whole-second Retry-After (Slack: "1 message per second per channel";
        assumption: no burst allowance, and the wait is rounded up to whole seconds as Slack sends them)."""
        if not self.channel_spacing or not isinstance(channel, str):
            return
        key = (token.team_id or "", channel)
        now = time.monotonic()
        last = self._last_post.get(key)
        if last is not None and now - last < self.channel_spacing:
            call.status = 429
            headers["Retry-After"] = str(max(1, math.ceil(self.channel_spacing - (now - last))))
            raise SlackError("ratelimited")
        self._last_post[key] = now

    def _handlers(self) -> dict[str, Callable[[TokenInfo, dict[str, Any], Request], dict[str, Any]]]:
        """The token-authenticated methods; ``oauth.v2.access`` is handled apart (client credentials)."""
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "apps.connections.open": self._apps_connections_open,
            "files.list": self._files_list,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }

    def _parse_args(self, request: Request, body: bytes, content_type: str) -> tuple[dict[str, Any], str | None]:
        """Merge query and body arguments; returns them and a ``token`` found in a form body or query."""
        args: dict[str, Any] = dict(parse_qsl(request.url.query, keep_blank_values=True))
        mime, _, params = content_type.partition(";")
        mime = mime.strip().lower()
        charset = header_param(params, "charset")
        if request.method == "POST" and body:
            if not mime:
                raise SlackError("missing_post_type")
            if charset is not None and charset.lower() not in ACCEPTED_CHARSETS:
                raise SlackError("invalid_charset")
            if mime == "application/json":
                try:
                    parsed = json.loads(body.decode(charset or "utf-8"))
                except (ValueError, LookupError):
                    raise SlackError("invalid_json") from None
                if not isinstance(parsed, dict):
                    raise SlackError("json_not_object")
                parsed.pop("token", None)  # Slack reads the token of a JSON call from the header only
                args.update({k: v for k, v in parsed.items() if v is not None})
            elif mime in ("application/x-www-form-urlencoded", "text/plain"):
                try:
                    args.update(parse_qsl(body.decode(charset or "utf-8"), keep_blank_values=True, strict_parsing=True))
                except (ValueError, UnicodeDecodeError):
                    raise SlackError("invalid_form_data") from None
            elif mime == "multipart/form-data":
                args.update(parse_multipart(body, content_type))
            else:
                raise SlackError("invalid_post_type")
        token = args.pop("token", None)
        return args, token

    def _authorization(self, request: Request) -> tuple[str | None, tuple[str, str] | None]:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip(), None
        if scheme.lower() == "basic":
            try:
                client_id, _, client_secret = base64.b64decode(value.strip()).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None, None
            return None, (client_id, client_secret)
        return None, None

    def _authenticate(self, method: str, token: str | None) -> TokenInfo:
        if not token:
            raise SlackError("not_authed")
        info = self._tokens.get(token)
        if info is None:
            raise SlackError("invalid_auth")
        if info.revoked:
            raise SlackError("token_revoked")
        if info.expires_at is not None and time.time() >= info.expires_at:
            raise SlackError("token_expired")
        wants_app_token = method == "apps.connections.open"
        if (info.kind == "app") != wants_app_token:
            raise SlackError("not_allowed_token_type")
        needed = METHOD_SCOPES.get(method)
        if needed is not None and needed not in info.scopes:
            raise SlackError("missing_scope", needed=needed, provided=",".join(info.scopes))
        return info
