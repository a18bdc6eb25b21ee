"""ClickMeeting tokens, auto-login and invitations."""

from __future__ import annotations

from typing import Any

import pytest

from providers.clickmeeting import ClickMeetingProvider
from providers.errors import Rejected
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.providers.clickmeeting.support import form_of, last, make_adapter, make_room, request_for


# --- tokens and invitations ---------------------------------------------------------------------------------


async def test_generate_and_list_tokens(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter, access_type=3)
    made = await adapter.generate_tokens(room.room_id, how_many=5)
    assert form_of(last(fake, "POST", f"/v1/conferences/{room.room_id}/tokens.json")) == [("how_many", "5")]
    assert len(made) == 5 and all(t["sent_to_email"] is None and t["first_use_date"] is None for t in made)
    thousand = await adapter.generate_tokens(room.room_id, how_many=1000)
    assert len(thousand) == 1000
    listed = await adapter.tokens(room.room_id)
    assert listed == fake.tokens[int(room.room_id)] and len(listed) == 1005
    assert len({t["token"] for t in listed}) == 1005


@pytest.mark.parametrize("how_many", [0, -1, 1001])
async def test_token_count_is_checked_locally(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider, how_many: int,
) -> None:
    with pytest.raises(Rejected) as caught:
        await adapter.generate_tokens(7, how_many=how_many)
    assert caught.value.field == "how_many" and fake.requests == []


async def test_token_cap_per_room_comes_back_as_rejected(base_url: str, server: Any) -> None:
    small = FakeClickMeeting(api_key="cm-test-key", max_attendees=2)
    server[0].fake = small
    client = make_adapter(base_url)
    try:
        room = await client.create_room(request_for(access_type=3))
        await client.generate_tokens(room.room_id, how_many=8)
        with pytest.raises(Rejected) as caught:
            await client.generate_tokens(room.room_id, how_many=1)
    finally:
        await client.aclose()
    assert caught.value.field == "how_many" and "at most 8" in (caught.value.reason or "")


async def test_send_invitations(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter)
    await adapter.send_invitations(room.room_id, ["a@x.io", "b@x.io"], lang="pl", template="advanced", role="presenter")
    sent = last(fake, "POST", f"/v1/conferences/{room.room_id}/invitation/email/pl.json")
    assert form_of(sent) == [
        ("attendees[][email]", "a@x.io"),
        ("attendees[][email]", "b@x.io"),
        ("template", "advanced"),
        ("role", "presenter"),
    ]
    assert sent.body.startswith(b"attendees%5B%5D%5Bemail%5D=a%40x.io&")
    assert fake.invitations == [
        {
            "room_id": int(room.room_id),
            "lang": "pl",
            "emails": ["a@x.io", "b@x.io"],
            "template": "advanced",
            "role": "presenter",
        }
    ]


async def test_invitations_to_a_token_room_use_up_tokens(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    room = await make_room(adapter, access_type=3)
    await adapter.generate_tokens(room.room_id, how_many=3)
    await adapter.send_invitations(room.room_id, ["c@x.io"])
    assert form_of(last(fake, "POST", f"/v1/conferences/{room.room_id}/invitation/email/en.json")) == [
        ("attendees[][email]", "c@x.io")
    ]
    tokens = await adapter.tokens(room.room_id)
    assert [t["sent_to_email"] for t in tokens] == ["c@x.io", None, None]


async def test_invitation_arguments_are_checked_locally(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    for kwargs, field in (({"template": "fancy"}, "template"), ({"role": "host"}, "role")):
        with pytest.raises(Rejected) as caught:
            await adapter.send_invitations(1, ["a@x.io"], **kwargs)
        assert caught.value.field == field
    with pytest.raises(Rejected):
        await adapter.send_invitations(1, [])
    assert fake.requests == []
