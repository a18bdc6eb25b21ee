"""What a command group declares to import rows of one kind, and the checks its row models share.

    SPEAKERS = Kind(name="airmeet.speaker", noun="speaker", row=SpeakerRow, key=lambda row: row.email.lower(),
                    open=open_speaker_sender, actions="airmeet")

``open(job, services)`` is an async context manager giving a ``Sender`` for the whole run (one
provider adapter, one token). ``send`` returns "done", or "present" when the provider already had
the row; it raises ``ProviderError`` otherwise (``commands.imports.runner`` sorts them out).
``exists`` is asked only for a row that was in flight when a worker stopped: whether the provider
has it already, so a resumed job never creates it twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from commands.framework.context import Services
from db.records import ImportJob

Outcome = Literal["done", "present"]
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


class Sender(Protocol):
    async def send(self, row: Any) -> Outcome: ...

    async def exists(self, row: Any) -> bool: ...


@dataclass(frozen=True, kw_only=True)
class Kind:
    """One importable kind of row (see the module docstring)."""

    name: str  # stored on the job: "airmeet.speaker"
    noun: str  # "speaker": "12 speakers imported"
    row: type[BaseModel]
    key: Callable[[Any], str]  # rows with the same key are the same thing at the provider
    open: Callable[[ImportJob, Services], AbstractAsyncContextManager[Sender]]
    actions: str  # the action-id prefix of the group that lists ``commands.imports.import_actions``
    concurrency: int = 8  # rows in flight at most; a 429 halves it for a while

    def plural(self, count: int) -> str:
        return f"{count} {self.noun}" + ("" if count == 1 else "s")


class Row(BaseModel):
    """Base of a CSV row model: unknown columns are refused, cells are stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def column(default: Any = ..., *aliases: str, max_length: int | None = None) -> Any:
    """A field with the other header spellings it answers to: ``email: str = column(..., "e-mail")``."""
    return Field(default, max_length=max_length, json_schema_extra={"aliases": list(aliases)})


def email_address(value: str) -> str:
    """An ``AfterValidator``: the e-mail as given, or "is not a valid e-mail address"."""
    if not EMAIL.fullmatch(value):
        raise ValueError("is not a valid e-mail address")
    return value


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value


def optional(value: str | None) -> str | None:
    """An empty cell is no value (a ``BeforeValidator`` for optional columns)."""
    if isinstance(value, str) and not value.strip():
        return None
    return value
