"""A Message as Block Kit: section text, fields, buttons, and the notification fallback text.

    client.chat_postMessage(channel=c, text=message_fallback(message), blocks=message_blocks(message))
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.render import limits
from commands.framework.replies import Button, Confirm, Field, Menu, Message

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
    elements = [button_element(b) for b in message.buttons[:limits.ACTIONS_ELEMENTS]]
    if message.menu is not None and (menu := overflow_element(message.menu)) is not None:
        elements = elements[:limits.ACTIONS_ELEMENTS - 1] + [menu]
    if elements:
        blocks.append({"type": "actions", "elements": elements})
    return blocks


def overflow_element(menu: Menu) -> dict[str, Any] | None:
    """Slack's overflow element, or None: it takes 2 to 5 options (a lone choice belongs on a button)."""
    options = [{"text": {"type": "plain_text", "text": choice.label[:limits.OPTION_TEXT]}, "value": choice.value}
               for choice in menu.choices[:limits.OVERFLOW_OPTIONS]]
    if len(options) < 2:
        return None
    return {"type": "overflow", "action_id": menu.action_id, "options": options}


def message_fallback(message: Message) -> str:
    """The notification text (push and screen readers) that goes with the blocks."""
    first = message.text.splitlines()[0] if message.text else ""
    return first.replace("*", "")[:limits.NOTIFICATION_TEXT]
