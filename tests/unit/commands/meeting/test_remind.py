"""commands/meeting/remind.py and settings.py: ``/meeting remind`` and ``/meeting settings reminders``."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.framework.context import Services
from commands.framework.replies import Audience
from commands.lifecycle.create import parse_offsets_setting
from db.storage import Storage
from tests.unit.commands.meeting.seeded import NOW, add, only, run, services  # noqa: F401  (services: a fixture)


async def pending(storage: Storage, meeting_id: str) -> list[int]:
    return [r.offset_minutes for r in await storage.reminders.for_meeting("T1", meeting_id) if r.status == "pending"]


# -- /meeting remind ---------------------------------------------------------------------------


async def test_the_organiser_replaces_the_pending_reminders(services: Services, storage: Storage) -> None:
    meeting = await add(storage, organiser="U2", start=timedelta(days=2), reminders=2)
    reply = only(await run(f"remind {meeting.id} 1d, 15m", services, user="U2"))
    assert reply.audience is Audience.REQUESTER
    assert reply.text == f"*Standup* (`{meeting.id}`) is now reminded 1 day, 15 min before it starts."
    reminders = await storage.reminders.for_meeting("T1", meeting.id)
    assert [(r.offset_minutes, r.due_at) for r in reminders] == [
        (1440, meeting.starts_at - timedelta(days=1)), (15, meeting.starts_at - timedelta(minutes=15))]


async def test_offsets_separated_by_spaces_are_each_a_reminder(services: Services, storage: Storage) -> None:
    meeting = await add(storage, start=timedelta(days=2), reminders=1)
    await run(f"remind {meeting.id} 1d 15m", services)
    assert await pending(storage, meeting.id) == [1440, 15]  # not one reminder 1 day 15 min before
    assert "I couldn't read" in only(await run(f"remind {meeting.id} 2 hours", services)).text
    assert await pending(storage, meeting.id) == [1440, 15]


async def test_none_clears_pending_reminders_and_keeps_sent_ones(services: Services, storage: Storage) -> None:
    meeting = await add(storage, organiser="U2", reminders=2)
    first = (await storage.reminders.for_meeting("T1", meeting.id))[0]
    await storage.reminders.finish("T1", first.id, status="sent")
    reply = only(await run(f"remind `{meeting.id}` none", services, user="U2"))
    assert reply.text == f"*Standup* (`{meeting.id}`) has no reminders now."
    assert [r.status for r in await storage.reminders.for_meeting("T1", meeting.id)] == ["sent"]


async def test_a_co_host_and_an_admin_may_a_guest_may_not(services: Services, storage: Storage) -> None:
    meeting = await add(storage, organiser="U2", cohost_ids=["U3"], invitee_ids=["U4"], reminders=1)
    refused = only(await run(f"remind {meeting.id} 1h", services, user="U4"))
    assert refused.text == ("Only <@U2>, who organises *Standup*, a co-host or a workspace admin can change the "
                            "reminders of it.")
    assert await pending(storage, meeting.id) == [10]
    await run(f"remind {meeting.id} 1h", services, user="U3")
    assert await pending(storage, meeting.id) == [60]
    await run(f"remind {meeting.id} 30m", services, user="U1")  # Ada is an admin
    assert await pending(storage, meeting.id) == [30]


async def test_a_reminder_in_the_past_is_refused_in_words_and_nothing_changes(
    services: Services, storage: Storage
) -> None:
    meeting = await add(storage, start=timedelta(hours=2), reminders=1)
    reply = only(await run(f"remind {meeting.id} 1d,10m", services))
    assert reply.text == ("A reminder 1 day before *Standup* would fire in the past, so nothing was changed: "
                          "pick shorter times.")
    assert await pending(storage, meeting.id) == [10]


async def test_more_than_five_reminders_are_refused(services: Services, storage: Storage) -> None:
    meeting = await add(storage, start=timedelta(days=3), reminders=1)
    reply = only(await run(f"remind {meeting.id} 2d,1d,5h,1h,30m,10m", services))
    assert reply.text.startswith("A meeting has at most 5 reminders and you gave 6, so nothing was changed")
    assert await pending(storage, meeting.id) == [10]
    await run(f"remind {meeting.id} 2d,1d,5h,1h,30m", services)
    assert await pending(storage, meeting.id) == [2880, 1440, 300, 60, 30]


async def test_cancelled_started_and_unknown_meetings_are_refused(services: Services, storage: Storage) -> None:
    cancelled = await add(storage, title="Gone")
    await storage.meetings.cancel("T1", cancelled.id)
    started = await add(storage, title="Now", start=timedelta(minutes=-5))
    assert only(await run(f"remind {cancelled.id} 1h", services)).text == f"*Gone* (`{cancelled.id}`) was cancelled."
    assert "has already started" in only(await run(f"remind {started.id} 1m", services)).text
    assert "There is no meeting `nope`" in only(await run("remind nope 1h", services)).text
    assert "Give `<offsets|none>`" in only(await run(f"remind {started.id}", services)).text
    assert only(await run("remind k7m2qx tomorrow", services)).text.startswith("I couldn't read")


async def test_remind_has_help_from_its_arguments(services: Services) -> None:
    text = only(await run("remind help", services)).text
    assert "`/meeting remind <id> <offsets|none>`" in text and "remind k7m2qx 1d,15m" in text
    assert "remind <id> <offsets|none>" in only(await run("help", services)).text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30))
async def test_any_offsets_get_one_sentence_and_a_refusal_stores_nothing(  # type: ignore[no-untyped-def]
    services: Services, storage: Storage, text
) -> None:
    meeting = await add(storage, start=timedelta(days=2), reminders=1)
    message = only(await run(f"remind {meeting.id} {text}", services))
    assert message.audience is Audience.REQUESTER and "Traceback" not in message.text
    if "is now reminded" not in message.text and "has no reminders now" not in message.text:
        assert await pending(storage, meeting.id) == [10]


# -- /meeting settings -------------------------------------------------------------------------


async def test_settings_shows_the_default_reminders_to_anyone(services: Services) -> None:
    text = only(await run("settings", services, user="U2")).text
    assert text.startswith("Default reminders: 10 min (`10m`) — what `/meeting new` uses")


async def test_an_admin_sets_the_default_reminders_new_meetings_use(services: Services, storage: Storage) -> None:
    reply = only(await run("settings reminders 1d, 90m", services, user="U1"))
    assert reply.text == "New meetings are now reminded 1 day, 90 min before they start, unless they say `remind …`."
    stored = (await storage.workspaces.ensure("T1")).default_reminders
    assert (stored, parse_offsets_setting(stored)) == ("1d,1h30m", (timedelta(days=1), timedelta(minutes=90)))
    assert "`1d,1h30m`" in only(await run("settings", services)).text
    await run("settings reminders none", services, user="U1")
    assert (await storage.workspaces.ensure("T1")).default_reminders == ""
    assert only(await run("settings", services)).text.startswith("Default reminders: none —")


async def test_only_admins_set_them_and_bad_values_change_nothing(services: Services, storage: Storage) -> None:
    refused = only(await run("settings reminders 1h", services, user="U2")).text
    assert refused == "Only workspace admins and owners can change the workspace's settings, so nothing was changed."
    assert "at most 5 reminders" in only(await run("settings reminders 1d,5h,4h,3h,2h,1h", services)).text
    assert "choose one of: reminders" in only(await run("settings colour blue", services)).text
    assert "Say how long before" in only(await run("settings reminders", services)).text
    assert (await storage.workspaces.ensure("T1")).default_reminders == "10m"


async def test_settings_has_help_from_its_arguments(services: Services) -> None:
    assert "`/meeting settings [reminders] [offsets|none]`" in only(await run("settings help", services)).text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30), who=st.sampled_from(["U1", "U2"]))
async def test_any_settings_text_gets_one_sentence(  # type: ignore[no-untyped-def]
    services: Services, storage: Storage, text, who
) -> None:
    await storage.workspaces.set_default_reminders("T1", "10m")
    message = only(await run(f"settings reminders {text}", services, user=who))
    assert message.audience is Audience.REQUESTER and "Traceback" not in message.text
    if not message.text.startswith("New meetings"):
        assert (await storage.workspaces.ensure("T1")).default_reminders == "10m"
