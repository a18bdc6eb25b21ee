"""Modal interactions as Slack sends them: the view's state filled in, view_submission and block_actions payloads.

    view = await opened_view(slack)                                   # the modal views.open put up
    await slack.interact(submission(slack, view, title="Standup"))    # the user typed a title and pressed Submit
    await slack.interact(picked(slack, view, "provider", "whereby"))  # a dispatch_action select changed

Shapes follow ../shared/specs/slack/bolt_python_fixtures (test_view_submission__body.json,
test_block_actions__body.json).
"""

from __future__ import annotations

import json
import time
from typing import Any

from tests.scenario.harness import TEAM, SlackScenario


def parse(value: Any) -> Any:
    """slack_sdk sends structured arguments as JSON text in form bodies."""
    return json.loads(value) if isinstance(value, str) else value


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def block_ids(view: dict[str, Any]) -> list[str]:
    """The input blocks of a view, top to bottom."""
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


async def opened_view(slack: SlackScenario, *, since: int = 0) -> dict[str, Any]:
    """The modal the app opened with ``views.open`` (at index >= ``since``), as the fake Slack stored it."""
    call = await slack.fake.wait_for("views.open", since=since)
    assert call.ok, call.response
    return slack.fake.view(call.response["view"]["id"])


def slack_state(view: dict[str, Any], **typed: Any) -> dict[str, Any]:
    """``view.state`` as Slack sends it: each input's initial value, or what the user picked in ``typed``.

    A select or checkbox can only take an option the view offers, as in Slack; ``None`` clears an input.
    """
    values: dict[str, Any] = {}
    for item in view["blocks"]:
        if item["type"] != "input":
            continue
        element, name = item["element"], item["block_id"]
        kind = element["type"]
        chosen = typed.get(name, ...)
        if kind in ("plain_text_input", "number_input"):
            state = {"value": element.get("initial_value") if chosen is ... else chosen}
        elif kind == "datepicker":
            state = {"selected_date": element.get("initial_date") if chosen is ... else chosen}
        elif kind == "timepicker":
            state = {"selected_time": element.get("initial_time") if chosen is ... else chosen}
        elif kind == "static_select":
            if chosen is ...:
                option = element.get("initial_option")
            else:
                option = None if chosen is None else next(o for o in element["options"] if o["value"] == chosen)
            state = {"selected_option": option}
        elif kind == "multi_users_select":
            state = {"selected_users": element.get("initial_users", []) if chosen is ... else chosen}
        elif kind == "conversations_select":
            state = {"selected_conversation": element.get("initial_conversation") if chosen is ... else chosen}
        elif kind == "checkboxes":
            picked = [o["value"] for o in element.get("initial_options", [])] if chosen is ... else chosen
            state = {"selected_options": [o for o in element["options"] if o["value"] in picked]}
        else:
            raise AssertionError(f"no state for {kind}")
        values[name] = {element["action_id"]: {"type": kind, **state}}
    return {"values": values}


def envelope(slack: SlackScenario, kind: str, view: dict[str, Any], *, user: str = "U1", **typed: Any) -> dict[str, Any]:
    """An interaction payload of ``kind`` about ``view``, from ``user``, with a fresh trigger id."""
    return {
        "type": kind,
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0MEETBOT1",
        "token": "verification_token",
        "trigger_id": slack.fake.new_trigger_id(),
        "view": {**view, "state": slack_state(view, **typed)},
    }


def submission(slack: SlackScenario, view: dict[str, Any], *, user: str = "U1", **typed: Any) -> dict[str, Any]:
    """A view_submission payload: ``user`` pressed Submit after typing ``typed``."""
    return {**envelope(slack, "view_submission", view, user=user, **typed), "response_urls": []}


def picked(slack: SlackScenario, view: dict[str, Any], action_id: str, value: str, **typed: Any) -> dict[str, Any]:
    """A block_actions payload: the user picked ``value`` in the select ``action_id`` of the modal."""
    option = next(o for o in block(view, action_id)["element"]["options"] if o["value"] == value)
    payload = envelope(slack, "block_actions", view, **{action_id: value, **typed})
    payload["container"] = {"type": "view", "view_id": view["id"]}
    payload["actions"] = [{"type": "static_select", "action_id": action_id, "block_id": action_id,
                           "selected_option": option, "action_ts": f"{time.time():.6f}"}]
    return payload
