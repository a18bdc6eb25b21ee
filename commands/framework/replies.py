"""What the core answers: plain data that Slack and the console each render their own way.

    Reply.ephemeral("Room ready.")
    Reply([Message("*Standup*", audience=Audience.CHANNEL, to="C1", buttons=(Button("Join", url=url),))])

A ``Field`` value may be a datetime: Slack shows it as a date token (each reader sees their own
time zone), the console in the speaker's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


def escape(text: str) -> str:
    """User text inside Slack markup: ``<!channel>`` in a title must not ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Audience(StrEnum):
    REQUESTER = "requester"  # ephemeral, only the person who asked sees it
    CHANNEL = "channel"  # everyone in ``to`` (a channel id)
    DM = "dm"  # a direct message to ``to`` (a user id)


@dataclass(frozen=True)
class Confirm:
    """A dialog Slack shows before a button acts: ``Button(…, confirm=Confirm("Disconnect?", "…", "Disconnect"))``."""

    title: str
    text: str
    confirm: str
    deny: str = "Cancel"
    danger: bool = True


@dataclass(frozen=True)
class Button:
    text: str
    url: str | None = None
    action_id: str | None = None
    value: str | None = None
    style: str | None = None  # "primary" | "danger"
    confirm: Confirm | None = None


@dataclass(frozen=True)
class Field:
    label: str
    value: str | datetime


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Menu:
    """A message's "more" menu (Slack's overflow): picking a choice sends ``action_id`` with its value.

        Menu("meeting_menu", (Choice("move:k7m2qx", "Move…"),))
    """

    action_id: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (a CSV export): ``Attachment("polls.csv", b"...", title="Polls")``.

    Slack cannot attach a file to an ephemeral message, so a message carrying one goes to a
    channel or a DM.
    """

    filename: str
    content: bytes = field(repr=False)
    title: str = ""


@dataclass(frozen=True)
class Message:
    """One message; ``purpose`` lets the shell report back (e.g. store an announcement's ts)."""

    text: str
    audience: Audience = Audience.REQUESTER
    to: str | None = None
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    purpose: str | None = None  # "announcement:<meeting id>"
    replace_ts: str | None = None  # edit this earlier channel message instead of posting a new one
    menu: Menu | None = None  # shown after the buttons, where the client can show one (not in the console)
    attachment: Attachment | None = None  # a file posted with the text (CHANNEL or DM only)


@dataclass(frozen=True)
class Input:
    """One modal input: kind is text, multiline, number, date, time, select, users, channel, checkbox."""

    name: str
    label: str
    kind: str = "text"
    optional: bool = False
    initial: Any = None
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    dispatch: bool = False  # the modal changes when this input changes (views.update)
    secret: bool = False


@dataclass(frozen=True)
class Modal:
    """A form. ``callback`` names the submit handler; ``state`` rides along (private_metadata)."""

    callback: str
    title: str
    submit: str
    inputs: tuple[Input, ...]
    state: dict[str, str] = field(default_factory=dict)
    intro: str | None = None


@dataclass(frozen=True)
class Home:
    """A user's App Home tab: sections top to bottom (each rendered like a message)."""

    sections: tuple[Message, ...]


@dataclass
class Reply:
    messages: list[Message] = field(default_factory=list)
    modal: Modal | None = None
    field_errors: dict[str, str] = field(default_factory=dict)  # modal submit: input name -> sentence

    @classmethod
    def ephemeral(cls, text: str) -> Reply:
        return cls([Message(text)])

    def add(self, message: Message) -> Reply:
        self.messages.append(message)
        return self

    @property
    def text(self) -> str:
        """All message texts joined: what a transcript test reads."""
        return "\n".join(m.text for m in self.messages)
