"""Records: roles, the end time, and secrets kept out of repr."""

from __future__ import annotations

from datetime import timedelta

from db.records import Account, Page
from tests.support.storage import NOW, meeting_record


def test_roles_and_involvement() -> None:
    meeting = meeting_record("T1", organiser="U1", cohost_ids=("U2", "U1"), invitee_ids=("U2", "U3"))
    assert [meeting.role_of(u) for u in ("U1", "U2", "U3", "U4")] == ["organiser", "cohost", "invitee", None]
    assert meeting.involves("U3") and not meeting.involves("U4")
    assert meeting.is_host("U2") and not meeting.is_host("U3")
    assert meeting.host_ids == ("U1", "U2")
    assert meeting.participants() == [("U1", "organiser"), ("U2", "cohost"), ("U1", "cohost"),
                                      ("U2", "invitee"), ("U3", "invitee")]


def test_ends_at_follows_start_and_duration() -> None:
    assert meeting_record("T1", start=NOW, duration_minutes=45).ends_at == NOW + timedelta(minutes=45)


def test_secrets_stay_out_of_repr() -> None:
    account = Account(id=1, team_id="T1", provider="whereby", name="default", is_default=True,
                      credentials={"api_key": "wb-secret"})
    assert "wb-secret" not in repr(account)
    assert "host-secret" not in repr(meeting_record("T1", host_url="https://h/host-secret"))


def test_a_page_knows_whether_more_follow() -> None:
    assert Page(items=(1, 2), total=5, offset=2, limit=2).has_more
    assert not Page(items=(5,), total=5, offset=4, limit=2).has_more
