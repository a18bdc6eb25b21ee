"""``/meeting help`` and mistyped subcommands, through signed requests."""

from __future__ import annotations

from tests.scenario.harness import SlackScenario


async def test_help_lists_every_command_with_an_example(slack: SlackScenario) -> None:
    response = await slack.command("/meeting help")
    assert response.status_code == 200
    reply = await slack.reply()
    assert "/meeting new" in reply and "/meeting providers" in reply and "e.g." in reply
    post = slack.fake.responses_to(slack.last_response_name or "")[0]
    assert post.response_type == "ephemeral"


async def test_unknown_subcommand_suggests_the_closest(slack: SlackScenario) -> None:
    await slack.command("/meeting nwe kmeet Standup")
    reply = await slack.reply()
    assert "Did you mean `/meeting new`?" in reply
    await slack.command("/meeting new wherby Standup")
    assert "`whereby`" in await slack.reply()
    assert slack.fake.calls_to("chat.postMessage") == []
