"""Roomful adapter: capabilities, links, and the common interface."""

from __future__ import annotations

import pytest

from providers.base import Capability, Endpoints
from providers.errors import NotFound, Rejected
from providers.roomful import RoomfulCredentials, RoomfulProvider
from tests.unit.providers.roomful.support import ROOM_ID, meeting_request


def test_capabilities_and_production_links():
    assert RoomfulProvider.capabilities == {
        Capability.SCHEDULED_ROOM, Capability.CANCEL, Capability.LIST, Capability.PUSH_EVENTS,
    }
    adapter = RoomfulProvider(
        RoomfulCredentials(email="bot@acme.test", password="x", network="acme"), endpoints=Endpoints()
    )
    assert adapter._socket_base == "wss://api.roomful.net"
    room_meeting = _meeting(source_type="room", source_pk=ROOM_ID)
    assert adapter.meeting_link(room_meeting) == f"https://my.roomful.net/#/room/{ROOM_ID}"
    prop_meeting = _meeting(source_type="prop", source_pk="opaque")
    prop_link = adapter.meeting_link(prop_meeting, source_ids=[ROOM_ID, "prop1"])
    assert prop_link == f"https://my.roomful.net/#/room/{ROOM_ID}"
    assert adapter.meeting_link(_meeting(source_type="group", source_pk="g1")) == "https://my.roomful.net/"


def _meeting(*, source_type: str, source_pk: str):
    from providers.roomful.models import parse_meeting as parse

    return parse({"meetingId": "m1", "sourceType": source_type, "sourcePk": source_pk})


async def test_create_without_a_source_is_rejected_before_any_call(fake, make):
    with pytest.raises(Rejected) as caught:
        await make().create_room(meeting_request(source_ids=[]))
    assert caught.value.field == "source_ids"
    assert fake.rpcs == []


async def test_delete_room_tolerates_a_gone_meeting_but_delete_meeting_does_not(fake, make):
    adapter = make()
    created = await adapter.create_room(meeting_request())
    await adapter.delete_room(created.room_id)
    await adapter.delete_room(created.room_id)  # already gone: fine
    assert fake.meetings == {}
    with pytest.raises(NotFound):
        await adapter.delete_meeting(created.room_id)
