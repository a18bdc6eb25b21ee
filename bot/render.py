"""Replies → Block Kit (Slack) and → readable text (console). The only place that knows either format.

    blocks = message_blocks(message)
    print(message_text(message, zone=ZoneInfo("Europe/Zurich")))
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from commands.framework.replies import Audience, Button, Field, Home, Input, Message, Modal

SLACK_TEXT_LIMIT = 3000


def slack_date(moment: datetime) -> str:
    """A date token: every reader sees it in their own time zone; the fallback is UTC."""
    epoch = int(moment.timestamp())
    fallback = moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"


def field_value(field: Field) -> str:
    return slack_date(field.value) if isinstance(field.value, datetime) else field.value


def button_element(button: Button) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": button.text[:75]}}
    if button.url:
        element["url"] = button.url
        # Slack still sends an action for link buttons; the "link_" prefix is acked and ignored.
        element["action_id"] = "link_" + hashlib.sha1(button.url.encode()).hexdigest()[:10]
    else:
        element["action_id"] = button.action_id or "noop"
    if button.value:
        element["value"] = button.value
    if button.style:
        element["style"] = button.style
    return element


def message_blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": message.text[:SLACK_TEXT_LIMIT]}}
    ]
    if message.fields:
        blocks.append({
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{f.label}*\n{field_value(f)}"} for f in message.fields[:10]],
        })
    if message.buttons:
        blocks.append({"type": "actions", "elements": [button_element(b) for b in message.buttons[:25]]})
    return blocks


def message_fallback(message: Message) -> str:
    """The notification text (push and screen readers) that goes with the blocks."""
    first = message.text.splitlines()[0] if message.text else ""
    return first.replace("*", "")[:300]


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")


MENTION = re.compile(r"<([#@])(\w+)(?:\|([^>]*))?>")


def plain(mrkdwn: str) -> str:
    """Slack markup as terminal text: ``<#C1|general>`` → ``#general``, ``*bold*`` → ``bold``."""
    text = MENTION.sub(lambda m: m.group(1) + (m.group(3) or m.group(2)), mrkdwn)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)
    return html.unescape(text)


def message_text(message: Message, *, zone: ZoneInfo) -> str:
    """How the console shows one message."""
    heads = {
        Audience.REQUESTER: "to you (only you see this)",
        Audience.CHANNEL: f"in #{message.to}",
        Audience.DM: f"DM to @{message.to}",
    }
    head = heads[message.audience] + (" (edits the earlier message)" if message.replace_ts else "")
    lines = [f"[{head}]", *("  " + line for line in plain(message.text).splitlines())]
    for f in message.fields:
        value = local_time(f.value, zone) if isinstance(f.value, datetime) else plain(f.value)
        lines.append(f"    {plain(f.label)}: {value}")
    for b in message.buttons:
        lines.append(f"    [{b.text}] {b.url or b.action_id}")
    return "\n".join(lines)


def modal_text(modal: Modal) -> str:
    """The console cannot show a form: it lists the fields to give inline as key=value."""
    lines = [f"{modal.title}: type the command again with these fields as key=value (quote values with spaces):"]
    for item in modal.inputs:
        choices = f" ({'|'.join(c.value for c in item.choices)})" if item.choices else ""
        optional = " (optional)" if item.optional else ""
        optional += " (secret: never shown again)" if item.secret else ""
        lines.append(f"  {item.name}={choices or '…'}  {item.label}{optional}")
    return "\n".join(lines)


def input_element(item: Input) -> dict[str, Any]:
    """One Block Kit input element for a modal field."""
    action_id = item.name
    kind = item.kind
    if kind in ("text", "multiline"):
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": kind == "multiline"}
        if item.initial:
            element["initial_value"] = str(item.initial)
    elif kind == "number":
        element = {"type": "number_input", "action_id": action_id, "is_decimal_allowed": False}
        if item.initial is not None:
            element["initial_value"] = str(item.initial)
    elif kind == "date":
        element = {"type": "datepicker", "action_id": action_id}
        if item.initial:
            element["initial_date"] = str(item.initial)
    elif kind == "time":
        element = {"type": "timepicker", "action_id": action_id}
        if item.initial:
            element["initial_time"] = str(item.initial)
    elif kind == "select":
        options = [{"text": {"type": "plain_text", "text": c.label[:75]}, "value": c.value} for c in item.choices]
        element = {"type": "static_select", "action_id": action_id, "options": options}
        initial = next((o for o in options if o["value"] == item.initial), None)
        if initial:
            element["initial_option"] = initial
    elif kind == "users":
        element = {"type": "multi_users_select", "action_id": action_id}
        if item.initial:
            element["initial_users"] = list(item.initial)
    elif kind == "channel":
        element = {"type": "conversations_select", "action_id": action_id,
                   "default_to_current_conversation": True, "filter": {"include": ["public", "private"]}}
        if item.initial:
            element["initial_conversation"] = item.initial
    elif kind == "checkbox":
        options = [{"text": {"type": "plain_text", "text": c.label[:75]}, "value": c.value} for c in item.choices]
        element = {"type": "checkboxes", "action_id": action_id, "options": options}
        chosen = [o for o in options if o["value"] in (item.initial or ())]
        if chosen:
            element["initial_options"] = chosen
    else:
        raise ValueError(f"unknown input kind {kind!r}")
    return element


def modal_view(modal: Modal, *, private_metadata: str) -> dict[str, Any]:
    """A Block Kit modal view for ``views.open`` / ``views.update``."""
    blocks: list[dict[str, Any]] = []
    if modal.intro:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": modal.intro}})
    for item in modal.inputs:
        block: dict[str, Any] = {
            "type": "input",
            "block_id": item.name,
            "label": {"type": "plain_text", "text": item.label[:2000]},
            "optional": item.optional,
            "element": input_element(item),
        }
        if item.hint:
            block["hint"] = {"type": "plain_text", "text": item.hint[:2000]}
        if item.dispatch:
            block["dispatch_action"] = True
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": modal.callback,
        "title": {"type": "plain_text", "text": modal.title[:24]},
        "submit": {"type": "plain_text", "text": modal.submit[:24]},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def modal_values(view: dict[str, Any]) -> dict[str, Any]:
    """A submitted view's state as ``{input name: value}`` (see commands.framework.forms for the value kinds)."""
    values: dict[str, Any] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        for element in actions.values():
            values[block_id] = element_value(element)
    return values


def element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("plain_text_input", "number_input"):
        return element.get("value") or None
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind in ("static_select", "external_select"):
        return (element.get("selected_option") or {}).get("value")
    if kind == "multi_users_select":
        return list(element.get("selected_users") or [])
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind == "checkboxes":
        return [option["value"] for option in element.get("selected_options") or []]
    return element.get("value")


def home_view(home: Home) -> dict[str, Any]:
    """The App Home tab for ``views.publish``."""
    blocks: list[dict[str, Any]] = []
    for index, section in enumerate(home.sections):
        if index:
            blocks.append({"type": "divider"})
        blocks.extend(message_blocks(section))
    return {"type": "home", "blocks": blocks[:100]}
