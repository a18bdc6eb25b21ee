"""The Dockerfile and compose.yaml against the README (CI has no Docker engine to build them with)."""

from __future__ import annotations

import json
import re

import yaml

from tests.paths import REPO_ROOT


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined: ``[("FROM", "python:3.11-slim"), ...]``."""
    text = (REPO_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def docker_section() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    return readme.split("## Docker", 1)[1].split("\n## ", 1)[0]


def test_the_image_is_slim_runs_meetbot_serve_as_a_non_root_user_and_checks_readyz() -> None:
    steps = instructions()
    base = [value for kind, value in steps if kind == "FROM"]
    assert len(base) == 1 and re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?", base[0])
    [cmd] = [json.loads(value) for kind, value in steps if kind == "CMD"]
    assert cmd == ["meetbot", "serve"]
    users = [value for kind, value in steps if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert [index for index, (kind, _) in enumerate(steps) if kind == "USER"][-1] < \
        [index for index, (kind, _) in enumerate(steps) if kind == "CMD"][0]
    [health] = [value for kind, value in steps if kind == "HEALTHCHECK"]
    assert "/readyz" in health
    section = docker_section()
    assert f"`{' '.join(cmd)}`" in section and f"`{users[-1]}`" in section and "/readyz" in section


def test_compose_services_are_the_ones_the_readme_names() -> None:
    compose = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())
    services = compose["services"]
    section = docker_section()
    named = set(re.findall(r"`(\w+)` \(", section))
    assert set(services) == named, f"README's Docker section names {named}, compose.yaml has {set(services)}"
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["migrate"]["command"] == ["meetbot", "migrate"]
    app = services["meetbot"]
    assert "command" not in app  # the image's CMD, `meetbot serve`
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_the_image_leaves_local_secrets_and_databases_out() -> None:
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    assert {".env", ".meetbot-secret.key", "*.db", ".venv", ".git"} <= set(ignored)
    copied = {value.split()[0] for kind, value in instructions() if kind == "COPY"}
    assert {"bot", "commands", "providers", "db"} <= copied
