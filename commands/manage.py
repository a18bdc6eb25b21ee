"""``/meeting list``, ``cancel`` and ``link`` (being written)."""

from __future__ import annotations

from commands.router import Subcommand

SUBCOMMANDS: list[Subcommand] = []
