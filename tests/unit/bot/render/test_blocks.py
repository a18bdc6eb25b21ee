"""Messages as Block Kit: text, fields (dates as date tokens), buttons, Slack's limits, the fallback text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.render import limits
from bot.render.blocks import button_element, confirm_object, message_blocks, message_fallback, slack_date
from commands.framework.replies import Button, Choice, Confirm, Field, Menu, Message


def test_a_message_is_a_section_then_its_fields_then_its_buttons() -> None:
    message = Message("*Standup* at <#C1|general>", fields=(Field("Provider", "kMeet"),),
                      buttons=(Button("Join", url="https://meet.example.test/abc"),))
    blocks = message_blocks(message)
    assert [b["type"] for b in blocks] == ["section", "section", "actions"]
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": "*Standup* at <#C1|general>"}
    assert blocks[1]["fields"] == [{"type": "mrkdwn", "text": "*Provider*\nkMeet"}]
    assert blocks[2]["elements"][0]["url"] == "https://meet.example.test/abc"


def test_a_plain_message_is_one_section() -> None:
    assert message_blocks(Message("Room ready.")) == [{"type": "section",
                                                       "text": {"type": "mrkdwn", "text": "Room ready."}}]


def test_a_datetime_field_is_a_date_token_with_a_utc_fallback() -> None:
    moment = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Zurich"))
    token = slack_date(moment)
    assert token == f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|2026-12-01 09:00 UTC>"
    [_, fields] = message_blocks(Message("x", fields=(Field("When", moment),)))
    assert fields["fields"][0]["text"] == f"*When*\n{token}"


def test_link_buttons_get_a_link_action_id_made_from_their_url() -> None:
    first = button_element(Button("Join", url="https://a.test/1"))
    again = button_element(Button("Open", url="https://a.test/1"))
    other = button_element(Button("Join", url="https://a.test/2"))
    assert first["action_id"].startswith("link_") and first["action_id"] == again["action_id"]
    assert other["action_id"] != first["action_id"]
    assert "value" not in first and "style" not in first


def test_action_buttons_keep_their_id_value_and_style() -> None:
    element = button_element(Button("Cancel", action_id="cancel_meeting", value="m1", style="danger"))
    assert element == {"type": "button", "text": {"type": "plain_text", "text": "Cancel"},
                       "action_id": "cancel_meeting", "value": "m1", "style": "danger"}
    assert button_element(Button("Nothing"))["action_id"] == "noop"


def test_what_is_longer_than_slack_allows_is_cut() -> None:
    message = Message("x" * (limits.SECTION_TEXT + 5),
                      fields=tuple(Field(f"f{i}", "v") for i in range(limits.SECTION_FIELDS + 2)),
                      buttons=tuple(Button("b" * 80, action_id=f"a{i}") for i in range(limits.ACTIONS_ELEMENTS + 1)))
    text, fields, actions = message_blocks(message)
    assert len(text["text"]["text"]) == limits.SECTION_TEXT
    assert len(fields["fields"]) == limits.SECTION_FIELDS
    assert len(actions["elements"]) == limits.ACTIONS_ELEMENTS
    assert len(actions["elements"][0]["text"]["text"]) == limits.BUTTON_TEXT


def test_the_fallback_is_the_first_line_without_bold_marks() -> None:
    assert message_fallback(Message("*Standup* is ready\nJoin here")) == "Standup is ready"
    assert message_fallback(Message("")) == ""
    assert len(message_fallback(Message("y" * 1000))) == limits.NOTIFICATION_TEXT


def test_a_button_that_asks_first_carries_a_confirmation_dialog_cut_to_slacks_limits() -> None:
    ask = Confirm(title="T" * 120, text="x" * 400, confirm="Disconnect", deny="Keep it")
    element = button_element(Button("Disconnect", action_id="disconnect_provider", value="whereby", confirm=ask))
    assert element["confirm"] == {
        "title": {"type": "plain_text", "text": "T" * 100}, "text": {"type": "plain_text", "text": "x" * 300},
        "confirm": {"type": "plain_text", "text": "Disconnect"}, "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }
    assert "style" not in confirm_object(Confirm("Sure?", "It is harmless.", "Yes", danger=False))


def test_a_menu_is_an_overflow_after_the_buttons_with_two_to_five_options() -> None:
    choices = tuple(Choice(f"v{i}", "x" * 100) for i in range(7))
    message = Message("m", buttons=(Button("Join", url="https://j.example"),), menu=Menu("meeting_menu", choices))
    [actions] = [b for b in message_blocks(message) if b["type"] == "actions"]
    join, menu = actions["elements"]
    assert join["url"] == "https://j.example" and menu["type"] == "overflow" and menu["action_id"] == "meeting_menu"
    assert [o["value"] for o in menu["options"]] == ["v0", "v1", "v2", "v3", "v4"]  # Slack takes at most five
    assert all(len(o["text"]["text"]) == limits.OPTION_TEXT for o in menu["options"])


def test_a_menu_of_one_choice_is_not_shown() -> None:
    alone = Message("m", menu=Menu("meeting_menu", (Choice("move:k7m2qx", "Move…"),)))
    assert [b["type"] for b in message_blocks(alone)] == ["section"]  # Slack refuses an overflow with one option
