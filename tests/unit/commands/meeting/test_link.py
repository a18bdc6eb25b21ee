"""commands/meeting/link.py: ``/meeting link`` — host links for hosts, personal sign-in links, invitations."""

from __future__ import annotations

import json

from commands.framework.context import Services
from commands.framework.replies import Audience
from db.storage import Storage
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.whereby import FakeWhereby
from tests.unit.commands.meeting.seeded import (  # noqa: F401  (services and the fakes are fixtures)
    add,
    clickmeeting,
    ctx,
    only,
    run,
    services,
    whereby,
    whereby_meeting,
)

# -- link ------------------------------------------------------------------------------------


async def test_whereby_link_is_the_host_link_for_hosts_only(services: Services, whereby: FakeWhereby) -> None:
    meeting = await whereby_meeting(services, organiser="U1", cohosts=("U3",), invitees=("U2",))
    assert meeting.host_url and meeting.host_url != meeting.join_url
    for host in ("U1", "U3"):
        message = only(await run(f"link {meeting.id}", services, user=host))
        assert message.audience is Audience.REQUESTER
        assert [b.url for b in message.buttons] == [meeting.host_url]
        assert "Keep it to yourself" in message.text
    for viewer in ("U2", "U4"):
        message = only(await run(f"link {meeting.id}", services, user=viewer))
        assert message.audience is Audience.REQUESTER
        assert [b.url for b in message.buttons] == [meeting.join_url] and meeting.host_url not in repr(message)




async def test_clickmeeting_link_is_a_personal_sign_in_for_the_callers_email_and_role(
    services: Services, storage: Storage, clickmeeting: FakeClickMeeting
) -> None:
    room = clickmeeting.add_conference({"name": "Webinar", "room_type": "webinar", "permanent_room": "1",
                                        "access_type": "1"})
    meeting = await add(storage, provider="clickmeeting", title="Webinar", organiser="U1", invitee_ids=["U2"],
                  room_id=str(room["id"]), join_url=room["room_url"], provider_data={"access_type": 1})

    host = only(await run(f"link {meeting.id}", services, user="U1"))
    member = only(await run(f"link {meeting.id}", services, user="U2"))
    made = clickmeeting.requests_to(f"/v1/conferences/{room['id']}/room/autologin_hash")
    assert [(dict(r.form)["email"], dict(r.form)["role"]) for r in made] == [
        ("ada@example.com", "host"), ("bob@example.com", "listener")]
    for message, email, role in ((host, "ada@example.com", "host"), (member, "bob@example.com", "listener")):
        [button] = message.buttons
        assert button.url and button.url.startswith(f"{room['room_url']}?l=")
        login = clickmeeting.autologins[button.url.split("?l=", 1)[1]]
        assert (login["email"], login["role"]) == (email, role)
        assert f"signs you in as {email}" in message.text and message.audience is Audience.REQUESTER
    assert "host link" in host.text and "host link" not in member.text

    no_mail = only(await run(f"link {meeting.id}", services, user="U4"))
    assert [b.url for b in no_mail.buttons] == [room["room_url"]] and "shared link" in no_mail.text
    assert len(clickmeeting.requests_to(f"/v1/conferences/{room['id']}/room/autologin_hash")) == 2


async def test_link_of_an_invite_only_meeting_needs_an_invitation(services: Services, storage: Storage) -> None:
    private = await add(storage, channel=None, organiser="U3", invitee_ids=["U2"])
    assert "invite-only" in (await run(f"link {private.id}", services, user="U4")).text
    assert [b.url for b in only(await run(f"link {private.id}", services, user="U2")).buttons] == [private.join_url]
    await storage.meetings.cancel("T1", private.id)
    assert "was cancelled" in (await run(f"link {private.id}", services, user="U2")).text
