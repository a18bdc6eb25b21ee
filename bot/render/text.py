"""Replies as terminal text for the console: Slack markup stripped, times in the speaker's zone.

    print(message_text(message, zone=ZoneInfo("Europe/Zurich")))
    print(modal_text(reply.modal))      # the fields to give inline as key=value
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from commands.framework.replies import Audience, Message, Modal

FILE_LINES = 20  # of an attached file, shown in the console
MENTION = re.compile(r"<([#@])(\w+)(?:\|([^>]*))?>")


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """``Tue 01 Dec 2026 10:00 CET``."""
    return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")


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
    if message.attachment is not None:
        content = message.attachment.content.decode("utf-8", errors="replace").splitlines()
        lines.append(f"    [file {message.attachment.filename}, {len(message.attachment.content)} bytes]")
        lines += [f"    | {line}" for line in content[:FILE_LINES]]
        if len(content) > FILE_LINES:
            lines.append(f"    | … {len(content) - FILE_LINES} more lines")
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
