"""``/meeting new`` on one line, through signed requests: a kMeet room announced with its Join button,
an unconnected provider, a channel the bot is not in or the speaker is not in (nothing created)."""

from __future__ import annotations

import asyncio
import json

from tests.scenario.harness import SlackScenario


async def test_new_kmeet_posts_a_room_link_with_a_join_button(slack: SlackScenario) -> None:
    await slack.command("/meeting new kmeet Standup")
    call = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
    blocks = call.args["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    button = next(e for b in blocks if b["type"] == "actions" for e in b["elements"])
    assert button["text"]["text"] == "Join"
    assert button["url"].startswith("https://meet.example.test/") and len(button["url"].rsplit("/", 1)[1]) == 26
    assert "Standup" in call.args["text"]
    assert "<!date^" in json.dumps(blocks)  # each reader sees their own time zone
    confirmation = await slack.reply()
    assert "Room ready" in confirmation and "Standup" in confirmation
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    assert meeting.join_url == button["url"] and meeting.announcement_ts == call.response["ts"]
    assert meeting.timezone == "Europe/Zurich"  # from users.info


async def test_unconnected_provider_says_how_to_connect(slack: SlackScenario) -> None:
    await slack.command('/meeting new whereby "Board"')
    assert "/meeting connect whereby" in await slack.reply()


async def test_a_channel_without_the_bot_gets_one_sentence_and_nothing_is_created(slack: SlackScenario) -> None:
    await slack.command("/meeting new kmeet Retro", channel="C2")
    assert (await slack.reply()).startswith("I can't post in this conversation, so nothing was created")
    await asyncio.sleep(0.3)  # a second, contradictory reply would have arrived by now
    assert len(slack.fake.responses_to(slack.last_response_name or "")) == 1
    assert not slack.fake.calls_to("chat.postMessage")
    assert not (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items


async def test_a_private_channel_the_speaker_is_not_in_is_refused(slack: SlackScenario) -> None:
    slack.fake.add_channel("G0SECRET", team_id="T1", name="secret", members=["U2"], is_private=True)
    await slack.command("/meeting new kmeet Retro <#G0SECRET>", user="U3", channel="C1")
    assert (await slack.reply()).startswith("You can only announce a meeting in a channel you are in")
    assert not slack.fake.messages_in("G0SECRET")
    assert not (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
