"""Roomful socket: session acceptance, RPC error codes, timeouts, pushes and reconnects."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
import socketio

from providers.base import CachedToken, MemoryTokenCache
from providers.errors import AuthFailed, NotFound, RateLimited, Rejected, Unavailable
from providers.roomful import MeetingEvent
from tests.fakes.server import Fault
from tests.support.eventually import eventually
from tests.support.policy import SHORT_TIMEOUT
from tests.unit.providers.roomful.support import START, meeting_request


async def test_session_never_accepted_is_auth_failed(fake, make):
    fake.accept_sessions = False  # sign-in works, the socket connects, user_info never comes
    started = time.monotonic()
    with pytest.raises(AuthFailed) as caught:
        await make(policy=SHORT_TIMEOUT).verify()
    assert "session not accepted" in caught.value.raw
    assert time.monotonic() - started < 2  # bounded by the policy timeout


async def test_cached_session_is_reused_without_signing_in(fake, make):
    cache = MemoryTokenCache()
    first = make(token_cache=cache)
    await first.verify()
    await first.aclose()  # one adapter per command: the next one picks the session up from the cache
    assert cache.token is not None

    second = make(token_cache=cache)
    await second.list_meetings(start=START, end=START + timedelta(days=1))
    assert len(fake.signins()) == 1
    assert fake.connections[-1].query["sessionId"] == cache.token.value


async def test_dead_cached_session_is_replaced_by_a_fresh_sign_in(fake, make):
    cache = MemoryTokenCache(CachedToken(value="dead-session", expires_at=datetime.now(UTC) + timedelta(hours=1)))
    adapter = make(token_cache=cache)

    assert await adapter.list_meetings(start=START, end=START + timedelta(days=1)) == []
    assert [c.query["sessionId"] for c in fake.connections][0] == "dead-session"
    assert len(fake.signins()) == 1
    assert cache.token.value != "dead-session" and cache.token.value in fake.sessions


async def test_socket_without_session_id_is_refused_by_the_fake(fake):
    client = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(fake.base_url, transports=["websocket"], socketio_path="socket")
    await client.disconnect()


# --- RPC errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message", "error_type"),
    [
        (1021, "User not found", Rejected),
        (404, "Meeting not found", NotFound),
        (500, "Internal server error", Unavailable),
        (1234, "Meeting is locked", Rejected),
    ],
)
async def test_error_object_becomes_typed_error_with_raw_message(fake, make, code, message, error_type):
    adapter = make()
    created = await adapter.create_room(meeting_request())
    fake.fail_next("meeting:getMeeting", code=code, message=message)
    with pytest.raises(error_type) as caught:
        await adapter.get_meeting(created.room_id)
    assert caught.value.raw == f"{code}: {message}"
    assert len(fake.rpcs_to("meeting:getMeeting")) == 1  # none of these is retried


async def test_too_frequent_705_is_retried_then_rate_limited(fake, make):
    adapter = make()
    created = await adapter.create_room(meeting_request())

    fake.fail_next("meeting:getMeeting", code=705)
    assert (await adapter.get_meeting(created.room_id)).meeting_id == created.room_id  # retried once

    for _ in range(3):
        fake.fail_next("meeting:getMeeting", code=705)
    with pytest.raises(RateLimited) as caught:
        await adapter.get_meeting(created.room_id)
    assert caught.value.raw == "705: Too frequent request"
    assert len(fake.rpcs_to("meeting:getMeeting")) == 2 + 3


async def test_unknown_invitee_is_rejected_with_1021(fake, make):
    with pytest.raises(Rejected) as caught:
        await make().create_room(meeting_request(invited_user_ids=["nobody"]))
    assert caught.value.raw == "1021: User not found"
    assert caught.value.field == "user"
    assert fake.meetings == {}


async def test_ack_timeout_is_unavailable(fake, make):
    adapter = make(policy=SHORT_TIMEOUT)
    await adapter.verify()
    fake.delay_next("meeting:listUserMeetings", 1.5)
    started = time.monotonic()
    with pytest.raises(Unavailable) as caught:
        await adapter.list_meetings(start=START, end=START + timedelta(days=1))
    assert time.monotonic() - started < 1.2
    assert "no answer within 0.5s" in caught.value.raw


async def test_malformed_ack_is_unavailable(fake, make):
    adapter = make()
    fake.faults.add(Fault(malformed=True), path="meeting:listUserMeetings", method="RPC")
    with pytest.raises(Unavailable):
        await adapter.list_meetings(start=START, end=START + timedelta(days=1))


async def test_session_rejected_mid_connection_401_signs_in_again_and_retries(fake, make):
    adapter = make()
    await adapter.verify()
    fake.expire_sessions()  # the socket stays open; the server now answers 401

    assert await adapter.list_meetings(start=START, end=START + timedelta(days=1)) == []
    assert len(fake.signins()) == 2
    listed = fake.rpcs_to("meeting:listUserMeetings")
    assert [r.user_id for r in listed] == [None, fake.owner_id]  # refused, then served


# --- pushes ---------------------------------------------------------------------------------------


async def test_meeting_pushes_reach_the_registered_callback(fake, make):
    guest_id = fake.add_user("guest@acme.test", password="pw")
    organizer, guest = make(), make(email="guest@acme.test", password="pw")
    received: asyncio.Queue[MeetingEvent] = asyncio.Queue()
    own: list[MeetingEvent] = []
    guest.on_meeting_event(received.put)  # an async callback
    organizer.on_meeting_event(own.append)  # a plain one
    await guest.verify()

    created = await organizer.create_room(meeting_request(invited_user_ids=[guest_id]))
    event = await asyncio.wait_for(received.get(), 2)
    assert (event.kind, event.meeting_id) == ("created", created.room_id)
    assert event.meeting.participant_ids == (fake.owner_id, guest_id)

    await organizer.update_meeting(created.room_id, subject="Retro")
    event = await asyncio.wait_for(received.get(), 2)
    assert (event.kind, event.meeting.subject) == ("updated", "Retro")

    await organizer.delete_room(created.room_id)
    event = await asyncio.wait_for(received.get(), 2)
    assert (event.kind, event.meeting_id, event.meeting) == ("deleted", created.room_id, None)
    assert own == []  # Roomful's document does not promise the caller its own pushes


async def test_unsubscribed_callback_gets_nothing(fake, make):
    listener, organizer = make(), make()
    seen: list[MeetingEvent] = []
    unsubscribe = listener.on_meeting_event(seen.append)
    await listener.verify()
    unsubscribe()
    await organizer.create_room(meeting_request())
    await asyncio.sleep(0.1)
    assert seen == []


# --- reconnects --------------------------------------------------------------------------------------


async def test_reconnects_after_the_server_drops_the_connection(fake, make):
    adapter = make()
    seen: list[MeetingEvent] = []
    adapter.on_meeting_event(seen.append)
    await adapter.verify()

    assert await fake.drop_connections() == 1
    await eventually(lambda: len(fake.connections) == 2 and len(fake.live_sockets()) == 1)
    assert fake.connections[1].query["sessionId"] == fake.connections[0].query["sessionId"]
    assert len(fake.signins()) == 1  # the session was still good

    other = make()  # pushes flow again on the new socket
    created = await other.create_room(meeting_request())
    await eventually(lambda: [e.meeting_id for e in seen] == [created.room_id])
    assert (await adapter.get_meeting(created.room_id)).subject == "Standup"


async def test_call_right_after_a_drop_succeeds(fake, make):
    adapter = make()
    await adapter.verify()
    await fake.drop_connections()
    await asyncio.sleep(0)  # let the client notice
    assert await adapter.list_meetings(start=START, end=START + timedelta(days=1)) == []


async def test_reconnect_with_an_expired_session_signs_in_again(fake, make):
    adapter = make(policy=SHORT_TIMEOUT)  # the expired session's user_info never comes: waited for this long
    await adapter.verify()
    fake.expire_sessions()
    await fake.drop_connections()
    await eventually(lambda: len(fake.live_sockets()) == 1, timeout=3)
    assert len(fake.signins()) == 2
    assert await adapter.list_meetings(start=START, end=START + timedelta(days=1)) == []


async def test_invalid_connection_moves_the_adapter_to_its_own_session(fake, make):
    cache = MemoryTokenCache()
    first = make(token_cache=cache)
    await first.verify()
    shared = cache.token.value

    second = make(token_cache=cache)  # opens a socket with the same session: the first is told
    await second.list_meetings(start=START, end=START + timedelta(days=1))
    await eventually(lambda: len(fake.live_sockets()) == 2)

    assert await first.list_meetings(start=START, end=START + timedelta(days=1)) == []
    assert len(fake.signins()) == 2
    assert cache.token.value == shared  # the first adapter's new session stays private
    tokens = {s.token for s in fake.live_sockets()}
    assert shared in tokens and len(tokens) == 2


async def test_aclose_disconnects_and_stops_reconnecting(fake, make):
    adapter = make()
    await adapter.verify()
    await adapter.aclose()
    await eventually(lambda: fake.sockets == {})
    await fake.drop_connections()
    await asyncio.sleep(0.1)
    assert len(fake.connections) == 1
    with pytest.raises(Unavailable):
        await adapter.list_meetings(start=START, end=START + timedelta(days=1))


async def test_drop_during_a_call_resends_a_read_but_never_a_create(fake, make):
    adapter = make()
    await adapter.verify()

    fake.delay_next("meeting:listUserMeetings", 0.3)
    listing = asyncio.ensure_future(adapter.list_meetings(start=START, end=START + timedelta(days=1)))
    await eventually(lambda: len(fake.rpcs_to("meeting:listUserMeetings")) == 1)
    await fake.drop_connections()
    assert await listing == []
    assert len(fake.rpcs_to("meeting:listUserMeetings")) == 2  # resent on the new socket

    fake.delay_next("meeting:createMeeting", 0.3)
    creating = asyncio.ensure_future(adapter.create_room(meeting_request()))
    await eventually(lambda: len(fake.rpcs_to("meeting:createMeeting")) == 1)
    await fake.drop_connections()
    with pytest.raises(Unavailable) as caught:
        await creating
    assert "dropped before Roomful answered" in caught.value.raw
    await eventually(lambda: len(fake.meetings) == 1)  # Roomful did create it: resending would duplicate
    assert len(fake.rpcs_to("meeting:createMeeting")) == 1
