"""Metric labels from Slack bodies: bounded names only, whatever arrives; provider endpoints folded."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx
from hypothesis import given
from hypothesis import strategies as st

from bot.http.guard import Refused, parse_slack_body
from bot.http.instrument import OTHER, Label, RequestLabels
from bot.runtime import command_groups, command_registry
from providers import http as provider_http

LABELS = RequestLabels(command_registry(), command_groups())
MEETING_WORDS = set(command_groups()[0].table()) | {"help"}


def label_of(body: bytes, content_type: str) -> Label:
    """The label a request gets once bot.http.guard has parsed its body (or refused it: no body)."""
    try:
        return LABELS.of(parse_slack_body(body, content_type or None))
    except Refused:
        return LABELS.of(None)


def test_commands_are_labelled_by_known_subcommand_only() -> None:
    body = urlencode({"command": "/meeting", "text": "new kmeet Standup"}).encode()
    assert label_of(body, "application/x-www-form-urlencoded").name == "/meeting new"
    body = urlencode({"command": "/meeting", "text": "api_key=sk-123 please"}).encode()
    assert label_of(body, "application/x-www-form-urlencoded").name == "/meeting other"
    body = urlencode({"command": "/elsewhere", "text": "x"}).encode()
    assert label_of(body, "application/x-www-form-urlencoded").name == OTHER


@given(st.binary(max_size=300), st.sampled_from(["application/json", "application/x-www-form-urlencoded", ""]))
def test_any_body_gets_a_bounded_label(body: bytes, content_type: str) -> None:
    label = label_of(body, content_type)
    assert label.kind in {"command", "action", "view", "event", OTHER}
    assert label.name == OTHER or label.name.split(" ", 1)[0] in {"/meeting", "submit", "input", "link"} or \
        LABELS.registry.action(label.name) is not None


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_command_text_is_labelled_with_a_word_the_registry_knows(command: str, words: str) -> None:
    body = urlencode({"command": command, "text": words}).encode()
    name = label_of(body, "application/x-www-form-urlencoded").name
    assert name in {OTHER, command, f"{command} {OTHER}"} or name.split(" ", 1)[1] in MEETING_WORDS


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=4))
def test_any_interactivity_payload_gets_a_bounded_label(payload: dict[str, str]) -> None:
    body = urlencode({"payload": json.dumps({"type": "block_actions", "actions": [payload]})}).encode()
    name = label_of(body, "application/x-www-form-urlencoded").name
    assert name == OTHER or name == "link" or LABELS.registry.action(name) is not None


def test_endpoints_fold_ids_but_keep_versions() -> None:
    assert provider_http.endpoint_label("get", "meetings/1234") == "GET /meetings/{id}"
    assert provider_http.endpoint_label("POST", "/v1/conferences/88/tokens") == "POST /v1/conferences/{id}/tokens"
    assert provider_http.endpoint_label("GET", "https://x.test/airmeet/3f2a-9c1e/info?k=v") == "GET /airmeet/{id}/info"


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=["Cc"]), max_size=60))
def test_any_path_folds_every_segment_with_a_digit(path: str) -> None:
    try:
        label = provider_http.endpoint_label("GET", path)
    except httpx.InvalidURL:
        return  # httpx refuses it before any request could be sent
    assert not any(ch.isdigit() for segment in label.split("/") if segment != "{id}" and not
                   (segment.startswith("v") and segment[1:].isdigit()) for ch in segment.removeprefix("GET "))


async def test_send_reports_every_attempt_to_the_observer() -> None:
    seen: list[tuple[str, str, str]] = []
    answers = iter([httpx.Response(503), httpx.Response(200, json={})])
    client = httpx.AsyncClient(base_url="https://p.test/v1",
                               transport=httpx.MockTransport(lambda request: next(answers)))

    async def no_sleep(_seconds: float) -> None:
        return None

    provider_http.set_call_observer(lambda provider, endpoint, status, seconds: seen.append((provider, endpoint, status)))
    try:
        policy = provider_http.RetryPolicy(sleep=no_sleep)
        await provider_http.send(client, "GET", "/rooms/77", provider="p", idempotent=True, policy=policy)
    finally:
        provider_http.set_call_observer(None)
        await client.aclose()
    assert seen == [("p", "GET /rooms/{id}", "503"), ("p", "GET /rooms/{id}", "200")]
