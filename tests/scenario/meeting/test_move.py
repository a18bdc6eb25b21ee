"""``/meeting move`` through signed Slack requests, on each provider's loopback fake (SQLite and PostgreSQL).

U1 is a workspace admin (Europe/Zurich), U2 a member (America/New_York), U3 a member (Asia/Kolkata).
Meetings are made through the real ``/meeting new`` where the provider is involved.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from db.records import Meeting
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.kmeet import FakeInfomaniak
from tests.fakes.roomful import FakeRoomful
from tests.fakes.server import Fault
from tests.scenario.meeting.conftest import on_fake
from tests.fakes.whereby import FakeWhereby
from tests.support.eventually import eventually
from tests.support.meetings import seed_meeting
from tests.scenario.harness import SlackScenario, block_text
from tests.scenario.meeting.test_manage import add, answer, said
from tests.scenario.views import block, opened_view, submission

ZURICH = ZoneInfo("Europe/Zurich")


def tomorrow_at(hour: int, minute: int = 0, zone: ZoneInfo = ZURICH) -> datetime:
    """Tomorrow at that wall-clock time in ``zone`` (U1's by default), as the parser reads "tomorrow 11:30"."""
    today = datetime.now(zone).date()
    return datetime(today.year, today.month, today.day, hour, minute, tzinfo=zone) + timedelta(days=1)


async def created(slack: SlackScenario, line: str) -> Meeting:
    """The meeting ``/meeting new …`` made (its announcement posted and its ts stored)."""
    post = await answer(slack, line, user="U1", channel="C1")
    assert "Room ready" in block_text(post.body), block_text(post.body)
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    assert meeting.announcement_ts
    return meeting


async def stored(slack: SlackScenario, meeting: Meeting) -> Meeting:
    found = await slack.storage.meetings.get("T1", meeting.id)
    assert found is not None
    return found


async def pending(slack: SlackScenario, meeting: Meeting) -> list[tuple[datetime, int]]:
    return [(r.due_at, r.offset_minutes) for r in await slack.storage.reminders.for_meeting("T1", meeting.id)
            if r.status == "pending"]


async def dms_to(slack: SlackScenario, user: str, since: int, *, expected: int = 1) -> list[dict[str, Any]]:
    """The DMs ``user`` got since ``since``, once ``expected`` arrived (the outbox paces a DM a second)."""
    def sent() -> list[dict[str, Any]]:
        return [c.args for c in slack.fake.calls[since:] if c.method == "chat.postMessage" and c.args["channel"] == user]

    await slack.app_shell.outbox.drain()
    await eventually(lambda: len(sent()) >= expected)
    return sent()


def assert_unchanged(before: Meeting, after: Meeting) -> None:
    assert (after.starts_at, after.duration_minutes, after.room_id, after.join_url, after.host_url) == (
        before.starts_at, before.duration_minutes, before.room_id, before.join_url, before.host_url)


# -- Whereby: a new room, the old one deleted --------------------------------------------------


async def test_whereby_moves_to_a_new_room_with_the_same_options(
    on_whereby: SlackScenario, whereby: tuple[FakeWhereby, str]
) -> None:
    slack, (fake, _) = on_whereby, whereby
    meeting = await created(slack, '/meeting new whereby "Board" tomorrow 10:00 for 1h <@U2|bob> cohost <@U3|cy> '
                                   'remind 1h,10m room_mode=group')
    mark = slack.fake.mark()

    reply = block_text((await answer(slack, f"/meeting move {meeting.id} tomorrow 11:30 for 45m")).body)

    moved = await stored(slack, meeting)
    assert moved.starts_at == tomorrow_at(11, 30) and moved.duration_minutes == 45
    assert moved.room_id != meeting.room_id and moved.join_url != meeting.join_url
    assert moved.room_id in fake.meetings and meeting.room_id not in fake.meetings  # old one deleted
    [create] = fake.requests_to("/v1/meetings", method="POST")[1:]
    assert create.json["roomMode"] == "group"  # the options the meeting was made with
    assert create.json["endDate"] == (tomorrow_at(11, 30) + timedelta(minutes=45)).astimezone(ZoneInfo("UTC")) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"Moved *Board* (`{meeting.id}`) to a new Whereby room" in reply
    assert "The old room is deleted at Whereby." in reply
    # Reminders: the same offsets before the new start.
    assert await pending(slack, meeting) == [(moved.starts_at - timedelta(hours=1), 60),
                                             (moved.starts_at - timedelta(minutes=10), 10)]
    # The announcement is edited in place, with the new link and time, never posted anew.
    [update] = [c for c in slack.fake.calls[mark:] if c.method == "chat.update"]
    assert (update.args["channel"], update.args["ts"]) == ("C1", meeting.announcement_ts)
    [card] = [m for m in slack.fake.messages_in("C1") if m["ts"] == meeting.announcement_ts]
    assert moved.join_url in json.dumps(card) and meeting.join_url not in json.dumps(card)
    assert "Organised by <@U1>" in json.dumps(card) and moved.host_url not in json.dumps(card)
    assert [c for c in slack.fake.calls[mark:] if c.method == "chat.postMessage" and c.args["channel"] == "C1"] == []
    # The invitee gets the new link, the co-host and the organiser their new host link, by DM.
    [invitee] = await dms_to(slack, "U2", mark)
    assert "moved *Board*" in json.dumps(invitee) and moved.join_url in json.dumps(invitee)
    for host in ("U1", "U3"):
        [dm] = await dms_to(slack, host, mark)
        assert moved.host_url and moved.host_url in json.dumps(dm)


async def test_whereby_refusing_the_new_room_changes_nothing(
    on_whereby: SlackScenario, whereby: tuple[FakeWhereby, str]
) -> None:
    slack, (fake, _) = on_whereby, whereby
    meeting = await created(slack, '/meeting new whereby "Board" tomorrow 10:00 <@U2|bob> remind 10m')
    reminders = await pending(slack, meeting)
    mark = slack.fake.mark()
    fake.faults.add(Fault(status=500), path="/v1/meetings", method="POST")

    reply = await answer(slack, f"/meeting move {meeting.id} tomorrow 11:30")

    assert said(reply) == ("Whereby is not answering right now, so *Board* was not moved and keeps its time; "
                           "please try again in a few minutes.")
    assert_unchanged(meeting, await stored(slack, meeting))
    assert await pending(slack, meeting) == reminders
    assert meeting.room_id in fake.meetings and len(fake.meetings) == 1
    assert [c.method for c in slack.fake.calls[mark:] if c.method.startswith("chat.")] == []


async def test_whereby_old_room_that_cannot_be_deleted_is_said(
    on_whereby: SlackScenario, whereby: tuple[FakeWhereby, str]
) -> None:
    slack, (fake, _) = on_whereby, whereby
    meeting = await created(slack, '/meeting new whereby "Board" tomorrow 10:00')
    fake.faults.add(Fault(status=403), path=f"/v1/meetings/{meeting.room_id}", method="DELETE")

    reply = block_text((await answer(slack, f"/meeting move {meeting.id} tomorrow 11:30")).body)

    moved = await stored(slack, meeting)  # consistent: the meeting is in the new room
    assert moved.starts_at == tomorrow_at(11, 30) and moved.room_id in fake.meetings
    assert "I could not delete the old one at Whereby" in reply and "remove it there yourself" in reply


# -- ClickMeeting: the room edit ---------------------------------------------------------------


async def test_clickmeeting_edits_the_room_time_in_place(
    on_clickmeeting: SlackScenario, clickmeeting: tuple[FakeClickMeeting, str]
) -> None:
    slack, (fake, _) = on_clickmeeting, clickmeeting
    meeting = await created(slack, '/meeting new clickmeeting "Webinar" tomorrow 15:00 for 1h <@U2|bob>')

    reply = block_text((await answer(slack, f"/meeting move {meeting.id} tomorrow 16:15 for 1h30m")).body)

    [edit] = fake.requests_to(f"/v1/conferences/{meeting.room_id}", method="PUT")
    form = dict(edit.form)
    # Seed 002: starts_at or duration need permanent_room in the same call.
    assert form["starts_at"] == tomorrow_at(16, 15).strftime("%Y-%m-%d %H:%M:%S")
    assert (form["duration"], form["timezone"]) == ("1:30", "Europe/Zurich")
    assert form["permanent_room"] in ("0", "false")
    room = fake.conferences[int(meeting.room_id)]
    assert datetime.fromisoformat(room["starts_at"]) == tomorrow_at(16, 15)
    moved = await stored(slack, meeting)
    assert (moved.starts_at, moved.duration_minutes, moved.join_url) == (tomorrow_at(16, 15), 90, meeting.join_url)
    assert f"Moved *Webinar* (`{meeting.id}`); its link stays the same." in reply


async def test_clickmeeting_refusal_leaves_the_meeting_as_it_was(
    on_clickmeeting: SlackScenario, clickmeeting: tuple[FakeClickMeeting, str]
) -> None:
    slack, (fake, _) = on_clickmeeting, clickmeeting
    meeting = await created(slack, '/meeting new clickmeeting "Webinar" tomorrow 15:00 for 1h remind 1h')
    reminders = await pending(slack, meeting)
    fake.faults.add(Fault(status=429, retry_after=30), path=f"/v1/conferences/{meeting.room_id}", method="PUT",
                    times=5)

    reply = await answer(slack, f"/meeting move {meeting.id} tomorrow 16:00")

    assert said(reply).startswith("ClickMeeting asks us to slow down, so *Webinar* was not moved and keeps its time")
    assert_unchanged(meeting, await stored(slack, meeting))
    assert await pending(slack, meeting) == reminders
    assert datetime.fromisoformat(fake.conferences[int(meeting.room_id)]["starts_at"]) == tomorrow_at(15)


# -- kMeet: an instant room keeps its link; a planned conference is planned anew ---------------


async def test_kmeet_instant_room_moves_here_only(slack: SlackScenario) -> None:
    meeting = await created(slack, '/meeting new kmeet "Standup" tomorrow 10:00 remind 10m')

    reply = block_text((await answer(slack, f"/meeting move {meeting.id} tomorrow 09:15")).body)

    moved = await stored(slack, meeting)
    assert (moved.starts_at, moved.join_url, moved.room_id) == (tomorrow_at(9, 15), meeting.join_url, meeting.room_id)
    assert await pending(slack, meeting) == [(tomorrow_at(9, 5), 10)]
    assert "its link stays the same" in reply and "The announcement in <#C1> shows the new time." in reply


@pytest.fixture
async def on_kmeet(database_url: str) -> AsyncIterator[tuple[SlackScenario, FakeInfomaniak]]:
    async with on_fake(database_url, FakeInfomaniak(token="ik-token", calendars=(72618,)), provider="kmeet",
                       setting="infomaniak_api_url", credentials={"token": "ik-token", "calendar_id": 72618}) as both:
        yield both


async def test_kmeet_planned_conference_is_planned_anew_with_its_options(
    on_kmeet: tuple[SlackScenario, FakeInfomaniak]
) -> None:
    slack, fake = on_kmeet
    meeting = await created(slack, '/meeting new kmeet "Planning" tomorrow 10:00 mode=planned lobby=yes <@U2|bob>')
    mark = slack.fake.mark()

    reply = block_text((await answer(slack, f"/meeting move {meeting.id} tomorrow 14:00 for 1h")).body)

    first, second = fake.requests_to("/1/kmeet/rooms", method="POST")
    assert second.json["starting_at"] == tomorrow_at(14).strftime("%Y-%m-%d %H:%M:%S")
    assert second.json["ending_at"] == tomorrow_at(15).strftime("%Y-%m-%d %H:%M:%S")
    assert second.json["options"][0]["lobby_enabled"] is True  # the same settings as the first
    assert second.json["attendees"] == first.json["attendees"] == [{"address": "bob@example.com",
                                                                    "state": "NEEDS-ACTION"}]
    moved = await stored(slack, meeting)
    assert moved.room_id != meeting.room_id and moved.starts_at == tomorrow_at(14)
    assert "to a new Infomaniak kMeet room" in reply
    assert "The old room is still there: kMeet rooms cannot be deleted through its API" in reply
    # kMeet has one link for everyone: the organiser gets the new room's link, not as a "host link".
    [dm] = await dms_to(slack, "U1", mark)
    assert "use this link" in json.dumps(dm) and "host link" not in json.dumps(dm) and moved.join_url in json.dumps(dm)


# -- Roomful: the meeting update ---------------------------------------------------------------


async def test_roomful_updates_the_meeting_sending_what_its_client_sends(
    on_roomful: tuple[SlackScenario, FakeRoomful]
) -> None:
    slack, fake = on_roomful
    meeting = await created(slack, '/meeting new roomful "Standup" tomorrow 10:00 for 30m source_type=room '
                                   'source_ids=R1')

    reply = block_text((await answer(slack, f"/meeting move {meeting.id} tomorrow 12:00")).body)

    [update] = fake.rpcs_to("meeting:updateMeeting")
    data = update.payload["data"]
    assert data["meetingId"] == meeting.room_id and data["sourceType"] == "room" and data["subject"] == "Standup"
    assert "invitedUserIds" in data  # the update replaces the meeting: its invitees go along
    assert datetime.fromisoformat(data["startDate"].replace("Z", "+00:00")) == tomorrow_at(12)
    assert datetime.fromisoformat(fake.meetings[meeting.room_id]["startDate"].replace("Z", "+00:00")) \
        == tomorrow_at(12)
    moved = await stored(slack, meeting)
    assert (moved.starts_at, moved.duration_minutes, moved.room_id) == (tomorrow_at(12), 30, meeting.room_id)
    assert "its link stays the same" in reply


# -- Airmeet and the refusals ------------------------------------------------------------------


async def test_airmeet_cannot_be_moved_from_here(slack: SlackScenario) -> None:
    meeting = await add(slack, title="Town hall", start=timedelta(days=2))
    meeting = await slack.storage.meetings.add(  # the same, on Airmeet (its API has no event edit)
        Meeting(**{**meeting.__dict__, "id": "airmtg", "provider": "airmeet"}))
    reply = await answer(slack, "/meeting move airmtg tomorrow 10:00")
    assert said(reply) == ("Airmeet cannot change an event's time through its API, so *Town hall* cannot be moved "
                           "from here: change it in Airmeet, or cancel it and make a new one.")
    assert_unchanged(meeting, await stored(slack, meeting))


@pytest.mark.parametrize(("line", "user", "expected"), [
    ("move zzzzzz tomorrow 10:00", "U1", "There is no meeting `zzzzzz` in this workspace; `/meeting list` shows the ids."),
    ("move {id} yesterday 10:00", "U1", "passed"),
    ("move {id} 9999-12-31 23:59", "U1", "a year"),
    ("move {id} tomorrow 10:00", "U2", "Only <@U1>, who organises *Standup*, a co-host or a workspace admin can move it."),
    ("move {id} tomorrow 10:00 for", "U1", "Say how long after `for`, e.g. `/meeting move k7m2qx tomorrow 10:00 for 45m`."),
    ("move {id} tomorrow 10:00 for 25h", "U1", "1 minute to 24 hours"),
    ("move {id}", "U1", "Give `<when>`"),
])
async def test_refusals_are_one_sentence_and_change_nothing(slack: SlackScenario, line: str, user: str,
                                                            expected: str) -> None:
    meeting = await add(slack, title="Standup", start=timedelta(hours=5))
    mark = slack.fake.mark()
    reply = said(await answer(slack, f"/meeting {line.format(id=meeting.id)}", user=user))
    assert expected in reply
    assert_unchanged(meeting, await stored(slack, meeting))
    assert [c.method for c in slack.fake.calls[mark:] if c.method.startswith("chat.")] == []


async def test_cancelled_and_started_meetings_stay_put(slack: SlackScenario) -> None:
    gone = await add(slack, title="Gone", start=timedelta(hours=5))
    await slack.storage.meetings.cancel("T1", gone.id)
    assert said(await answer(slack, f"/meeting move {gone.id} tomorrow 10:00")) == f"*Gone* (`{gone.id}`) was cancelled."
    running = await add(slack, title="Running", start=timedelta(minutes=-5))
    assert said(await answer(slack, f"/meeting move {running.id} tomorrow 10:00")) == (
        f"*Running* (`{running.id}`) has already started, so its time and reminders stay as they are.")
    assert_unchanged(running, await stored(slack, running))


async def test_a_cohost_may_move_and_the_organiser_hears_of_it(slack: SlackScenario) -> None:
    meeting = await seed_meeting(slack.storage, now=slack.runtime.services.clock(), start=timedelta(hours=5),
                                 organiser="U3", cohost_ids=["U2"])
    mark = slack.fake.mark()
    reply = said(await answer(slack, f"/meeting move {meeting.id} tomorrow 10:00", user="U2"))
    assert reply.startswith(f"Moved *Standup* (`{meeting.id}`)")
    assert (await stored(slack, meeting)).starts_at == tomorrow_at(10, zone=ZoneInfo("America/New_York"))  # U2's
    [dm] = await dms_to(slack, "U3", mark)
    assert f"<@U2> moved *Standup* (`{meeting.id}`)." in json.dumps(dm)
    assert await dms_to(slack, "U2", mark, expected=0) == []  # the mover is not told by DM what they just did


async def test_moving_twice_to_the_same_time_changes_nothing_the_second_time(slack: SlackScenario) -> None:
    meeting = await add(slack, title="Standup", start=timedelta(hours=5))
    await answer(slack, f"/meeting move {meeting.id} tomorrow 10:00")
    mark = slack.fake.mark()
    again = said(await answer(slack, f"/meeting move {meeting.id} tomorrow 10:00"))
    assert again == f"*Standup* (`{meeting.id}`) is already at that time, so nothing was changed."
    assert [c.method for c in slack.fake.calls[mark:] if c.method.startswith("chat.")] == []


# -- nothing half-made: the provider is put back when the move cannot be stored ------------------


def storing_fails(slack: SlackScenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository refuses the move, as it does when the meeting was cancelled or moved in between."""

    async def cancelled_meanwhile(*args: Any, **kwargs: Any) -> bool:
        return False

    monkeypatch.setattr(slack.storage.meetings, "reschedule", cancelled_meanwhile)


async def test_a_move_that_cannot_be_stored_is_undone_at_the_provider(
    on_whereby: SlackScenario, whereby: tuple[FakeWhereby, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slack, (fake, _) = on_whereby, whereby
    meeting = await created(slack, '/meeting new whereby "Board" tomorrow 10:00')
    storing_fails(slack, monkeypatch)
    reply = said(await answer(slack, f"/meeting move {meeting.id} tomorrow 11:30"))

    assert reply == "I could not save the new time, so *Board* was not moved; please try again."
    assert len(fake.requests_to("/v1/meetings", method="POST")) == 2
    assert list(fake.meetings) == [meeting.room_id]  # the new room is deleted again, the old one kept
    assert_unchanged(meeting, await stored(slack, meeting))


async def test_a_clickmeeting_move_that_cannot_be_stored_gets_its_old_time_back(
    on_clickmeeting: SlackScenario, clickmeeting: tuple[FakeClickMeeting, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slack, (fake, _) = on_clickmeeting, clickmeeting
    meeting = await created(slack, '/meeting new clickmeeting "Webinar" tomorrow 15:00 for 1h')
    storing_fails(slack, monkeypatch)
    reply = said(await answer(slack, f"/meeting move {meeting.id} tomorrow 16:00"))

    assert reply == "I could not save the new time, so *Webinar* was not moved; please try again."
    there, back = fake.requests_to(f"/v1/conferences/{meeting.room_id}", method="PUT")
    assert dict(there.form)["starts_at"] == tomorrow_at(16).strftime("%Y-%m-%d %H:%M:%S")
    assert dict(back.form)["starts_at"] == tomorrow_at(15).strftime("%Y-%m-%d %H:%M:%S")
    assert datetime.fromisoformat(fake.conferences[int(meeting.room_id)]["starts_at"]) == tomorrow_at(15)
    assert_unchanged(meeting, await stored(slack, meeting))


# -- the announcement's menu and the move form ---------------------------------------------------


def menu_pick(slack: SlackScenario, meeting: Meeting, verb: str, *, user: str, name: str) -> dict[str, Any]:
    """A block_actions payload: ``user`` picked ``verb`` in the announcement's overflow menu."""
    [card] = [m for m in slack.fake.messages_in("C1") if m["ts"] == meeting.announcement_ts]
    blocks = card["blocks"] if isinstance(card["blocks"], list) else json.loads(card["blocks"])
    [menu] = [e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["type"] == "overflow"]
    [option] = [o for o in menu["options"] if o["value"] == f"{verb}:{meeting.id}"]
    return {
        "type": "block_actions", "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
        "api_app_id": "A0MEETBOT1", "token": "verification_token", "trigger_id": slack.fake.new_trigger_id(),
        "container": {"type": "message", "message_ts": meeting.announcement_ts, "channel_id": "C1"},
        "team": {"id": "T1", "domain": "acme"}, "channel": {"id": "C1", "name": "general"},
        "response_url": slack.fake.response_url(name),
        "actions": [{"type": "overflow", "action_id": menu["action_id"], "block_id": "menu",
                     "selected_option": option, "action_ts": "1.2"}],
    }


async def test_the_announcements_menu_opens_the_move_form_and_it_moves_the_meeting(slack: SlackScenario) -> None:
    meeting = await created(slack, '/meeting new kmeet "Standup" tomorrow 10:00 for 30m remind 10m')
    since = slack.fake.mark()
    await slack.interact(menu_pick(slack, meeting, "move", user="U1", name="menu-1"))
    view = await opened_view(slack, since=since)
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["start_date", "start_time", "duration"]
    assert block(view, "start_time")["element"]["initial_time"] == "10:00"  # the meeting's own time, in U1's zone

    refused = await slack.interact(submission(slack, view, start_time="25:99"))
    assert refused.json()["response_action"] == "errors" and set(refused.json()["errors"]) == {"start_time"}

    response = await slack.interact(submission(slack, view, start_time="11:30", duration="45"))
    assert response.status_code == 200
    update = await slack.fake.wait_for("chat.update", since=since)
    assert update.args["ts"] == meeting.announcement_ts
    await slack.fake.wait_for("chat.postEphemeral", lambda c: "Moved Standup" in c.args.get("text", ""), since=since)
    moved = await stored(slack, meeting)
    assert (moved.starts_at, moved.duration_minutes) == (tomorrow_at(11, 30), 45)
    assert await pending(slack, meeting) == [(tomorrow_at(11, 20), 10)]


async def test_the_menu_refuses_who_may_not_move_and_gives_anyone_their_link(slack: SlackScenario) -> None:
    meeting = await created(slack, '/meeting new kmeet "Standup" tomorrow 10:00')
    since = slack.fake.mark()
    await slack.interact(menu_pick(slack, meeting, "move", user="U2", name="menu-2"))
    refused = await slack.fake.wait_for_response("menu-2")
    assert refused.response_type == "ephemeral"
    assert "Only <@U1>, who organises *Standup*, a co-host or a workspace admin can move it." in block_text(refused.body)
    assert [c for c in slack.fake.calls[since:] if c.method == "views.open"] == []
    await slack.interact(menu_pick(slack, meeting, "link", user="U2", name="menu-3"))
    link = await slack.fake.wait_for_response("menu-3")
    assert meeting.join_url in block_text(link.body) and link.response_type == "ephemeral"
