"""``/meeting new`` on one line, through signed requests: a kMeet room announced with its Join button,
an unconnected provider, a channel the bot is not in."""

from __future__ import annotations

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


async def test_announcement_in_a_channel_without_the_bot_still_lists_the_meeting(slack: SlackScenario) -> None:
    await slack.command("/meeting new kmeet Retro", channel="C2")
    replies = []
    for _ in range(2):
        post = await slack.fake.wait_for_response(slack.last_response_name or "",
                                                  lambda p: p.text not in replies)
        replies.append(post.text)
    assert any("could not post it in <#C2>" in (text or "") for text in replies)
    assert len((await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items) == 1
