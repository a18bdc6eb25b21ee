"""The command each connect reply suggests works as typed (issue 8, defect 13): it reads as a
one-line ``/meeting new`` and its settings pass the provider's options model; README shows the same."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.meeting.connect import PLACEHOLDERS, TRY_IT
from commands.meeting.new import read_new
from commands.meeting.sections import validated_options
from commands.framework.context import Context, Services
from commands.framework.oneline import NewMeetingLine
from providers import registry
from tests.support.people import People

README = Path(__file__).resolve().parents[4] / "README.md"
SERVICES = Services(storage=None, directory=People(), clock=lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # type: ignore[arg-type]


def test_every_provider_has_an_example() -> None:
    assert set(TRY_IT) == set(registry.slugs())


@pytest.mark.parametrize("provider", registry.slugs())
def test_the_example_reads_and_its_settings_pass_the_model(provider: str) -> None:
    line = TRY_IT[provider].removeprefix("/meeting new ")
    for slot in PLACEHOLDERS:
        line = line.replace(slot, "r1")
    parsed = read_new(line, Context(team_id="T1", user_id="U1", user_tz="Europe/Zurich"), SERVICES)
    assert isinstance(parsed, NewMeetingLine) and parsed.provider == provider
    assert parsed.start > SERVICES.clock() and parsed.options
    assert validated_options(provider, parsed.options)


def test_readme_shows_each_example() -> None:
    text = README.read_text()
    for example in TRY_IT.values():
        assert f"`{example}`" in text, example

