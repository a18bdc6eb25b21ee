"""A loopback Roomful: REST sign-in plus a socket.io server (python-socketio 4.x, Engine.IO 3).

    fake = FakeRoomful(email="bot@acme.test", password="pw", network="acme")
    with serve(fake.app) as base_url:                     # socket.io at {base_url}/socket/
                                                          # (or serve(switch) and switch.fake = fake)
        ...adapter calls...
        assert fake.rpcs_to("meeting:createMeeting")[-1].payload["event"]["id"]
        fake.fail_next("meeting:getMeeting", code=705)    # the next getMeeting answers 705
        fake.delay_next("meeting:getMeeting", 2.0)        # ... or acks two seconds late
        await fake.drop_connections()                     # every socket loses its transport
        fake.delete_source(room_id)                       # its meetings turn isValid: false

It behaves the way specs/roomful/NOTES.md and the meeting API document describe:
- ``POST /api/v1/auth/signin`` checks email, password and ``X-Network`` (or ``?networkId=``); a failure
  is HTTP 400 (what Roomful documents for a failed login) with the ``error`` object.
- A socket without ``sessionId`` is refused. One with an unknown or expired session connects but never
  gets ``user_info`` and is answered 401 on every RPC, as the real server does. A second socket with
  the same session gets ``user_info`` and the older one is sent ``invalidConnection``.
- Every current meeting RPC keeps state: meetings with per-user request status, availability per user
  (explicit days and the weekly pattern), and free time slots computed from both.
- Requests must carry ``{"data": {...}, "event": {"id", "date"}}``; missing or badly encoded fields are
  answered with the ``error`` object. Codes the document lists are used where they fit (705, 401, 1021).
  ASSUMPTION: for a malformed request (400) and an unknown meeting (404) Roomful documents no code, so
  the fake invents HTTP-like ones, as Roomful's 401 is; the adapter must not rely on more than "failed".
- ``meeting:updateMeeting`` replaces the meeting: invitees, description and color not sent are gone.
  ASSUMPTION: ``sourceType``, when sent, must be the meeting's own (a meeting does not change place).
- ``meeting:onMeeting*`` pushes go to the network's other sockets (the document does not say the
  caller gets its own, so it does not).
- RPC faults use the shared switchboard with ``method=RPC`` and the event name as ``path``:
  ``status`` is the error code (``body`` its message), ``delay`` holds the ack back, ``malformed`` acks
  a bare string, ``after_handling`` changes state before failing.
"""

from __future__ import annotations

from tests.fakes.roomful.availability import AvailabilityFake
from tests.fakes.roomful.meetings import MeetingsFake
from tests.fakes.roomful.wire import RecordedRpc


__all__ = ["FakeRoomful", "RecordedRpc"]


class FakeRoomful(MeetingsFake, AvailabilityFake):
    """Roomful's sign-in and meeting socket API, with state, validation and switchable faults."""
