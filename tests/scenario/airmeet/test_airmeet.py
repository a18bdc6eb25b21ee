"""``/airmeet`` through signed Slack requests: help, the event form, a confirmed status, a session form
with the event's speakers, an export as a file in the DM. Airmeet is its loopback fake."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.airmeet import FakeAirmeet
from tests.scenario.harness import SlackScenario, block_text
from tests.scenario.views import block, opened_view, submission

# The scenario runs on the wall clock: the event is three weeks ahead of today, never a fixed date
# that one day turns into the past.
EVENT_DAY = (datetime.now(UTC) + timedelta(days=21)).date().isoformat()
EVENT_LINE = (f'/airmeet event new name="Town hall" short_desc="Q4 review" start="{EVENT_DAY} 16:00" end=2h '
              "timezone=Europe/Zurich")


async def said(slack: SlackScenario, line: str, *, user: str = "U1") -> dict[str, Any]:
    await slack.command(line, user=user)
    post = await slack.fake.wait_for_response(slack.last_response_name or "")
    assert post.response_type == "ephemeral"
    return post.body


async def new_event(slack: SlackScenario) -> str:
    body = await said(slack, EVENT_LINE)
    found = re.search(r"Id `(\w{6})`", block_text(body))
    assert found, block_text(body)
    return found.group(1)


def click(slack: SlackScenario, button: dict[str, Any], response_name: str, *, user: str = "U1") -> dict[str, Any]:
    return {
        "type": "block_actions", "user": {"id": user, "username": "ada", "name": "ada", "team_id": "T1"},
        "api_app_id": "A0MEETBOT1", "token": "verification_token",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C1", "is_ephemeral": True},
        "trigger_id": slack.fake.new_trigger_id(), "team": {"id": "T1", "domain": "acme"},
        "channel": {"id": "C1", "name": "general"}, "response_url": slack.fake.response_url(response_name),
        "actions": [{**button, "block_id": "b", "type": "button", "action_ts": f"{time.time():.6f}"}],
    }


def buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in body.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


async def test_help_lists_every_subcommand(on_airmeet: SlackScenario) -> None:
    text = block_text(await said(on_airmeet, "/airmeet help"))
    for word in ("event …", "status", "duplicate", "landing", "speaker …", "session …", "booth …", "register",
                 "attendance", "polls", "questions"):
        assert f"/airmeet {word}" in text
    assert "/airmeet session delete" in block_text(await said(on_airmeet, "/airmeet session help"))


async def test_the_event_form_checks_in_the_ack_then_creates(
    on_airmeet: SlackScenario, airmeet: tuple[FakeAirmeet, str]
) -> None:
    slack, fake = on_airmeet, airmeet[0]
    await slack.command("/airmeet event new")
    view = await opened_view(slack)
    assert block(view, "timezone")["element"]["initial_value"] == "Europe/Zurich"  # Ada's Slack zone

    refused = await slack.interact(submission(slack, view, name="Town hall", short_desc="Q4", start="yesterday 10:00",
                                              end="2h"))
    assert refused.json()["response_action"] == "errors" and set(refused.json()["errors"]) == {"start"}
    assert fake.events == {}

    done = await slack.interact(submission(slack, view, name="Town hall", short_desc="Q4", start=f"{EVENT_DAY} 16:00",
                                           end="18:00", access_type="WITH_VERIFIED_EMAIL"))
    assert done.status_code == 200 and not done.content.strip(b"{} ")
    await slack.fake.wait_for("chat.postEphemeral")
    [event] = fake.events.values()
    assert event.fields["accessType"] == "WITH_VERIFIED_EMAIL"
    assert event.fields["timing"]["timezone"] == "Europe/Zurich"
    assert "Room ready" in slack.fake.ephemerals_for("U1")[-1]["text"]


async def test_archive_asks_and_the_button_archives(on_airmeet: SlackScenario, airmeet: tuple[FakeAirmeet, str]) -> None:
    slack, fake = on_airmeet, airmeet[0]
    meeting_id = await new_event(slack)
    ask = await said(slack, f"/airmeet status {meeting_id} archive")
    confirm, keep = buttons(ask)
    assert confirm["style"] == "danger" and keep["text"]["text"] == "Keep it as it is"
    [event] = fake.events.values()
    assert event.status == "CREATED"

    await slack.interact(click(slack, confirm, "archived"))
    post = await slack.fake.wait_for_response("archived")
    assert "is archived" in block_text(post.body)
    assert event.status == "ARCHIVE"


async def test_session_form_picks_from_the_events_speakers(
    on_airmeet: SlackScenario, airmeet: tuple[FakeAirmeet, str]
) -> None:
    slack, fake = on_airmeet, airmeet[0]
    meeting_id = await new_event(slack)
    assert "Added Ada" in block_text(await said(slack, f"/airmeet speaker add {meeting_id} name=Ada "
                                                       "email=ada.speaker@example.com"))
    await slack.command(f"/airmeet session add {meeting_id}")
    view = await opened_view(slack)
    assert [o["value"] for o in block(view, "speakers")["element"]["options"]] == ["ada.speaker@example.com"]

    await slack.interact(submission(slack, view, title="Keynote", start=f"{EVENT_DAY} 16:30", duration="45",
                                    speakers=["ada.speaker@example.com"]))
    await slack.fake.wait_for("chat.postEphemeral", lambda call: "Keynote" in str(call.args.get("text")))
    [event] = fake.events.values()
    [session] = event.sessions.values()
    assert session["speakerEmails"] == ["ada.speaker@example.com"] and session["type"] == "HOSTING"


async def test_attendance_arrives_as_a_file_in_the_dm(on_airmeet: SlackScenario, airmeet: tuple[FakeAirmeet, str]) -> None:
    slack, fake = on_airmeet, airmeet[0]
    meeting_id = await new_event(slack)
    [event] = fake.events.values()
    fake.add_attendees(event.uuid, [{"email": "cy@example.com", "minutes": 30}])

    body = await said(slack, f"/airmeet attendance {meeting_id}")

    assert "1 row" in block_text(body) and "direct message" in block_text(body)
    await slack.fake.wait_for("files.completeUploadExternal")
    dm = slack.fake.dm_channel("T1", "U1")
    assert dm is not None
    [shared] = slack.fake.uploaded_files(dm)
    assert shared["content"] == "email,minutes\r\ncy@example.com,30\r\n"
