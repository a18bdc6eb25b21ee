"""The homes of the provider command groups exist, ready for their subcommands (issue: reshape)."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["airmeet", "clickmeeting", "imports", "kmeet", "roomful", "whereby"])
def test_each_command_home_is_a_documented_package(package: str) -> None:
    module = importlib.import_module(f"commands.{package}")
    assert module.__doc__ and module.__doc__.strip()
