"""The console's text: Slack markup stripped, times in the speaker's zone, forms as key=value lists."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.render.text import message_text, modal_text, plain
from commands.framework.replies import Audience, Button, Choice, Field, Input, Message, Modal

UTC = ZoneInfo("UTC")


def test_plain_strips_mentions_bold_italics_and_entities() -> None:
    assert plain("*Standup* in <#C1|general> with <@U2> _soon_ &lt;ok&gt;") == "Standup in #general with @U2 soon <ok>"
    assert plain("a*b and snake_case_name stay") == "a*b and snake_case_name stay"


def test_each_audience_has_its_heading() -> None:
    assert message_text(Message("Hi"), zone=UTC).splitlines() == ["[to you (only you see this)]", "  Hi"]
    assert message_text(Message("Hi", audience=Audience.CHANNEL, to="C1"), zone=UTC).startswith("[in #C1]")
    assert message_text(Message("Hi", audience=Audience.DM, to="U2"), zone=UTC).startswith("[DM to @U2]")
    edit = Message("Cancelled", audience=Audience.CHANNEL, to="C1", replace_ts="1.2")
    assert message_text(edit, zone=UTC).startswith("[in #C1 (edits the earlier message)]")


def test_fields_show_times_in_the_speakers_zone_and_buttons_their_target() -> None:
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    message = Message("Standup", fields=(Field("When", moment), Field("*Id*", "`m1`")),
                      buttons=(Button("Join", url="https://j"), Button("Cancel", action_id="cancel")))
    lines = message_text(message, zone=ZoneInfo("Europe/Zurich")).splitlines()
    assert lines[2:] == ["    When: Tue 01 Dec 2026 10:00 CET", "    Id: `m1`", "    [Join] https://j", "    [Cancel] cancel"]


def test_a_form_is_listed_as_fields_to_type_inline() -> None:
    modal = Modal("connect", "Connect Whereby", "Save", (
        Input("api_key", "API key", secret=True),
        Input("region", "Region", kind="select", optional=True, choices=(Choice("eu", "EU"), Choice("us", "US"))),
    ))
    lines = modal_text(modal).splitlines()
    assert lines[0].startswith("Connect Whereby: type the command again")
    assert lines[1] == "  api_key=…  API key (secret: never shown again)"
    assert lines[2] == "  region= (eu|us)  Region (optional)"
