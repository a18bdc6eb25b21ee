"""The form's ack calls no Slack method (issue 11, finding 6): field errors that need no lookup show on
their fields; what needs users.info or a channel lookup is checked after the ack and told to the
speaker, and nothing is created."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from sqlalchemy import text

from bot.slack.listeners import FORM_REFUSED
from tests.scenario.harness import SlackScenario
from tests.scenario.meeting.test_new_modal import open_modal, tomorrow
from tests.scenario.views import submission


class Ack:
    """Records what the listener acked with."""

    def __init__(self) -> None:
        self.answers: list[dict[str, Any]] = []

    async def __call__(self, **answer: Any) -> None:
        self.answers.append(answer)


def told(slack: SlackScenario, since: int) -> list[str]:
    """What the speaker was told after the ack, ephemerally or by DM."""
    return [str(c.args.get("text")) for c in slack.fake.calls[since:]
            if c.method in ("chat.postEphemeral", "chat.postMessage") and c.ok and FORM_REFUSED in str(c.args.get("text"))]


async def test_the_ack_makes_no_slack_call_even_for_people_and_channels_it_has_not_seen(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    payload = submission(slack, view, title="Standup", start_date=tomorrow(), start_time="10:00",
                         channel="C2", invitees=["U2", "U3"])
    ack = Ack()
    since = slack.fake.mark()
    await slack.app_shell.ack_view(ack=ack, body=payload, context=AsyncBoltContext())
    assert slack.fake.calls[since:] == []  # before: users.info for U2 and U3, conversations.* for C2
    assert ack.answers == [{}]


async def test_pure_field_errors_still_show_on_their_fields_without_a_slack_call(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    ack = Ack()
    since = slack.fake.mark()
    await slack.app_shell.ack_view(ack=ack, body=submission(slack, view, title="  "), context=AsyncBoltContext())
    assert slack.fake.calls[since:] == []
    assert ack.answers == [{"response_action": "errors", "errors": {"title": "Give the meeting a title."}}]


async def test_a_channel_the_bot_cannot_post_in_is_told_after_the_ack(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    since = slack.fake.mark()
    response = await slack.interact(submission(slack, view, title="Standup", start_date=tomorrow(),
                                               start_time="10:00", channel="C2"))
    assert response.status_code == 200 and response.content == b""  # the modal closes at once
    call = await slack.fake.wait_for("chat.postEphemeral", since=since)
    assert (call.args["channel"], call.args["user"]) == ("C1", "U1")  # where the form was opened, to the speaker
    [sentence] = told(slack, since)
    assert "invite me there with /invite @meetbot" in sentence
    await asyncio.sleep(0.2)
    with slack.storage.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM meeting")).scalar() == 0


async def test_without_the_speakers_zone_at_hand_everything_is_checked_after_the_ack(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    slack.runtime.services.directory._cache.clear()  # type: ignore[attr-defined]  # another replica opened it
    since = slack.fake.mark()
    response = await slack.interact(submission(slack, view, title="  "))
    assert response.status_code == 200 and response.content == b""
    await slack.fake.wait_for("chat.postEphemeral", since=since)
    assert told(slack, since) == [f"{FORM_REFUSED} Give the meeting a title."]
