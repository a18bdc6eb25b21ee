"""Modal ↔ view JSON: each input kind as its Block Kit element, and a submitted view's state back as values."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.render import limits
from bot.render.modals import input_element, modal_values, modal_view, read_state
from commands.framework.replies import Choice, Input, Modal

CHOICES = (Choice("kmeet", "kMeet"), Choice("whereby", "Whereby"))


def test_a_modal_view_carries_its_callback_state_intro_and_inputs() -> None:
    modal = Modal("new_meeting", "A title longer than Slack allows", "Create", (
        Input("title", "Title", hint="What people see"),
        Input("provider", "Provider", kind="select", choices=CHOICES, dispatch=True, optional=True),
    ), state={"channel_id": "C1"}, intro="Pick a provider first.")
    view = modal_view(modal)
    assert view["callback_id"] == "new_meeting" and view["type"] == "modal"
    assert json.loads(view["private_metadata"]) == {"channel_id": "C1"}
    assert len(view["title"]["text"]) == limits.MODAL_TITLE and view["submit"]["text"] == "Create"
    intro, title, provider = view["blocks"]
    assert intro["text"]["text"] == "Pick a provider first."
    assert title["block_id"] == "title" and title["hint"]["text"] == "What people see" and title["optional"] is False
    assert "dispatch_action" not in title
    assert provider["dispatch_action"] is True and provider["optional"] is True
    assert modal_view(modal, private_metadata="{}")["private_metadata"] == "{}"


@pytest.mark.parametrize(("item", "expected"), [
    (Input("t", "T", initial="Standup"),
     {"type": "plain_text_input", "action_id": "t", "multiline": False, "initial_value": "Standup"}),
    (Input("d", "D", kind="multiline"), {"type": "plain_text_input", "action_id": "d", "multiline": True}),
    (Input("n", "N", kind="number", initial=30),
     {"type": "number_input", "action_id": "n", "is_decimal_allowed": False, "initial_value": "30"}),
    (Input("day", "Day", kind="date", initial="2026-12-01"),
     {"type": "datepicker", "action_id": "day", "initial_date": "2026-12-01"}),
    (Input("at", "At", kind="time", initial="10:00"), {"type": "timepicker", "action_id": "at", "initial_time": "10:00"}),
    (Input("who", "Who", kind="users", initial=("U1", "U2")),
     {"type": "multi_users_select", "action_id": "who", "initial_users": ["U1", "U2"]}),
    (Input("where", "Where", kind="channel", initial="C1"),
     {"type": "conversations_select", "action_id": "where", "default_to_current_conversation": True,
      "filter": {"include": ["public", "private"]}, "initial_conversation": "C1"}),
])
def test_each_input_kind_is_its_element(item: Input, expected: dict[str, Any]) -> None:
    assert input_element(item) == expected


def test_selects_and_checkboxes_preselect_their_initial_options() -> None:
    select = input_element(Input("p", "P", kind="select", choices=CHOICES, initial="whereby"))
    assert select["initial_option"] == {"text": {"type": "plain_text", "text": "Whereby"}, "value": "whereby"}
    assert "initial_option" not in input_element(Input("p", "P", kind="select", choices=CHOICES, initial="zoom"))
    boxes = input_element(Input("r", "R", kind="checkbox", choices=CHOICES, initial=("kmeet",)))
    assert [o["value"] for o in boxes["initial_options"]] == ["kmeet"]


def test_an_unknown_input_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="slider"):
        input_element(Input("x", "X", kind="slider"))


def test_submitted_state_reads_back_as_values_per_element_type() -> None:
    state = {
        "title": {"a": {"type": "plain_text_input", "value": "Standup"}},
        "notes": {"a": {"type": "plain_text_input", "value": ""}},
        "duration": {"a": {"type": "number_input", "value": "30"}},
        "day": {"a": {"type": "datepicker", "selected_date": "2026-12-01"}},
        "at": {"a": {"type": "timepicker", "selected_time": "10:00"}},
        "provider": {"a": {"type": "static_select", "selected_option": {"value": "kmeet"}}},
        "none": {"a": {"type": "static_select", "selected_option": None}},
        "invitees": {"a": {"type": "multi_users_select", "selected_users": ["U2"]}},
        "organiser": {"a": {"type": "users_select", "selected_user": "U1"}},
        "channel": {"a": {"type": "conversations_select", "selected_conversation": "C1"}},
        "legacy": {"a": {"type": "channels_select", "selected_channel": "C2"}},
        "reminders": {"a": {"type": "checkboxes", "selected_options": [{"value": "10m"}, {"value": "1h"}]}},
    }
    assert modal_values({"state": {"values": state}}) == {
        "title": "Standup", "notes": None, "duration": "30", "day": "2026-12-01", "at": "10:00",
        "provider": "kmeet", "none": None, "invitees": ["U2"], "organiser": "U1", "channel": "C1",
        "legacy": "C2", "reminders": ["10m", "1h"],
    }
    assert modal_values({}) == {}


def test_state_comes_back_from_private_metadata_only_when_it_is_ours() -> None:
    assert read_state({"private_metadata": '{"channel_id": "C1"}'}) == {"channel_id": "C1"}
    assert read_state({"private_metadata": "not json"}) == {}
    assert read_state({"private_metadata": "[1, 2]"}) == {}
    assert read_state({}) == {}
