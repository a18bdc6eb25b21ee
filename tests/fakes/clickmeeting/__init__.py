"""A loopback ClickMeeting REST API (``/v1``) that checks what seed 002 and the official clients say.

    fake = FakeClickMeeting(api_key="k")
    with serve(fake.app) as url:                       # adapter endpoint: url + "/v1"
        session_id = fake.add_session(room_id, attendees=[{"email": "ann@example.com", "role": "host"}])
        fake.faults.add(Fault(status=500), path="/v1/conferences")
        ...
        assert fake.conferences[room_id]["access_type"] == 2

What it enforces:
- ``X-Api-Key`` on every call, else 401 with the error body the Go client decodes
  (``{"code": 401, "name": "Unauthorized", "errors": [{"name": ..., "message": ...}]}``; the messages
  are ours, the shape is ClickMeeting's). Paths may end in ``.json`` (the official clients always
  add it) or nothing (JSON is the default); another format suffix answers 501, as we speak JSON only.
- POST/PUT bodies must be ``application/x-www-form-urlencoded`` (the file upload: ``multipart/form-data``
  with the field ``uploaded``) and are read with PHP's nesting rules (``a[b]``, ``a[]``, ``a[][c]``, ``a[0][c]``).
- Required fields per the seed: name, room_type, permanent_room, access_type (and password for
  access_type 2) to create; permanent_room with starts_at/duration on edit; how_many 1..1000 (and at
  most 4x the attendee limit per room, token rooms only); email, nickname, role (plus the right
  password or an issued token) for auto-login; attendees[][email] for invitations; email, firstname,
  lastname for contacts; registration[1..3] for a registration (registration must be enabled).
  Validation failures answer 422 with the documented body naming the field.
- State: conferences (paginated 250 per page), tokens, auto-login hashes, invitations, sessions
  with attendees (seeded by tests), PDF reports that go NEW -> IN PROGRESS -> FINISHED over successive
  polls (``fail_pdf_reports`` makes them FAILED), registrations, contacts, files, recordings, chats.
- Answers have the shapes of the real bodies in specs/clickmeeting/teachbase_fixtures.
"""

from __future__ import annotations

from tests.fakes.clickmeeting.access import AccessFake
from tests.fakes.clickmeeting.account import AccountFake
from tests.fakes.clickmeeting.conferences import ConferencesFake
from tests.fakes.clickmeeting.library import LibraryFake
from tests.fakes.clickmeeting.sessions import SessionsFake
from tests.fakes.clickmeeting.wire import error_body, parse_php_form


__all__ = ["FakeClickMeeting", "error_body", "parse_php_form"]


class FakeClickMeeting(ConferencesFake, AccessFake, SessionsFake, AccountFake, LibraryFake):
    """State lives in plain dicts a test can read: ``conferences``, ``tokens``, ``sessions``, ``files``, ..."""
