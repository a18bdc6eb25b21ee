"""``/meeting new`` without arguments, through signed requests: the modal opens, follows the provider
select (views.update), refuses bad values on their fields in the ack, and creates the meeting.

Interaction payloads have the shapes of ../shared/specs/slack/bolt_python_fixtures
(test_block_actions__body.json, test_view_submission__body.json), built on the view the fake
Slack stored for the modal, with ``state.values`` as Slack fills them from what the user picked.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from providers.errors import Rejected
from providers.whereby import WherebyOptions
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby
from tests.scenario.harness import SlackScenario
from tests.scenario.views import block, block_ids, opened_view, parse, picked, submission

ZURICH = ZoneInfo("Europe/Zurich")  # U1's time zone in the fake Slack
WHEREBY_KEY = "wb-scenario-key"
SECTION_START = 9  # provider, title, day, time, duration, channel, invitees, cohosts, reminders; then the section


async def open_modal(slack: SlackScenario) -> dict[str, Any]:
    """Type ``/meeting new`` in C1 and return the modal as the fake Slack stored it."""
    since = slack.fake.mark()
    await slack.command("/meeting new", user="U1", channel="C1")
    return await opened_view(slack, since=since)


def tomorrow() -> str:
    return (datetime.now(ZURICH).date() + timedelta(days=1)).isoformat()


async def test_meeting_new_opens_the_modal_in_the_users_zone(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    assert view["callback_id"] == "new_meeting" and view["type"] == "modal"
    assert block_ids(view) == ["provider", "title", "start_date", "start_time", "duration", "channel", "invitees",
                               "cohosts", "reminders", "mode"]
    provider = block(view, "provider")
    assert provider["dispatch_action"] is True and provider["element"]["type"] == "static_select"
    assert provider["element"]["initial_option"]["value"] == "kmeet"
    assert block(view, "start_date")["element"]["type"] == "datepicker"
    start_time = block(view, "start_time")["element"]
    assert start_time["type"] == "timepicker" and start_time["initial_time"].endswith(("00", "15", "30", "45"))
    assert "Europe/Zurich" in block(view, "start_time")["hint"]["text"]  # from users.info
    assert block(view, "channel")["element"]["initial_conversation"] == "C1"
    assert block(view, "reminders")["element"]["initial_value"] == "10m"  # the workspace default
    assert json.loads(view["private_metadata"]) == {"provider": "kmeet", "channel_id": "C1"}
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_picking_another_provider_updates_the_modal_with_its_section(slack: SlackScenario) -> None:
    await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": WHEREBY_KEY})
    view = await open_modal(slack)
    assert block(view, "provider")["element"]["initial_option"]["value"] == "whereby"
    since = slack.fake.mark()
    response = await slack.interact(picked(slack, view, "provider", "clickmeeting", title="Quarterly review"))
    assert response.status_code == 200

    call = await slack.fake.wait_for("views.update", since=since)
    assert call.ok, call.response
    assert (call.args["view_id"], call.args["hash"]) == (view["id"], view["hash"])
    updated = slack.fake.view(view["id"])
    assert block_ids(updated)[SECTION_START:] == ["room_type", "access_type", "password"]
    assert block(updated, "title")["element"]["initial_value"] == "Quarterly review"
    assert block(updated, "provider")["element"]["initial_option"]["value"] == "clickmeeting"
    assert json.loads(updated["private_metadata"]) == {"provider": "clickmeeting", "channel_id": "C1"}

    since = slack.fake.mark()
    await slack.interact(picked(slack, updated, "provider", "whereby"))
    await slack.fake.wait_for("views.update", since=since)
    assert block_ids(slack.fake.view(view["id"]))[SECTION_START:] == ["room_mode", "is_locked", "viewer_mode",
                                                                      "room_name_prefix"]


async def test_a_day_in_the_past_is_refused_on_its_field_and_nothing_is_created(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    yesterday = (datetime.now(ZURICH).date() - timedelta(days=1)).isoformat()
    since = slack.fake.mark()
    response = await slack.interact(submission(slack, view, title="Standup", start_date=yesterday,
                                               reminders="1h,soon"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"start_date", "reminders"}
    assert "already passed" in answer["errors"]["start_date"]
    await asyncio.sleep(0.3)  # the work runs after the ack: it must not create anything either
    assert [c.method for c in slack.fake.calls[since:] if c.method.startswith("chat.")] == []
    assert (await slack.storage.meetings.upcoming("T1", after=datetime.now(ZURICH) - timedelta(days=2))).items == ()


async def test_a_good_kmeet_submission_creates_and_announces_the_meeting(slack: SlackScenario) -> None:
    view = await open_modal(slack)
    response = await slack.interact(submission(slack, view, title="Standup", start_date=tomorrow(),
                                               start_time="10:00", duration="15", invitees=["U2"]))
    assert response.status_code == 200 and not response.content.strip(b"{} ")  # a plain ack closes the modal
    post = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
    assert "Standup" in post.args["text"]
    blocks = parse(post.args["blocks"])
    join = next(e for b in blocks if b["type"] == "actions" for e in b["elements"])
    assert join["url"].startswith("https://meet.example.test/")
    note = await slack.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "U1")
    assert note.args["channel"] == "C1" and "Room ready" in note.args["text"]

    [meeting] = (await slack.storage.meetings.upcoming("T1", after=datetime.now(ZURICH))).items
    start = datetime.fromisoformat(f"{tomorrow()}T10:00").replace(tzinfo=ZURICH)
    assert meeting.starts_at == start and meeting.duration_minutes == 15
    assert meeting.join_url == join["url"] and meeting.invitee_ids == ("U2",)
    assert meeting.announcement_ts == post.response["ts"]


@pytest.fixture
def whereby() -> Iterator[tuple[FakeWhereby, str]]:
    fake = FakeWhereby(api_key=WHEREBY_KEY, subdomain="acme")
    with serve(fake.app) as url:
        yield fake, url


async def test_a_whereby_submission_announces_the_viewer_link_and_dms_the_host_link(
    on_whereby: SlackScenario, whereby: tuple[FakeWhereby, str]
) -> None:
    slack = on_whereby
    fake, _ = whereby
    view = await open_modal(slack)
    assert block_ids(view)[SECTION_START:] == ["room_mode", "is_locked", "viewer_mode", "room_name_prefix"]
    response = await slack.interact(submission(slack, view, title="All hands", start_date=tomorrow(),
                                               start_time="16:00", viewer_mode=["yes"],
                                               room_name_prefix="allhands", cohosts=["U2"]))
    assert response.status_code == 200

    dm = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "U1")
    cohost_dm = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "U2")
    announcement = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
    await slack.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "U1")

    [request] = fake.requests_to("/v1/meetings", "POST")
    assert request.headers["authorization"] == f"Bearer {WHEREBY_KEY}"
    assert request.json["templateType"] == "viewerMode" and request.json["roomNamePrefix"] == "allhands"
    [room] = fake.meetings.values()
    assert room.viewer_room_url in json.dumps(parse(announcement.args["blocks"]))
    assert room.host_room_url in json.dumps(parse(dm.args["blocks"]))
    assert room.host_room_url in json.dumps(parse(cohost_dm.args["blocks"]))
    # The host link goes to the organiser and the co-host only: never into a channel, never to anyone else.
    host_posts = [c for c in slack.fake.calls if room.host_room_url in json.dumps(c.args)]
    assert sorted((c.method, c.args["channel"]) for c in host_posts) == [("chat.postMessage", "U1"),
                                                                         ("chat.postMessage", "U2")]
    assert all(room.host_room_url not in json.dumps(m) for m in slack.fake.messages_in("C1"))
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=datetime.now(ZURICH))).items
    assert (meeting.provider, meeting.room_id, meeting.join_url) == ("whereby", room.meeting_id,
                                                                     room.viewer_room_url)
    assert meeting.cohost_ids == ("U2",)


async def test_a_bad_whereby_prefix_is_refused_on_its_field_with_the_models_sentence(
    on_whereby: SlackScenario, whereby: tuple[FakeWhereby, str]
) -> None:
    slack = on_whereby
    fake, _ = whereby
    with pytest.raises(Rejected) as raised:  # what Whereby's options model says, the adapter's own rule
        WherebyOptions.parse({"room_name_prefix": "All_Hands"}, provider="whereby")
    view = await open_modal(slack)
    response = await slack.interact(submission(slack, view, title="All hands", start_date=tomorrow(),
                                               start_time="16:00", room_name_prefix="All_Hands"))
    assert response.json() == {"response_action": "errors",
                               "errors": {"room_name_prefix": raised.value.user_message.replace("`", "")}}
    await asyncio.sleep(0.3)  # nothing happens after the ack either
    assert fake.requests_to("/v1/meetings", "POST") == []
