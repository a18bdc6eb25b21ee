"""manifest.yml validates against Slack's official schema, and every command in it is wired."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from bot.runtime import command_registry
from bot.slack.app import BOT_SCOPES
from tests.paths import REPO_ROOT, spec_file



@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(spec_file("slack", "manifest-schema", "manifest.schema.1.0.0.json").read_text())


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((REPO_ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(schema: dict, manifest: dict) -> None:
    errors = [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(manifest)]
    assert errors == []


def test_the_schema_check_can_fail(schema: dict) -> None:
    invalid = json.loads((spec_file("slack", "manifest-schema", "tests", "v1.manifest.invalid.json")).read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(invalid))


def test_every_manifest_command_is_wired_and_nothing_else(manifest: dict) -> None:
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == set(command_registry().commands())


def test_manifest_asks_for_exactly_the_scopes_the_app_requests(manifest: dict) -> None:
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


def test_manifest_subscribes_to_the_events_we_handle(manifest: dict) -> None:
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_home_opened", "app_uninstalled", "tokens_revoked"} <= events
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
