"""The Web API methods the app calls: auth.test, chat.*, conversations.*, users.info, views.*.

    answer = fake._chat_post_message(token, {"channel": "C1", "text": "hi"}, request)   # via POST /api/chat.postMessage
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from starlette.requests import Request

from tests.fakes.slack.records import MAX_MPIM_USERS, SlackError, TokenInfo, missing
from tests.fakes.slack.checks import json_arg, message_content, truthy, view_arg
from tests.fakes.slack.state import SlackState


class WebApiMethods(SlackState):
    """One handler per method: (token, args, request) -> the answer's fields, or SlackError."""

    def _auth_test(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        return {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "meetbot",
            "team_id": team.id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        channel = self._postable_channel(team, args.get("channel"), scopes=token.scopes)
        text, blocks = message_content(args)
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": team.bot_user_id,
            "bot_id": team.bot_id,
            "app_id": self.app_id,
            "team": team.id,
            "text": text,
            "ts": ts,
        }
        if blocks is not None:
            message["blocks"] = blocks
        if args.get("attachments"):
            message["attachments"] = json_arg(args["attachments"], error="invalid_attachments")
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        if args.get("metadata"):
            message["metadata"] = json_arg(args["metadata"], error="invalid_metadata_format")
        self._messages.setdefault(channel["id"], {})[ts] = message
        return {"channel": channel["id"], "ts": ts, "message": message}

    def _chat_post_ephemeral(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        user = args.get("user")
        if not user:
            raise missing("user")
        channel = self._postable_channel(team, args.get("channel"))
        if user not in channel["members"]:
            raise SlackError("user_not_in_channel")
        text, blocks = message_content(args)
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel["id"],
                "user": user,
                "text": text,
                "blocks": blocks,
                "thread_ts": args.get("thread_ts"),
                "ts": ts,
            }
        )
        return {"message_ts": ts}

    def _chat_update(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        channel = self._channel_of_team(team, args.get("channel"))
        ts = args.get("ts")
        if not ts:
            raise missing("ts")
        message = self._messages.get(channel["id"], {}).get(str(ts))
        if message is None:
            raise SlackError("message_not_found")
        text, blocks = message_content(args)
        message["text"] = text
        if blocks is not None:
            message["blocks"] = blocks
        else:
            message.pop("blocks", None)  # Slack drops old blocks when an update sends only text
        message["edited"] = {"user": team.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel["id"], "ts": message["ts"], "text": text, "message": message}

    def _chat_delete(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        channel = self._channel_of_team(team, args.get("channel"))
        ts = args.get("ts")
        if not ts:
            raise missing("ts")
        if self._messages.get(channel["id"], {}).pop(str(ts), None) is None:
            raise SlackError("message_not_found")
        return {"channel": channel["id"], "ts": str(ts)}

    def _conversations_open(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        if args.get("channel"):
            channel = self._channel_of_team(team, args["channel"])
            if not channel["is_im"]:
                raise SlackError("method_not_supported_for_channel_type")
            return {"no_op": True, "already_open": True, "channel": {"id": channel["id"]}}
        raw = args.get("users")
        users = raw if isinstance(raw, list) else [u.strip() for u in str(raw or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > MAX_MPIM_USERS:
            raise SlackError("too_many_users")
        if len(users) > 1 and "mpim:write" not in token.scopes:
            raise SlackError("missing_scope", needed="mpim:write", provided=",".join(token.scopes))
        for user in users:
            self._user_of_team(team, user)
        channel_id, already_open = self._open_dm(team, users)
        channel = self._channels[channel_id]
        answer: dict[str, Any] = {"channel": {"id": channel_id}}
        if already_open:
            answer.update(no_op=True, already_open=True)
        if truthy(args.get("return_im")):
            answer["channel"] = {
                "id": channel_id,
                "created": int(channel["created"]),
                "is_im": len(users) == 1,
                "is_mpim": len(users) > 1,
                "user": users[0] if len(users) == 1 else None,
                "is_open": True,
            }
        return answer

    def _readable_channel(self, token: TokenInfo, ref: Any) -> dict[str, Any]:
        """A channel the bot may read: private ones only when it is a member (channels:read / groups:read)."""
        channel = self._channel_of_team(self._team(token), ref)
        if channel["is_private"] and not channel["bot_member"]:
            raise SlackError("channel_not_found")
        needed = "groups:read" if channel["is_private"] else "channels:read"
        if not channel["is_im"] and needed not in token.scopes:
            raise SlackError("missing_scope", needed=needed, provided=",".join(token.scopes))
        return channel

    def _conversations_info(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        channel = self._readable_channel(token, args.get("channel"))
        return {"channel": {
            "id": channel["id"], "name": channel["name"], "is_channel": not channel["is_private"],
            "is_group": channel["is_private"], "is_im": channel["is_im"], "is_private": channel["is_private"],
            "is_archived": channel["is_archived"], "is_member": channel["bot_member"],
        }}

    def _conversations_members(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        """Members a page at a time: ``limit`` (default 100) and an opaque ``cursor``."""
        channel = self._readable_channel(token, args.get("channel"))
        members = sorted(channel["members"])
        try:
            start = int(base64.urlsafe_b64decode(str(args.get("cursor") or "MA==")).decode())
            limit = max(1, min(1000, int(args.get("limit") or 100)))
        except (ValueError, binascii.Error):
            raise SlackError("invalid_cursor") from None
        page = members[start : start + limit]
        following = start + limit
        cursor = base64.urlsafe_b64encode(str(following).encode()).decode() if following < len(members) else ""
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _users_info(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        user_id = args.get("user")
        if not user_id:
            raise SlackError("user_not_found")
        user = json.loads(json.dumps(self._user_of_team(team, user_id)))
        if "users:read.email" not in token.scopes:
            user["profile"].pop("email", None)  # Slack leaves email out without users:read.email
        if not truthy(args.get("include_locale")):
            user.pop("locale", None)
        return {"user": user}

    def _views_open(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise missing("trigger_id")
        view = view_arg(args, allowed_types=("modal",))
        self._exchange_trigger(str(trigger_id))
        return {"view": self._store_view(team, view, view_id=None)}

    def _views_update(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments", messages=["[ERROR] either view_id or external_id is required"])
        view = view_arg(args, allowed_types=("modal",))
        current = self._find_view(team, view_id=view_id, external_id=external_id)
        if current is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(team, view, view_id=current["id"])
        return {"view": stored}

    def _views_publish(self, token: TokenInfo, args: dict[str, Any], request: Request) -> dict[str, Any]:
        team = self._team(token)
        user_id = args.get("user_id")
        if not user_id:
            raise missing("user_id")
        view = view_arg(args, allowed_types=("home",))
        self._user_of_team(team, user_id)
        current_id = self._homes.get((team.id, user_id))
        if current_id is not None and args.get("hash") and args["hash"] != self._views[current_id]["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(team, view, view_id=current_id)
        self._homes[(team.id, user_id)] = stored["id"]
        return {"view": stored}
