"""A Message as Block Kit: section text, fields, buttons, and the notification fallback text.

    client.chat_postMessage(channel=c, text=message_fallback(message), blocks=message_blocks(message))
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.render import limits
from commands.framework.replies import Button, Confirm, Field, Message

LINK_ACTION_PREFIX = "link_"  # the listeners ack these and do nothing: Slack opens the URL itself


def slack_date(moment: datetime) -> str:
    """A date token: every reader sees it in their own time zone; the fallback is UTC."""
    epoch = int(moment.timestamp())
    fallback = moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"


def field_value(field: Field) -> str:
    """A field's mrkdwn value: datetimes become date tokens."""
    return slack_date(field.value) if isinstance(field.value, datetime) else field.value


def button_element(button: Button) -> dict[str, Any]:
    """One button element; link buttons get a ``link_`` action id derived from their URL."""
    element: dict[str, Any] = {"type": "button",
                               "text": {"type": "plain_text", "text": button.text[:limits.BUTTON_TEXT]}}
    if button.url:
        element["url"] = button.url
        # Slack still sends an action for link buttons; the "link_" prefix is acked and ignored.
        element["action_id"] = LINK_ACTION_PREFIX + hashlib.sha1(button.url.encode()).hexdigest()[:10]
    else:
        element["action_id"] = button.action_id or "noop"
    if button.value:
        element["value"] = button.value
    if button.style:
        element["style"] = button.style
    if button.confirm:
        element["confirm"] = confirm_object(button.confirm)
    return element


def confirm_object(confirm: Confirm) -> dict[str, Any]:
    """Block Kit's confirmation dialog object (plain text throughout, each part cut to its limit)."""
    def plain(text: str, limit: int) -> dict[str, str]:
        return {"type": "plain_text", "text": text[:limit]}

    dialog: dict[str, Any] = {"title": plain(confirm.title, limits.CONFIRM_TITLE),
                              "text": plain(confirm.text, limits.CONFIRM_TEXT),
                              "confirm": plain(confirm.confirm, limits.CONFIRM_BUTTON),
                              "deny": plain(confirm.deny, limits.CONFIRM_BUTTON)}
    if confirm.danger:
        dialog["style"] = "danger"
    return dialog


def message_blocks(message: Message) -> list[dict[str, Any]]:
    """The blocks of one message: its text, then its fields, then its buttons."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": message.text[:limits.SECTION_TEXT]}}
    ]
    if message.fields:
        blocks.append({
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{f.label}*\n{field_value(f)}"}
                       for f in message.fields[:limits.SECTION_FIELDS]],
        })
    if message.buttons:
        blocks.append({"type": "actions",
                       "elements": [button_element(b) for b in message.buttons[:limits.ACTIONS_ELEMENTS]]})
    return blocks


def message_fallback(message: Message) -> str:
    """The notification text (push and screen readers) that goes with the blocks."""
    first = message.text.splitlines()[0] if message.text else ""
    return first.replace("*", "")[:limits.NOTIFICATION_TEXT]
