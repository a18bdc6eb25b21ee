"""The App Home view: sections rendered like messages, dividers between them, Slack's block limit."""

from __future__ import annotations

from bot.render import limits
from bot.render.home import home_view
from commands.framework.replies import Button, Home, Message


def test_sections_are_separated_by_dividers() -> None:
    view = home_view(Home((Message("*Your meetings*"), Message("Standup", buttons=(Button("Join", url="https://j"),)))))
    assert view["type"] == "home"
    assert [b["type"] for b in view["blocks"]] == ["section", "divider", "section", "actions"]


def test_a_long_home_is_cut_at_slacks_block_limit() -> None:
    view = home_view(Home(tuple(Message(f"m{i}") for i in range(limits.HOME_BLOCKS))))
    assert len(view["blocks"]) == limits.HOME_BLOCKS
    assert view["blocks"][-1]["type"] in ("section", "divider")
