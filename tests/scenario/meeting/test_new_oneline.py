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


async def test_cohosts_are_stored_and_the_announcement_names_people_without_pinging(slack: SlackScenario) -> None:
    await slack.command("/meeting new kmeet Retro tomorrow 10:00 <@U2|bob> cohost <@U3|cy>")
    call = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
    posted = json.dumps(call.args)
    assert "Cy Guest" in posted and "Bob Member" in posted and "Organised by <@U1>" in posted
    assert "<@U2>" not in posted and "<@U3>" not in posted
    assert "Room ready" in await slack.reply()
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    assert (meeting.cohost_ids, meeting.invitee_ids) == (("U3",), ("U2",))


async def test_dropped_input_is_refused_in_one_sentence_and_nothing_is_created(slack: SlackScenario) -> None:
    await slack.command("/meeting new kmeet Retro tomorrow 10:00 @alice")
    assert (await slack.reply()).startswith("I can't find `@alice` among this workspace's Slack users")
    await slack.command("/meeting new kmeet Retro tomorrow 10:00 remind 1d,2h,1h,30m,10m,5m")
    assert (await slack.reply()).startswith("A meeting has at most 5 reminders and you asked for 6")
    assert not slack.fake.calls_to("chat.postMessage")
    assert not (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
