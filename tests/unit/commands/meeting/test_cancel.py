"""commands/meeting/cancel.py: ``/meeting cancel`` — who may, what happens here and at the provider."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commands.framework.context import Services
from commands.framework.replies import Audience
from db.storage import Storage
from tests.fakes.server import Fault
from tests.fakes.whereby import FakeWhereby
from tests.unit.commands.meeting.seeded import (  # noqa: F401  (services and whereby are fixtures)
    NOW,
    add,
    ctx,
    only,
    run,
    services,
    whereby,
    whereby_meeting,
)

# -- cancel ----------------------------------------------------------------------------------


async def test_organiser_cancels_a_kmeet_meeting_reminders_stop_and_the_announcement_is_marked(
    services: Services, storage: Storage
) -> None:
    meeting = await add(storage, organiser="U2", reminders=2, announcement_ts="1700000000.000100", cohost_ids=["U3"])
    reply = await run(f"cancel {meeting.id.upper()}", services, user="U2")
    assert (await storage.meetings.get("T1", meeting.id)).status == "cancelled"
    assert [r.status for r in (await storage.reminders.for_meeting("T1", meeting.id))] == ["cancelled", "cancelled"]
    announcement, dm, confirmation = reply.messages
    assert (announcement.audience, announcement.to) == (Audience.CHANNEL, "C1")
    assert "~Standup~" in announcement.text and "cancelled by <@U2>" in announcement.text
    assert announcement.buttons == ()  # no Join button on a cancelled meeting
    assert (dm.audience, dm.to) == (Audience.DM, "U3")
    assert confirmation.audience is Audience.REQUESTER
    assert "kMeet cannot delete rooms through its API" in confirmation.text
    assert "2 pending reminders stopped" in confirmation.text
    assert meeting.id not in repr(await run("list", services))


async def test_the_cancel_edits_the_stored_announcement(services: Services, storage: Storage) -> None:
    meeting = await add(storage, announcement_ts="1700000000.000100")
    announcement = (await run(f"cancel {meeting.id}", services)).messages[0]
    assert (announcement.to, announcement.replace_ts) == ("C1", "1700000000.000100")


async def test_no_announcement_no_channel_message(services: Services, storage: Storage) -> None:
    never_posted = await add(storage, title="Quiet")  # announcement_ts is None: the post had failed
    reply = await run(f"cancel {never_posted.id}", services)
    assert [m.audience for m in reply.messages] == [Audience.REQUESTER]
    assert "No reminders were due" in reply.text


async def test_a_cohost_cancels_and_the_organiser_hears_of_it(services: Services, storage: Storage) -> None:
    meeting = await add(storage, organiser="U3", cohost_ids=["U2"], reminders=1, announcement_ts="1.2")
    reply = await run(f"cancel {meeting.id}", services, user="U2")
    assert (await storage.meetings.get("T1", meeting.id)).status == "cancelled"
    assert [r.status for r in (await storage.reminders.for_meeting("T1", meeting.id))] == ["cancelled"]
    assert "U3" in [m.to for m in reply.messages if m.audience is Audience.DM]


async def test_a_member_cannot_cancel_someone_elses_meeting(services: Services, storage: Storage) -> None:
    meeting = await add(storage, organiser="U3", invitee_ids=["U2"], reminders=1, announcement_ts="1.2")
    reply = await run(f"cancel {meeting.id}", services, user="U2")
    assert reply.text == "Only <@U3>, who organises *Standup*, its co-hosts or a workspace admin can cancel it."
    assert (await storage.meetings.get("T1", meeting.id)).status == "scheduled"
    assert [r.status for r in (await storage.reminders.for_meeting("T1", meeting.id))] == ["pending"]


async def test_an_admin_cancels_someone_elses_meeting_and_the_organiser_hears_of_it(
    services: Services, storage: Storage
) -> None:
    meeting = await add(storage, organiser="U3")
    reply = await run(f"cancel {meeting.id}", services, user="U1")
    assert (await storage.meetings.get("T1", meeting.id)).status == "cancelled"
    assert [(m.audience, m.to) for m in reply.messages] == [(Audience.DM, "U3"), (Audience.REQUESTER, None)]
    assert "<@U1> cancelled *Standup*" in reply.messages[0].text


async def test_admins_from_meetbot_admins_count_too(services: Services, storage: Storage) -> None:
    meeting = await add(storage, organiser="U3")
    services.admins = frozenset({"U2"})
    await run(f"cancel {meeting.id}", services, user="U2")
    assert (await storage.meetings.get("T1", meeting.id)).status == "cancelled"


@pytest.mark.parametrize("line", ["cancel zzzzzz", "cancel", "cancel a b"])
async def test_cancel_needs_one_known_id(services: Services, line: str) -> None:
    text = (await run(line, services)).text
    assert "`/meeting list` shows the ids" in text


async def test_another_workspaces_meeting_is_unknown_here(services: Services, storage: Storage) -> None:
    theirs = await add(storage, team="T2", organiser="U1")
    assert (await run(f"cancel {theirs.id}", services)).text.startswith(f"There is no meeting `{theirs.id}`")
    assert (await storage.meetings.get("T2", theirs.id)).status == "scheduled"


async def test_cancelling_twice_or_after_the_end(services: Services, storage: Storage) -> None:
    meeting = await add(storage)
    await run(f"cancel {meeting.id}", services)
    assert (await run(f"cancel {meeting.id}", services)).text == f"*Standup* (`{meeting.id}`) is already cancelled."
    over = await add(storage, title="Past", start=timedelta(hours=-3))
    assert "has already ended" in (await run(f"cancel {over.id}", services)).text
    assert (await storage.meetings.get("T1", over.id)).status == "scheduled"




async def test_cancelling_a_whereby_meeting_deletes_it_there(services: Services, whereby: FakeWhereby) -> None:
    meeting = await whereby_meeting(services)
    assert meeting.room_id in whereby.meetings
    reply = await run(f"cancel {meeting.id}", services)
    [delete] = whereby.requests_to(f"/v1/meetings/{meeting.room_id}", method="DELETE")
    assert delete.headers["authorization"] == "Bearer wb-key"
    assert meeting.room_id not in whereby.meetings
    assert "The room is deleted at Whereby." in reply.text
    assert (await services.storage.meetings.get("T1", meeting.id)).status == "cancelled"


async def test_a_whereby_outage_cancels_nothing(services: Services, whereby: FakeWhereby) -> None:
    meeting = await whereby_meeting(services)
    whereby.faults.add(Fault(status=503), path="/v1/meetings/", method="DELETE", times=10)
    reply = await run(f"cancel {meeting.id}", services)
    assert "The meeting is not cancelled yet." in reply.text
    assert (await services.storage.meetings.get("T1", meeting.id)).status == "scheduled"
    assert [r.status for r in (await services.storage.reminders.for_meeting("T1", meeting.id))] == ["pending"]
    assert meeting.room_id in whereby.meetings


async def test_revoked_whereby_keys_still_cancel_here_and_say_so(services: Services, whereby: FakeWhereby) -> None:
    meeting = await whereby_meeting(services)
    await services.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "revoked"})
    reply = await run(f"cancel {meeting.id}", services)
    assert "I could not delete the room at Whereby" in reply.text and "remove it there yourself" in reply.text
    assert (await services.storage.meetings.get("T1", meeting.id)).status == "cancelled"
    assert whereby.requests_to(f"/v1/meetings/{meeting.room_id}", method="DELETE")[-1].headers["authorization"] \
        == "Bearer revoked"
