"""Every /airmeet subcommand answers help, and its example reads as its own arguments."""

from __future__ import annotations

import pytest

from commands import airmeet
from commands.airmeet.forms import RowForm
from commands.framework.arguments import read
from commands.framework.router import Group, Subcommand
from tests.unit.commands.airmeet.support import ctx


def subcommands(group: Group, prefix: str) -> list[tuple[str, Subcommand]]:
    found: list[tuple[str, Subcommand]] = []
    for entry in group.table().values():
        if isinstance(entry, Group):
            found += subcommands(entry, f"{prefix} {entry.name}")
        else:
            found.append((prefix, entry))
    return found


ALL = subcommands(airmeet.GROUP, "/airmeet")


@pytest.mark.parametrize(("prefix", "subcommand"), ALL, ids=[f"{p} {s.name}" for p, s in ALL])
def test_the_example_reads(prefix: str, subcommand: Subcommand) -> None:
    assert subcommand.example.split()[0] == subcommand.name
    rest = subcommand.example.partition(" ")[2]
    if subcommand.reader is not None:
        subcommand.reader(rest, ctx(), None)  # type: ignore[arg-type]
    else:
        parsed = read(subcommand.arguments, rest, command=f"{prefix} {subcommand.name}")
        form = next((f for f in airmeet.FORMS if f.command == f"{prefix} {subcommand.name}"), None)
        if isinstance(form, RowForm):  # the key=value part is the form's row
            form.read(parsed.given())  # type: ignore[attr-defined]


def test_every_form_is_reachable_from_a_subcommand() -> None:
    commands = {f"{prefix} {s.name}" for prefix, s in ALL}
    assert {form.command for form in airmeet.FORMS} <= commands
