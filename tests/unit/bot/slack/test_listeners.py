"""What the listeners read from any Slack payload: team, user, channel and the user's zone."""

from __future__ import annotations

from bot.slack.listeners import slack_context
from commands.framework.context import Person

ADA = Person(id="U1", name="Ada Admin", tz="Europe/Zurich", is_admin=True)


def test_a_slash_command_body_gives_team_user_channel() -> None:
    ctx = slack_context({"team_id": "T1", "user_id": "U1", "channel_id": "C1"}, ADA)
    assert (ctx.team_id, ctx.user_id, ctx.channel_id, ctx.user_tz, ctx.user_name) == (
        "T1", "U1", "C1", "Europe/Zurich", "Ada Admin")


def test_an_interaction_body_nests_them() -> None:
    ctx = slack_context({"team": {"id": "T1"}, "user": {"id": "U2"}, "channel": {"id": "C2"}}, None)
    assert (ctx.team_id, ctx.user_id, ctx.channel_id, ctx.user_tz, ctx.user_name) == ("T1", "U2", "C2", "UTC", None)


def test_a_view_submission_has_the_team_on_the_user_and_no_channel() -> None:
    ctx = slack_context({"user": {"id": "U2", "team_id": "T9"}}, Person(id="U2", name="Bob"))
    assert (ctx.team_id, ctx.channel_id, ctx.user_tz) == ("T9", None, "UTC")
