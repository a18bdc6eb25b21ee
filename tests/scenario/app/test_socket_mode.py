"""Socket Mode: with SLACK_APP_TOKEN the app connects out to Slack and answers envelopes there."""

from __future__ import annotations

from tests.scenario.harness import slack_app

APP_TOKEN = "xapp-1-A0MEETBOT1-1-scenario"


async def test_slash_command_over_socket_mode(database_url: str) -> None:
    # slack_app runs the app's startup, which connects out with the app token (the fake knows it).
    async with slack_app(database_url, slack_app_token=APP_TOKEN, slack_signing_secret=None) as slack:
        assert slack.fake.calls_to("apps.connections.open")[-1].token == APP_TOKEN
        envelope = slack.fake.push_envelope("slash_commands", {
            "team_id": "T1", "user_id": "U1", "channel_id": "C1", "command": "/meeting",
            "text": "new kmeet Standup", "api_app_id": "A0MEETBOT1",
            "response_url": slack.fake.response_url("socket"), "trigger_id": slack.fake.new_trigger_id(),
        })
        ack = await slack.fake.wait_for_ack(envelope)
        assert ack["envelope_id"] == envelope
        call = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
        assert "Standup" in call.args["text"]
        assert "Room ready" in (await slack.fake.wait_for_response("socket")).text
