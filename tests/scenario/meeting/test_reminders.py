"""Reminders through the real shell: viewer link to the channel, host link by DM to hosts only,
a personal auto-login link made at reminder time for each invitee."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.workers.reminders import tick
from commands.lifecycle import open_adapter
from db.records import Meeting
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.roomful import FakeRoomful
from tests.scenario.harness import SlackScenario, slack_app


async def delivered(slack: SlackScenario, channels: tuple[str, ...], *, since: int) -> None:
    """Post what is queued and wait until each channel got its message (the worker's own loop runs too)."""
    await slack.app_shell.outbox.drain()
    for channel in channels:
        await slack.fake.wait_for("chat.postMessage", lambda c, ch=channel: c.args.get("channel") == ch, since=since)


def texts(calls: list) -> str:
    return json.dumps([c.args for c in calls])


async def only_the_gone_notice_at_the_first_reminder(slack: SlackScenario, meeting: Meeting) -> None:
    """An hour and a minute later (the "1h" reminder is due): the channel is told the room is gone,
    nobody gets a dead link, and both reminders are cancelled."""
    services = slack.runtime.services
    mark = slack.fake.mark()
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(hours=1, minutes=1)
    done = await tick(services, slack.app_shell.outbox)
    assert (done.gone, done.dispatched) == (1, 0)
    await delivered(slack, ("C1",), since=mark)
    posted = [c for c in slack.fake.calls[mark:] if c.method == "chat.postMessage"]
    assert [c.args["channel"] for c in posted] == ["C1"]  # no DMs with a dead link
    assert "no longer exists" in posted[0].args["text"] and meeting.join_url not in texts(posted)
    statuses = [r.status for r in await slack.storage.reminders.for_meeting("T1", meeting.id)]
    assert statuses == ["cancelled", "cancelled"]  # the 10m one too


async def test_whereby_reminder_sends_viewer_link_to_channel_and_host_link_only_to_hosts(
    on_whereby: SlackScenario
) -> None:
    slack = on_whereby
    await slack.command('/meeting new whereby "Board" in 30m @U2 remind 10m', user="U1")
    assert "Room ready" in await slack.reply()  # sent last: the host's DM is out before we mark
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    assert meeting.host_url and meeting.host_url != meeting.join_url
    mark = slack.fake.mark()

    services = slack.runtime.services
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(minutes=21)
    assert (await tick(services, slack.app_shell.outbox)).dispatched == 1
    assert (await tick(services, slack.app_shell.outbox)).dispatched == 0  # queued once
    await delivered(slack, ("C1", "U1", "U2"), since=mark)
    assert await slack.app_shell.outbox.drain() == 0  # posted once

    posted = slack.fake.calls[mark:]
    channel_posts = [c for c in posted if c.method == "chat.postMessage" and c.args["channel"] == "C1"]
    # The text is written when it is posted: 21 minutes after "in 30m" the meeting starts in 9 min.
    assert len(channel_posts) == 1 and "starts in 9 min" in channel_posts[0].args["text"]
    assert meeting.join_url in texts(channel_posts) and meeting.host_url not in texts(channel_posts)
    dms = [c for c in posted if c.method == "chat.postMessage" and c.args["channel"] != "C1"]
    # Posted together (each DM is its own channel): the organiser's and the invitee's (issue 8, defect 5).
    dms.sort(key=lambda c: c.args["channel"])
    assert [c.args["channel"] for c in dms] == ["U1", "U2"]
    assert meeting.host_url in texts(dms[:1])
    assert meeting.join_url in texts(dms[1:]) and meeting.host_url not in texts(dms[1:])
    assert [r.status for r in (await slack.storage.reminders.for_meeting("T1", meeting.id))] == ["dispatched"]


async def test_clickmeeting_reminder_makes_a_fresh_personal_link_per_invitee(
    on_clickmeeting: SlackScenario, clickmeeting: tuple[FakeClickMeeting, str]
) -> None:
    slack = on_clickmeeting
    fake, _ = clickmeeting
    await slack.command('/meeting new clickmeeting "Webinar" in 2h @U2 @U3 remind 1h', user="U1", channel="C1")
    assert "Room ready" in await slack.reply()
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    # At creation the organiser gets a host sign-in link by DM (issue 8, defect 4), never the channel.
    created = fake.requests_to(f"/v1/conferences/{meeting.room_id}/room/autologin_hash")
    assert [(dict(r.form)["email"], dict(r.form)["role"]) for r in created] == [
        ("ada@example.com", "host"), ("bob@example.com", "listener"), ("cy@example.com", "listener")]
    for invitee in ("U2", "U3"):  # each invitee's own sign-in link at creation (issue 8, defect 5)
        invitation = await slack.fake.wait_for("chat.postMessage", lambda c, u=invitee: c.args.get("channel") == u)
        assert f"{meeting.join_url}?l=" in texts([invitation]) and "invited you to" in texts([invitation])
    host_dm = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "U1")
    assert f"{meeting.join_url}?l=" in texts([host_dm]) and "Join as host" in texts([host_dm])
    assert "?l=" not in texts(slack.fake.calls_to("chat.postMessage")[:1])  # the announcement
    hashes_before = len(created)
    mark = slack.fake.mark()

    services = slack.runtime.services
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(hours=1, minutes=1)
    assert (await tick(services, slack.app_shell.outbox)).dispatched == 1
    await delivered(slack, ("C1", "U1", "U2", "U3"), since=mark)

    dms = {c.args["channel"]: c for c in slack.fake.calls[mark:]
           if c.method == "chat.postMessage" and c.args["channel"] != "C1"}
    assert set(dms) == {"U1", "U2", "U3"}  # the organiser's host link with the reminder, too
    made = fake.requests_to(f"/v1/conferences/{meeting.room_id}/room/autologin_hash")[hashes_before:]
    assert sorted((dict(r.form)["email"], dict(r.form)["role"]) for r in made) == [
        ("ada@example.com", "host"), ("bob@example.com", "listener"), ("cy@example.com", "listener")]
    assert "Join as host" in texts([dms["U1"]]) and f"{meeting.join_url}?l=" in texts([dms["U1"]])
    for user in ("U2", "U3"):
        assert f"{meeting.join_url}?l=" in texts([dms[user]])


async def test_a_cancelled_meeting_sends_no_reminder(database_url: str) -> None:
    async with slack_app(database_url) as slack:
        await slack.command('/meeting new kmeet "Retro" in 30m remind 10m')
        assert "Room ready" in await slack.reply()
        [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
        await slack.storage.meetings.cancel("T1", meeting.id)
        services = slack.runtime.services
        real_clock = services.clock
        services.clock = lambda: real_clock() + timedelta(minutes=25)
        mark = slack.fake.mark()
        assert (await tick(services, slack.app_shell.outbox)).dispatched == 0
        assert await slack.app_shell.outbox.drain() == 0
        assert slack.fake.calls[mark:] == []


async def test_remind_through_slack_moves_the_reminder_and_settings_set_the_default(on_whereby: SlackScenario) -> None:
    slack = on_whereby
    await slack.command('/meeting new whereby "Board" in 2h remind 10m', user="U1")
    assert "Room ready" in await slack.reply()
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    await slack.command(f"/meeting remind {meeting.id} 1h", user="U1")
    assert "is now reminded 1 hour before it starts" in await slack.reply()
    mark = slack.fake.mark()
    services = slack.runtime.services
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(minutes=61)
    assert (await tick(services, slack.app_shell.outbox)).dispatched == 1  # the 1h one, not the old 10m one
    await delivered(slack, ("C1",), since=mark)
    posted = [c for c in slack.fake.calls[mark:] if c.method == "chat.postMessage" and c.args["channel"] == "C1"]
    assert "starts in 59 min" in texts(posted)
    services.clock = real_clock
    await slack.command("/meeting settings reminders 1d,15m", user="U1")
    assert "reminded 1 day, 15 min before they start" in await slack.reply()
    assert (await slack.storage.workspaces.ensure("T1")).default_reminders == "1d,15m"


async def test_a_room_deleted_at_whereby_stops_its_reminders_and_the_channel_is_told(
    on_whereby: SlackScenario
) -> None:
    slack = on_whereby
    await slack.command('/meeting new whereby "Board" in 2h remind 1h,10m', user="U1")
    assert "Room ready" in await slack.reply()
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    services = slack.runtime.services
    async with open_adapter(services, team_id="T1", provider="whereby") as adapter:
        await adapter.delete_room(meeting.room_id)  # someone deleted it in Whereby's dashboard
    await only_the_gone_notice_at_the_first_reminder(slack, meeting)


@pytest.mark.parametrize("deleted", ["meeting", "room"])
async def test_a_roomful_meeting_or_room_deleted_stops_its_reminders_and_the_channel_is_told(
    on_roomful: tuple[SlackScenario, FakeRoomful], deleted: str
) -> None:
    slack, fake = on_roomful
    await slack.command('/meeting new roomful "Standup" in 2h for 30m remind 1h,10m source_type=room source_ids=R1',
                        user="U1")
    assert "Room ready" in await slack.reply()
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    services = slack.runtime.services
    if deleted == "meeting":
        async with open_adapter(services, team_id="T1", provider="roomful") as adapter:
            await adapter.delete_room(meeting.room_id)  # someone deleted the meeting in Roomful
        assert meeting.room_id not in fake.meetings
    else:
        assert fake.delete_source("R1") == 1  # the room the meeting takes place in was deleted
    real_clock = services.clock
    await only_the_gone_notice_at_the_first_reminder(slack, meeting)
    services.clock = lambda: real_clock() + timedelta(hours=1, minutes=51)
    assert (await tick(services, slack.app_shell.outbox)).dispatched == 0


async def test_a_roomful_outage_at_reminder_time_still_sends_the_reminder(
    on_roomful: tuple[SlackScenario, FakeRoomful]
) -> None:
    slack, fake = on_roomful
    await slack.command('/meeting new roomful "Standup" in 2h for 30m remind 1h source_type=room source_ids=R1',
                        user="U1")
    assert "Room ready" in await slack.reply()
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    fake.fail_next("meeting:getMeeting", code=500, message="Internal server error")
    services = slack.runtime.services
    mark = slack.fake.mark()
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(hours=1, minutes=1)
    done = await tick(services, slack.app_shell.outbox)
    assert (done.gone, done.dispatched) == (0, 1)  # Roomful could not say: the reminder goes out
    await delivered(slack, ("C1",), since=mark)
    posted = [c for c in slack.fake.calls[mark:] if c.method == "chat.postMessage" and c.args["channel"] == "C1"]
    assert meeting.join_url in texts(posted) and "no longer exists" not in texts(posted)


async def test_the_apps_outbox_drops_a_reminder_that_waited_past_the_configured_grace(database_url: str) -> None:
    async with slack_app(database_url, meetbot_reminder_grace_minutes=2) as slack:
        await slack.command('/meeting new kmeet "Retro" in 30m remind 10m')
        assert "Room ready" in await slack.reply()
        [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
        services, outbox = slack.runtime.services, slack.app_shell.outbox
        real_clock = services.clock
        services.clock = lambda: real_clock() + timedelta(minutes=20)
        slack.fake.rate_limit_next("chat.postMessage", retry_after=120)
        mark = slack.fake.mark()
        assert (await tick(services, outbox, grace=slack.settings.reminder_grace())).dispatched == 1
        await slack.fake.wait_for("chat.postMessage", since=mark)  # 429: C1 waits 2 min
        services.clock = lambda: real_clock() + timedelta(minutes=23)  # 3 min after the reminder was due
        await outbox.drain()
        await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "U1", since=mark)
        posts = [c for c in slack.fake.calls[mark:] if c.method == "chat.postMessage"]
        assert [(c.args["channel"], c.status) for c in posts] == [("C1", 429), ("U1", 200)]
        assert "were not sent" in posts[-1].args["text"]
        assert [r.status for r in await slack.storage.reminders.for_meeting("T1", meeting.id)] == ["missed"]
