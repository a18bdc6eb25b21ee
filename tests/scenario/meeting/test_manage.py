"""``/meeting list``, ``cancel`` and ``link`` through signed Slack requests, Whereby on its loopback fake.

U1 is a workspace admin (Europe/Zurich), U2 a member (America/New_York), U3 a member (Asia/Kolkata).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from db.records import Meeting, new_meeting_id
from tests.fakes.slack import ResponsePost
from tests.fakes.whereby import FakeWhereby
from tests.scenario.harness import SlackScenario, block_text


async def add(slack: SlackScenario, *, title: str, start: timedelta, team: str = "T1", organiser: str = "U1",
        channel: str | None = "C1", invitees: tuple[str, ...] = ()) -> Meeting:
    now = slack.runtime.services.clock()
    return await slack.storage.meetings.add(Meeting(
        id=new_meeting_id(), team_id=team, provider="kmeet", title=title, starts_at=now + start, duration_minutes=30,
        timezone="UTC", channel_id=channel, organiser_id=organiser, invitee_ids=invitees,
        room_id=title, join_url=f"https://meet.example.test/{title}",
    ))


async def answer(slack: SlackScenario, line: str, *, user: str = "U1", channel: str = "C1") -> ResponsePost:
    await slack.command(line, user=user, channel=channel)
    post = await slack.fake.wait_for_response(slack.last_response_name or "")
    assert post.response_type == "ephemeral"
    return post


def said(post: ResponsePost) -> str:
    """The message as written (the fallback ``text`` drops the markup)."""
    return str((post.blocks or [{}])[0]["text"]["text"])


def buttons(post: ResponsePost) -> list[dict[str, Any]]:
    return [e for b in post.blocks or [] if b["type"] == "actions" for e in b["elements"]]


def field_texts(post: ResponsePost) -> list[str]:
    return [f["text"] for b in post.blocks or [] for f in b.get("fields", [])]


async def new_whereby_meeting(slack: SlackScenario, line: str) -> Meeting:
    """Create through the real ``/meeting new``; its note to the organiser goes out last, after the
    announcement (whose ts is then stored) and the host's DM."""
    post = await answer(slack, line, user="U1", channel="C1")
    assert "Room ready" in block_text(post.body)
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    assert meeting.announcement_ts and "U1" in [c.args["channel"] for c in slack.fake.calls_to("chat.postMessage")]
    return meeting


# -- list ------------------------------------------------------------------------------------


async def test_list_all_mine_and_a_channel(slack: SlackScenario) -> None:
    standup = await add(slack, title="Standup", start=timedelta(hours=1))
    ops = await add(slack, title="Ops", start=timedelta(hours=2), channel="C2", organiser="U3")
    review = await add(slack, title="Review", start=timedelta(hours=3), channel=None, invitees=("U2",))
    await add(slack, title="Elsewhere", start=timedelta(hours=1), team="T2")

    everything = await answer(slack, "/meeting list", user="U2")
    fields = field_texts(everything)
    assert len(fields) == 3 and all("<!date^" in f for f in fields)  # each reader sees their own time
    assert [m.id in f for m, f in zip((standup, ops, review), fields, strict=True)] == [True, True, True]
    assert [b["url"] for b in buttons(everything)] == [standup.join_url, ops.join_url, review.join_url]
    assert "Elsewhere" not in block_text(everything.body)
    assert review.id not in block_text((await answer(slack, "/meeting list all", user="U3")).body)  # invite-only

    mine = await answer(slack, "/meeting list mine", user="U2")
    assert [b["url"] for b in buttons(mine)] == [review.join_url]

    quiet = await answer(slack, "/meeting list <#C2|quiet>", user="U2")
    assert [b["url"] for b in buttons(quiet)] == [ops.join_url] and "<#C2>" in block_text(quiet.body)


async def test_a_long_list_pages_with_a_next_button(slack: SlackScenario) -> None:
    made = [await add(slack, title=f"M{i:02d}", start=timedelta(hours=i + 1)) for i in range(12)]
    first = await answer(slack, "/meeting list")
    assert "12 meetings, page 1 of 2" in block_text(first.body) and len(field_texts(first)) == 10
    [next_button] = [b for b in buttons(first) if "url" not in b]
    assert next_button["text"]["text"] == "Next page"

    response_url = slack.fake.response_url("page-2")
    await slack.interact({
        "type": "block_actions",
        "user": {"id": "U1", "username": "ada", "name": "ada", "team_id": "T1"},
        "api_app_id": "A0MEETBOT1", "token": "verification_token",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C1", "is_ephemeral": True},
        "trigger_id": slack.fake.new_trigger_id(), "team": {"id": "T1", "domain": "acme"},
        "channel": {"id": "C1", "name": "general"}, "response_url": response_url,
        "actions": [{**next_button, "block_id": "list", "type": "button", "action_ts": f"{time.time():.6f}"}],
    })
    second = await slack.fake.wait_for_response("page-2")
    assert second.response_type == "ephemeral"
    assert "page 2 of 2" in block_text(second.body)
    assert [b["url"] for b in buttons(second) if "url" in b] == [m.join_url for m in made[10:]]
    assert [b["text"]["text"] for b in buttons(second) if "url" not in b] == ["Previous page"]
    assert "/meeting list all page 2" not in block_text(second.body)  # no further page to offer

    third = await answer(slack, "/meeting list mine page 3")
    assert "There is no page 3" in block_text(third.body)


# -- cancel ----------------------------------------------------------------------------------


async def test_the_organiser_cancels_a_whereby_meeting(
    on_whereby: SlackScenario, whereby: tuple[FakeWhereby, str]
) -> None:
    slack = on_whereby
    fake, _ = whereby
    meeting = await new_whereby_meeting(slack, '/meeting new whereby "Board" tomorrow 10:00 remind 1h,10m')
    assert meeting.room_id in fake.meetings
    assert [r.status for r in (await slack.storage.reminders.for_meeting("T1", meeting.id))] == ["pending", "pending"]

    reply = block_text((await answer(slack, f"/meeting cancel {meeting.id}", user="U1")).body)
    assert f"Cancelled *Board* (`{meeting.id}`)" in reply and "The room is deleted at Whereby." in reply
    assert "2 pending reminders stopped" in reply
    [delete] = fake.requests_to(f"/v1/meetings/{meeting.room_id}", method="DELETE")
    assert delete.headers["authorization"] == "Bearer wb-key"
    assert meeting.room_id not in fake.meetings
    assert (await slack.storage.meetings.get("T1", meeting.id)).status == "cancelled"
    assert [r.status for r in (await slack.storage.reminders.for_meeting("T1", meeting.id))] == ["cancelled", "cancelled"]
    listed = (await answer(slack, "/meeting list")).body  # the organiser sees it struck through, without Join
    assert "~Board~ · Whereby · " in block_text(listed)
    assert f" · cancelled · <#C1> · you organise · `{meeting.id}`" in block_text(listed)
    assert meeting.join_url not in json.dumps(listed)
    assert meeting.id not in block_text((await answer(slack, "/meeting list", user="U2")).body)


async def test_cancel_edits_the_channel_announcement(on_whereby: SlackScenario) -> None:
    slack = on_whereby
    meeting = await new_whereby_meeting(slack, '/meeting new whereby "Board" tomorrow 10:00')
    posts_before = len(slack.fake.calls_to("chat.postMessage"))
    await answer(slack, f"/meeting cancel {meeting.id}", user="U1")  # sent after the channel's message
    [update] = slack.fake.calls_to("chat.update")
    assert update.ok
    assert (update.args["channel"], update.args["ts"]) == ("C1", meeting.announcement_ts)
    [announcement] = [m for m in slack.fake.messages_in("C1") if m["ts"] == meeting.announcement_ts]
    assert "cancelled by <@U1>" in announcement["text"] and "edited" in announcement
    assert meeting.join_url not in json.dumps(announcement)  # the Join button is gone
    assert len(slack.fake.calls_to("chat.postMessage")) == posts_before  # edited, not posted anew


async def test_a_member_cannot_cancel_the_admins_meeting(
    on_whereby: SlackScenario, whereby: tuple[FakeWhereby, str]
) -> None:
    slack = on_whereby
    fake, _ = whereby
    meeting = await new_whereby_meeting(slack, '/meeting new whereby "Board" tomorrow 10:00 <@U2|bob>')
    mark = slack.fake.mark()
    reply = await answer(slack, f"/meeting cancel {meeting.id}", user="U2")
    assert said(reply) == "Only <@U1>, who organises *Board*, its co-hosts or a workspace admin can cancel it."
    assert fake.requests_to("/v1/meetings", method="DELETE") == [] and meeting.room_id in fake.meetings
    assert (await slack.storage.meetings.get("T1", meeting.id)).status == "scheduled"
    assert [c.method for c in slack.fake.calls[mark:] if c.method.startswith("chat.")] == []


async def test_cancel_of_an_unknown_or_foreign_id(slack: SlackScenario) -> None:
    theirs = await add(slack, title="Theirs", start=timedelta(hours=1), team="T2")
    for meeting_id in ("zzzzzz", theirs.id):
        reply = await answer(slack, f"/meeting cancel {meeting_id}")
        assert said(reply) == f"There is no meeting `{meeting_id}` in this workspace; `/meeting list` shows the ids."
    assert (await slack.storage.meetings.get("T2", theirs.id)).status == "scheduled"


# -- link ------------------------------------------------------------------------------------


async def test_link_gives_the_whereby_host_link_only_to_the_host(on_whereby: SlackScenario) -> None:
    slack = on_whereby
    meeting = await new_whereby_meeting(slack, '/meeting new whereby "Board" tomorrow 10:00 <@U2|bob>')
    assert meeting.host_url and meeting.host_url != meeting.join_url
    mark = slack.fake.mark()

    host = await answer(slack, f"/meeting link {meeting.id}", user="U1")
    assert [b["url"] for b in buttons(host)] == [meeting.host_url]
    invitee = await answer(slack, f"/meeting link {meeting.id}", user="U2")
    assert [b["url"] for b in buttons(invitee)] == [meeting.join_url]
    assert meeting.host_url not in json.dumps(invitee.body)
    # Only ephemeral answers: nothing was posted in a channel or sent by DM.
    assert [c for c in slack.fake.calls[mark:] if c.method.startswith("chat.")] == []


async def test_meetings_of_a_private_channel_are_listed_only_to_its_members(slack: SlackScenario) -> None:
    slack.fake.add_channel("G7", team_id="T1", name="board", members=["U1", "U3"], is_private=True)
    secret = await add(slack, title="Board", start=timedelta(hours=3), channel="G7")
    assert secret.id in " ".join(field_texts(await answer(slack, "/meeting list all", user="U3")))
    assert secret.id not in " ".join(field_texts(await answer(slack, "/meeting list all", user="U2")))
    # The channel is described once (cached for every reader); membership is asked per reader.
    assert [c.args["channel"] for c in slack.fake.calls_to("conversations.info")] == ["G7"]
    assert [c.args["channel"] for c in slack.fake.calls_to("conversations.members")] == ["G7", "G7"]
