"""How the fake reads and checks request bodies the way Slack does: encodings, message content, views.

    text, blocks = message_content(args)           # SlackError("no_text"), ("invalid_blocks"), ...
    view = view_arg(args, allowed_types=("modal",))
"""

from __future__ import annotations

import email.parser
import email.policy
import json
from typing import Any

from starlette.responses import Response

from tests.fakes.slack.records import (
    MAX_MESSAGE_BLOCKS,
    MAX_PRIVATE_METADATA,
    MAX_TEXT,
    MAX_VIEW_BLOCKS,
    MAX_VIEW_TITLE,
    SlackError,
    missing,
)


def json_response(body: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body),
        status_code=status,
        headers=headers,
        media_type="application/json; charset=utf-8",
    )


def header_param(params: str, name: str) -> str | None:
    for part in params.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == name:
            return value.strip('"')
    return None


def parse_multipart(body: bytes, content_type: str) -> dict[str, str]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise SlackError("invalid_form_data")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            payload = part.get_payload(decode=True) or b""
            fields[str(name)] = payload.decode("utf-8", errors="replace")
    return fields


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def json_arg(value: Any, *, error: str) -> Any:
    """Form bodies carry structured arguments as JSON strings; JSON bodies carry them as is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError(error) from None
    return value


def message_content(args: dict[str, Any]) -> tuple[str, list[dict[str, Any]] | None]:
    text = args.get("text")
    text = "" if text is None else str(text)
    blocks = None
    if args.get("blocks") not in (None, "", []):
        blocks = json_arg(args["blocks"], error="invalid_blocks_format")
        if not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type") for b in blocks):
            raise SlackError("invalid_blocks", messages=["[ERROR] blocks must be a list of objects with a type"])
        if len(blocks) > MAX_MESSAGE_BLOCKS:
            raise SlackError("invalid_blocks", messages=[f"[ERROR] no more than {MAX_MESSAGE_BLOCKS} items allowed"])
    if not text.strip() and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    return text, blocks


def view_arg(args: dict[str, Any], *, allowed_types: tuple[str, ...]) -> dict[str, Any]:
    if not args.get("view"):
        raise missing("view")
    view = json_arg(args["view"], error="invalid_arguments")
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", messages=["[ERROR] view must be an object [json-pointer:/view]"])
    problems: list[str] = []
    if view.get("type") not in allowed_types:
        problems.append(f"[ERROR] must be one of {list(allowed_types)} [json-pointer:/view/type]")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        problems.append("[ERROR] missing required field: blocks [json-pointer:/view/blocks]")
    elif len(blocks) > MAX_VIEW_BLOCKS:
        problems.append(f"[ERROR] no more than {MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]")
    if view.get("type") == "modal":
        title = view.get("title")
        if not isinstance(title, dict) or title.get("type") != "plain_text" or not title.get("text"):
            problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
        elif len(title["text"]) > MAX_VIEW_TITLE:
            problems.append(f"[ERROR] must be at most {MAX_VIEW_TITLE} characters [json-pointer:/view/title/text]")
        has_inputs = isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_inputs and not view.get("submit"):
            problems.append("[ERROR] input blocks need a submit button [json-pointer:/view/submit]")
    if len(str(view.get("private_metadata", ""))) > MAX_PRIVATE_METADATA:
        limit = f"[ERROR] must be at most {MAX_PRIVATE_METADATA} characters"
        problems.append(f"{limit} [json-pointer:/view/private_metadata]")
    if problems:
        raise SlackError("invalid_arguments", messages=problems)
    return view
