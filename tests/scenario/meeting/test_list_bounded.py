"""Issue 11, finding 5: ``/meeting list`` pages in SQL and asks Slack about each channel once, not
about each meeting (it once made 801 ``conversations.info`` calls for one list)."""

from __future__ import annotations

from datetime import timedelta

from tests.scenario.harness import SlackScenario
from tests.scenario.meeting.test_manage import add, answer, field_texts

CHANNELS = ("C1", "G7", "G8")


async def test_a_long_list_costs_one_lookup_per_channel_and_reads_one_page(slack: SlackScenario) -> None:
    slack.fake.add_channel("G7", team_id="T1", name="board", members=["U1", "U2"], is_private=True)
    slack.fake.add_channel("G8", team_id="T1", name="hush", members=["U1"], is_private=True)
    for number in range(90):
        await add(slack, title=f"M{number:02d}", start=timedelta(hours=1 + number), channel=CHANNELS[number % 3])

    mark = len(slack.fake.calls)
    first = await answer(slack, "/meeting list all", user="U2")
    texts = field_texts(first)
    assert len(texts) == 10 and texts[0].startswith("*M00") and "page 1 of 6" in str(first.blocks)
    asked = slack.fake.calls[mark:]
    # 60 meetings U2 may see (C1 and G7), in 3 channels: at most one description per channel (C1's
    # may be cached already), one membership question per private channel, and nothing per meeting.
    described = [c.args["channel"] for c in asked if c.method == "conversations.info"]
    assert len(described) == len(set(described)) and {"G7", "G8"} <= set(described) <= set(CHANNELS)
    assert sorted(c.args["channel"] for c in asked if c.method == "conversations.members") == ["G7", "G8"]

    mark = len(slack.fake.calls)
    later = await answer(slack, "/meeting list all page 6", user="U2")
    assert len(field_texts(later)) == 10 and "page 6 of 6" in str(later.blocks)
    assert all("<#G8>" not in text for text in field_texts(later))  # G8's stay hidden
    assert [c.method for c in slack.fake.calls[mark:] if c.method.startswith("conversations.")] == []  # cached
