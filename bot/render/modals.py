"""Modal ↔ view JSON: a Modal as a ``views.open``/``views.update`` view, a submitted view's state as values.

    await client.views_open(trigger_id=t, view=modal_view(modal))
    values = modal_values(body["view"])        # {"title": "Standup", "start_date": "2026-12-01", ...}
"""

from __future__ import annotations

import json
from typing import Any

from bot.render import limits
from commands.framework.replies import Input, Modal


def input_element(item: Input) -> dict[str, Any]:
    """One Block Kit input element for a modal field."""
    action_id = item.name
    kind = item.kind
    if kind in ("text", "multiline"):
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": kind == "multiline"}
        if item.initial:
            element["initial_value"] = str(item.initial)
    elif kind == "number":
        element = {"type": "number_input", "action_id": action_id, "is_decimal_allowed": False}
        if item.initial is not None:
            element["initial_value"] = str(item.initial)
    elif kind == "date":
        element = {"type": "datepicker", "action_id": action_id}
        if item.initial:
            element["initial_date"] = str(item.initial)
    elif kind == "time":
        element = {"type": "timepicker", "action_id": action_id}
        if item.initial:
            element["initial_time"] = str(item.initial)
    elif kind == "select":
        options = [{"text": {"type": "plain_text", "text": c.label[:limits.BUTTON_TEXT]}, "value": c.value} for c in item.choices]
        element = {"type": "static_select", "action_id": action_id, "options": options}
        initial = next((o for o in options if o["value"] == item.initial), None)
        if initial:
            element["initial_option"] = initial
    elif kind == "users":
        element = {"type": "multi_users_select", "action_id": action_id}
        if item.initial:
            element["initial_users"] = list(item.initial)
    elif kind == "channel":
        element = {"type": "conversations_select", "action_id": action_id,
                   "default_to_current_conversation": True, "filter": {"include": ["public", "private"]}}
        if item.initial:
            element["initial_conversation"] = item.initial
    elif kind == "checkbox":
        options = [{"text": {"type": "plain_text", "text": c.label[:limits.BUTTON_TEXT]}, "value": c.value} for c in item.choices]
        element = {"type": "checkboxes", "action_id": action_id, "options": options}
        chosen = [o for o in options if o["value"] in (item.initial or ())]
        if chosen:
            element["initial_options"] = chosen
    else:
        raise ValueError(f"unknown input kind {kind!r}")
    return element


def modal_view(modal: Modal, *, private_metadata: str | None = None) -> dict[str, Any]:
    """A Block Kit modal view for ``views.open`` / ``views.update``; the modal's state rides in private_metadata."""
    if private_metadata is None:
        private_metadata = json.dumps(modal.state)
    blocks: list[dict[str, Any]] = []
    if modal.intro:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": modal.intro}})
    for item in modal.inputs:
        block: dict[str, Any] = {
            "type": "input",
            "block_id": item.name,
            "label": {"type": "plain_text", "text": item.label[:limits.INPUT_LABEL]},
            "optional": item.optional,
            "element": input_element(item),
        }
        if item.hint:
            block["hint"] = {"type": "plain_text", "text": item.hint[:limits.INPUT_LABEL]}
        if item.dispatch:
            block["dispatch_action"] = True
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": modal.callback,
        "title": {"type": "plain_text", "text": modal.title[:limits.MODAL_TITLE]},
        "submit": {"type": "plain_text", "text": modal.submit[:limits.MODAL_TITLE]},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def modal_values(view: dict[str, Any]) -> dict[str, Any]:
    """A submitted view's state as ``{input name: value}`` (see commands.forms for the value kinds)."""
    values: dict[str, Any] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        for element in actions.values():
            values[block_id] = element_value(element)
    return values


def element_value(element: dict[str, Any]) -> Any:
    """What one element of ``state.values`` holds, by element type."""
    kind = element.get("type")
    if kind in ("plain_text_input", "number_input"):
        return element.get("value") or None
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind in ("static_select", "external_select"):
        return (element.get("selected_option") or {}).get("value")
    if kind == "multi_users_select":
        return list(element.get("selected_users") or [])
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind == "checkboxes":
        return [option["value"] for option in element.get("selected_options") or []]
    return element.get("value")


def read_state(view: dict[str, Any]) -> dict[str, str]:
    """The ``state`` a Modal carried through ``private_metadata``; ``{}`` when it is not ours."""
    try:
        state = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return state if isinstance(state, dict) else {}
