"""Messages as outbox rows: what the core queues, and the message the worker posts, read back at delivery.

    entry = outbox_entry(message, team_id="T1", key="reminder:7:C1", not_before=now,
                         starts_at=meeting.starts_at, title=meeting.title, due_at=reminder.due_at)
    message = message_at(item.payload, now=services.clock())   # "starts in 3 min" computed now
    due = reminder_due(item.payload)                            # when the reminder fell due, or None

A reminder's first line says how far the start is *when it is posted* ("starts in 3 min",
"started 2 min ago"), not when it was queued: the payload keeps the title and the start, and
``message_at`` writes the line (issue 8, item 7). It keeps the reminder's due time too: the row's
``not_before`` moves with every 429 and backoff, and the worker measures the grace from the due time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from commands.framework.replies import Audience, Button, Choice, Confirm, Field, Menu, Message, escape
from db.records import OutboxEntry, utc

HEADING_MARK = "\x00heading\x00"  # stands for the reminder's first line in a stored text; NUL is never typed


def starts_phrase(starts_at: datetime, now: datetime) -> str:
    """``starts in 3 min`` / ``starts now`` / ``started 2 min ago``, to the minute (rounded)."""
    minutes = round((starts_at - now).total_seconds() / 60)
    if minutes == 0:
        return "starts now"
    return f"starts in {span(minutes)}" if minutes > 0 else f"started {span(-minutes)} ago"


def span(minutes: int) -> str:
    """``45 min``, ``2 hours``, ``1 hour 5 min``, ``1 day``: how people say a distance in time."""
    if minutes >= 1440 and minutes % 1440 < 30:
        days = round(minutes / 1440)
        return f"{days} day" + ("s" if days > 1 else "")
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} min"
    said = f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{said} {rest} min" if rest else said


def reminder_heading(title: str, starts_at: datetime, now: datetime) -> str:
    """The reminder's first line: ``:alarm_clock: *Standup* starts in 10 min``."""
    return f":alarm_clock: *{escape(title)}* {starts_phrase(starts_at, now)}"


def outbox_entry(message: Message, *, team_id: str, key: str, not_before: datetime,
                 starts_at: datetime | None = None, title: str | None = None,
                 due_at: datetime | None = None) -> OutboxEntry:
    """The row for one message to ``message.to``. With ``starts_at`` and ``title`` it is a reminder:
    ``HEADING_MARK`` in its text becomes the heading at delivery; ``due_at`` is when it fell due."""
    assert message.to, "an outbox message goes to a channel or a person"
    payload: dict[str, Any] = {"message": _encode(message)}
    if starts_at is not None and title is not None:
        payload["reminder"] = {"title": title, "starts_at": starts_at.isoformat()}
        if due_at is not None:
            payload["reminder"]["due_at"] = due_at.isoformat()
    # The row's channel is its pacing lane: Slack paces chat.postMessage per channel (~1/s), while
    # chat.update is limited per workspace (Tier 3), so an edit does not wait behind a new post.
    lane = f"{message.to}/update" if message.replace_ts else message.to
    return OutboxEntry(team_id=team_id, channel=lane, idem_key=key, payload=json.dumps(payload),
                       not_before=not_before, purpose=message.purpose)


def message_at(payload: str, *, now: datetime) -> Message:
    """The message to post now, with a reminder's heading computed for ``now``."""
    data = json.loads(payload)
    message = _decode(data["message"])
    reminder = data.get("reminder")
    if reminder:
        heading = reminder_heading(reminder["title"], datetime.fromisoformat(reminder["starts_at"]), now)
        message = replace(message, text=message.text.replace(HEADING_MARK, heading))
    return message


def reminder_due(payload: str) -> datetime | None:
    """When the reminder of this payload fell due; None for other messages (and reminder rows
    queued before the due time was kept)."""
    due = (json.loads(payload).get("reminder") or {}).get("due_at")
    return utc(datetime.fromisoformat(due)) if due else None


def _encode(message: Message) -> dict[str, Any]:
    return {
        "text": message.text, "audience": str(message.audience), "to": message.to, "purpose": message.purpose,
        "replace_ts": message.replace_ts,
        "fields": [{"label": f.label, "value": f.value.isoformat() if isinstance(f.value, datetime) else f.value,
                    "when": isinstance(f.value, datetime)} for f in message.fields],
        "buttons": [asdict(b) for b in message.buttons],  # with its confirm dialog
        "menu": asdict(message.menu) if message.menu else None,  # the announcement's "⋯" menu
    }


def _decode(data: dict[str, Any]) -> Message:
    fields = tuple(Field(f["label"], utc(datetime.fromisoformat(f["value"])) if f["when"] else f["value"])
                   for f in data["fields"])
    buttons = tuple(Button(b["text"], url=b["url"], action_id=b["action_id"], value=b["value"], style=b["style"],
                           confirm=Confirm(**b["confirm"]) if b.get("confirm") else None)
                    for b in data["buttons"])
    menu = data.get("menu")
    return Message(data["text"], audience=Audience(data["audience"]), to=data["to"], fields=fields, buttons=buttons,
                   purpose=data["purpose"], replace_ts=data["replace_ts"],
                   menu=Menu(menu["action_id"], tuple(Choice(**c) for c in menu["choices"])) if menu else None)
