"""The arrows inside commands/: framework imports nothing above it, lifecycle only framework, and
feature packages (one per slash command) never import each other; nothing here imports bot/ or Bolt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3] / "commands"
FEATURES = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()
                  and p.name not in ("framework", "lifecycle", "__pycache__"))
ALLOWED = {"framework": {"framework"}, "lifecycle": {"framework", "lifecycle"},
           **{feature: {"framework", "lifecycle", feature} for feature in FEATURES}}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_lies_below_it(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        for name in imported(path):
            parts = name.split(".")
            assert parts[0] not in ("bot", "slack_bolt", "slack_sdk"), f"{path} imports {name}"
            if parts[0] == "commands" and len(parts) > 1:
                assert parts[1] in ALLOWED[package], f"{path} imports {name}"


def test_the_empty_homes_are_ready() -> None:
    assert {"airmeet", "clickmeeting", "imports", "kmeet", "meeting", "roomful", "whereby"} <= set(FEATURES)
