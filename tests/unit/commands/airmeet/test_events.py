"""/airmeet event new|list|info, status, duplicate, landing: against the Airmeet fake."""

from __future__ import annotations

from datetime import UTC, datetime

from commands.framework.context import Services
from commands.framework.replies import Audience
from tests.fakes.airmeet import FakeAirmeet
from tests.unit.commands.airmeet.support import NEW_EVENT, click, made_event, run


async def test_event_new_creates_the_event_and_a_meeting(services: Services, fake: FakeAirmeet) -> None:
    meeting = await made_event(services)

    sent = fake.requests_to("/airmeet")[-1].json
    start = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # 16:00 in Zurich
    assert sent["timing"] == {"startTime": int(start.timestamp() * 1000),
                              "endTime": int(start.timestamp() * 1000) + 2 * 3600 * 1000, "timezone": "Europe/Zurich"}
    assert (sent["eventName"], sent["shortDesc"], sent["hostEmail"]) == ("Town hall", "Q4 review", "ada@example.com")
    assert meeting.room_id in fake.events
    assert (meeting.provider, meeting.starts_at, meeting.duration_minutes) == ("airmeet", start, 120)
    assert meeting.id in (await run("event list", services)).text
    listed = await services.storage.meetings.upcoming("T1", after=start)
    assert meeting.id in [m.id for m in listed.items]  # /meeting list sees it
    assert await services.storage.reminders.for_meeting("T1", meeting.id)  # and it gets reminders


async def test_event_new_without_fields_opens_the_form(services: Services, fake: FakeAirmeet) -> None:
    reply = await run("event new", services)

    assert reply.modal is not None
    names = [i.name for i in reply.modal.inputs]
    assert names == ["name", "short_desc", "start", "end", "timezone", "host_email", "access_type"]
    access = next(i for i in reply.modal.inputs if i.name == "access_type")
    assert {c.value for c in access.choices} == {"INVITED_ONLY", "WITH_VERIFIED_EMAIL", "WITHOUT_VERIFIED_EMAIL",
                                                 "EMAIL_UNIQUE_LINK"}
    assert fake.requests == []


async def test_event_new_refuses_a_zone_that_is_not_canonical(services: Services, fake: FakeAirmeet) -> None:
    reply = await run(NEW_EVENT.replace("Europe/Zurich", "Mars/Olympus"), services)

    assert "not a time zone name" in reply.text
    assert fake.events == {}
    assert await services.storage.airmeet.meetings("T1") == []


async def test_the_form_shows_field_errors_and_creates_on_submit(services: Services, fake: FakeAirmeet) -> None:
    from tests.support.registry import REGISTRY
    from tests.unit.commands.airmeet.support import ctx

    form = REGISTRY.form("airmeet_event_new")
    assert form is not None
    values = {"name": "Town hall", "short_desc": "Q4", "start": "yesterday 10:00", "end": "2h",
              "timezone": "Europe/Zurich", "host_email": None, "access_type": None}
    errors = await form.check(values, {}, ctx(), services)
    assert set(errors) == {"start"}
    values["start"] = "2026-12-10 16:00"
    values["access_type"] = "WITH_VERIFIED_EMAIL"
    assert await form.check(values, {}, ctx(), services) == {}
    reply = await form.submit(values, {}, ctx(), services)
    assert "Room ready" in reply.text
    assert fake.requests_to("/airmeet")[-1].json["accessType"] == "WITH_VERIFIED_EMAIL"


async def test_event_info_by_uuid_and_by_id(services: Services, fake: FakeAirmeet) -> None:
    meeting = await made_event(services)

    for ref in (meeting.id, meeting.room_id):
        reply = await run(f"event info {ref}", services)
        assert "Town hall" in reply.text and "No sessions yet." in reply.text


async def test_an_unknown_event_is_one_sentence(services: Services, fake: FakeAirmeet) -> None:
    reply = await run("event info zzzzzz", services)
    assert reply.text.count(".") <= 2 and "no Airmeet event" in reply.text


async def test_status_ongoing_at_once_finished_after_a_click(services: Services, fake: FakeAirmeet) -> None:
    meeting = await made_event(services)

    assert "is live" in (await run(f"status {meeting.id} ONGOING", services)).text
    assert fake.events[meeting.room_id].status == "ONGOING"

    ask = await run(f"status {meeting.id} finished", services)
    assert fake.events[meeting.room_id].status == "ONGOING"  # nothing yet
    confirm = ask.messages[0].buttons[0]
    done = await click(confirm.action_id or "", confirm.value or "", services)
    assert "is finished" in done.text
    assert fake.events[meeting.room_id].status == "FINISHED"
    stored = await services.storage.meetings.get("T1", meeting.id)
    assert stored is not None and stored.provider_data["status"] == "FINISHED"


async def test_archive_asks_then_stops_reminders(services: Services, fake: FakeAirmeet) -> None:
    meeting = await made_event(services)
    ask = await run(f"status {meeting.id} archive", services)
    keep = ask.messages[0].buttons[1]
    assert "Nothing changed" in (await click(keep.action_id or "", keep.value or "", services)).text
    confirm = ask.messages[0].buttons[0]
    await click(confirm.action_id or "", confirm.value or "", services)
    await click(confirm.action_id or "", confirm.value or "", services)  # a replayed click: nothing twice

    assert fake.events[meeting.room_id].status == "ARCHIVE"
    assert {r.status for r in await services.storage.reminders.for_meeting("T1", meeting.id)} == {"cancelled"}


async def test_someone_else_may_not_change_the_status(services: Services, fake: FakeAirmeet) -> None:
    meeting = await made_event(services)

    reply = await run(f"status {meeting.id} paused", services, user="U2")

    assert "Only <@U1>" in reply.text
    assert fake.events[meeting.room_id].status == "CREATED"


async def test_duplicate_copies_and_stores_the_copy(services: Services, fake: FakeAirmeet) -> None:
    meeting = await made_event(services)

    reply = await run(f"duplicate {meeting.id} 2027-01-14 16:00 Asia/Kolkata", services)

    sent = fake.requests_to(f"/airmeet/{meeting.room_id}/duplication")[-1].json
    start = datetime(2027, 1, 14, 10, 30, tzinfo=UTC)
    assert sent == {"startTime": int(start.timestamp() * 1000), "timezone": "Asia/Kolkata"}
    assert "Copied" in reply.text
    copies = [m for m in await services.storage.airmeet.meetings("T1") if m.id != meeting.id]
    assert [(c.starts_at, c.duration_minutes, c.title) for c in copies] == [(start, 120, "Town hall")]


async def test_landing_is_checked_before_sending(services: Services, fake: FakeAirmeet) -> None:
    meeting = await made_event(services)

    bad = await run(f"landing {meeting.id} highlight_color=red", services)
    assert "highlight_color" in bad.text
    picture = await run(f"landing {meeting.id} image_url=https://x.example/a.gif", services)
    assert ".jpg" in picture.text
    assert fake.requests_to(f"/airmeet/{meeting.room_id}/landing-page") == []

    ok = await run(f"landing {meeting.id} ambience=dark layout=MODERN highlight_color=#1a2b3c", services)
    assert "Updated the landing page" in ok.text
    assert fake.events[meeting.room_id].landing_page == {"ambience": "DARK", "layout": "MODERN",
                                                         "highlightColor": "#1a2b3c"}
    assert (await run(f"landing {meeting.id}", services)).modal is not None


async def test_requester_messages_are_ephemeral(services: Services, fake: FakeAirmeet) -> None:
    meeting = await made_event(services)
    reply = await run(f"event info {meeting.id}", services)
    assert {m.audience for m in reply.messages} == {Audience.REQUESTER}


async def test_an_event_made_in_the_dashboard_is_reached_by_uuid_by_admins_only(
    services: Services, fake: FakeAirmeet
) -> None:
    seeded = fake.add_event("Made elsewhere")

    assert "Only workspace admins" in (await run(f"status {seeded.uuid} paused", services, user="U2")).text
    assert seeded.status == "CREATED"
    assert "is paused" in (await run(f"status {seeded.uuid} paused", services, user="U1")).text
    assert seeded.status == "PAUSED"
    assert "Made elsewhere" in (await run(f"event info {seeded.uuid}", services)).text
