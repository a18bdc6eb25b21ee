"""The repository on SQLite and PostgreSQL: encryption at rest, team scoping, reminders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from db.crypto import DecryptError, SecretKeyError, Vault
from db.engine import DatabaseUnavailable, create_schema, make_engine
from db.models import Meeting
from db.repo import Repository, new_meeting_id

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def meeting(team_id: str, *, start: datetime = NOW + timedelta(hours=2), organiser: str = "U1", **extra) -> Meeting:  # type: ignore[no-untyped-def]
    return Meeting(id=new_meeting_id(), team_id=team_id, provider="kmeet", title="Standup", starts_at=start,
                   duration_minutes=30, timezone="UTC", organiser_id=organiser, room_id="r",
                   join_url="https://kmeet.example/r", **extra)


def raw_rows(repo: Repository, sql: str) -> list[tuple]:
    with repo.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_credentials_and_tokens_are_ciphertext_in_the_database(repo: Repository) -> None:
    repo.save_account("T1", provider="whereby", credentials={"api_key": "wb-plaintext-key-123"})
    repo.save_installation("T1", bot_token="xoxb-plain7", bot_id="B1", bot_user_id="UB", bot_scopes="commands")
    stored = raw_rows(repo, "SELECT credentials FROM provideraccount")[0][0]
    token = raw_rows(repo, "SELECT bot_token FROM workspace")[0][0]
    assert "wb-plaintext-key-123" not in stored and "xoxb-plain7" not in token
    assert stored.startswith("gAAAA") and token.startswith("gAAAA")  # Fernet tokens
    assert json.loads(repo.get_account("T1", "whereby").credentials) == {"api_key": "wb-plaintext-key-123"}
    assert repo.get_workspace("T1").bot_token == "xoxb-plain7"


def test_host_links_are_encrypted_too(repo: Repository) -> None:
    repo.add_meeting(meeting("T1", host_url="https://host.example/secret-host"))
    assert "secret-host" not in raw_rows(repo, "SELECT host_url FROM meeting")[0][0]


def test_a_workspace_cannot_read_or_change_another_workspaces_rows(repo: Repository) -> None:
    theirs = repo.add_meeting(meeting("T2", organiser="U9"), reminder_times=[(NOW + timedelta(hours=1), 60)])
    repo.save_account("T2", provider="whereby", credentials={"api_key": "k2"})
    assert repo.get_meeting("T1", theirs.id) is None
    assert repo.cancel_meeting("T1", theirs.id) is False
    assert repo.get_meeting("T2", theirs.id).status == "scheduled"
    assert repo.get_account("T1", "whereby") is None and repo.list_accounts("T1") == []
    assert repo.delete_account("T1", "whereby") == []
    assert repo.get_account("T2", "whereby") is not None
    repo.set_announcement("T1", theirs.id, "123.456")
    assert repo.get_meeting("T2", theirs.id).announcement_ts is None
    assert repo.upcoming_meetings("T1", after=NOW) == []
    assert repo.reminders_for("T1", theirs.id) == []
    repo.forget_workspace("T1")
    assert repo.get_account("T2", "whereby") is not None


def test_first_account_is_default_and_heir_takes_over(repo: Repository) -> None:
    repo.save_account("T1", provider="clickmeeting", credentials={"api_key": "a"}, name="sales")
    repo.save_account("T1", provider="clickmeeting", credentials={"api_key": "b"}, name="support")
    assert repo.get_account("T1", "clickmeeting").name == "sales"
    assert repo.set_default_account("T1", "clickmeeting", "support")
    assert repo.get_account("T1", "clickmeeting").name == "support"
    assert repo.delete_account("T1", "clickmeeting", "support") == ["support"]
    assert repo.get_account("T1", "clickmeeting").is_default


def test_uninstall_forgets_tokens_and_credentials(repo: Repository) -> None:
    repo.save_installation("T1", bot_token="xoxb-1", bot_id="B", bot_user_id="UB", bot_scopes="commands")
    repo.save_account("T1", provider="whereby", credentials={"api_key": "k"})
    repo.forget_workspace("T1")
    assert repo.get_workspace("T1").bot_token is None
    assert repo.list_accounts("T1") == []


def test_reminders_are_claimed_once_and_released_after_their_lease(repo: Repository) -> None:
    m = repo.add_meeting(meeting("T1"), reminder_times=[(NOW + timedelta(minutes=5), 115), (NOW + timedelta(hours=1), 60)])
    assert repo.claim_due_reminders(now=NOW) == []
    first = repo.claim_due_reminders(now=NOW + timedelta(minutes=6), lease=timedelta(minutes=2))
    assert [(r.offset_minutes, mt.id) for r, mt in first] == [(115, m.id)]
    assert repo.claim_due_reminders(now=NOW + timedelta(minutes=7)) == []  # leased
    again = repo.claim_due_reminders(now=NOW + timedelta(minutes=9))  # the lease ran out: retried
    assert [r.attempts for r, _ in again] == [2]
    repo.finish_reminder("T1", again[0][0].id)
    assert repo.claim_due_reminders(now=NOW + timedelta(minutes=30)) == []


def test_cancel_stops_pending_reminders(repo: Repository) -> None:
    m = repo.add_meeting(meeting("T1"), reminder_times=[(NOW + timedelta(minutes=5), 115)])
    assert repo.cancel_meeting("T1", m.id)
    assert [r.status for r in repo.reminders_for("T1", m.id)] == ["cancelled"]
    assert repo.claim_due_reminders(now=NOW + timedelta(hours=1)) == []


def test_upcoming_meetings_filters_and_orders(repo: Repository) -> None:
    late = repo.add_meeting(meeting("T1", start=NOW + timedelta(days=2), channel_id="C1"))
    soon = repo.add_meeting(meeting("T1", start=NOW + timedelta(hours=1), channel_id="C2",
                                    invitee_ids=json.dumps(["U7"])))
    repo.add_meeting(meeting("T1", start=NOW - timedelta(days=1)))  # over
    assert [m.id for m in repo.upcoming_meetings("T1", after=NOW)] == [soon.id, late.id]
    assert [m.id for m in repo.upcoming_meetings("T1", after=NOW, channel_id="C1")] == [late.id]
    assert [m.id for m in repo.upcoming_meetings("T1", after=NOW, involving_user="U7")] == [soon.id]
    assert repo.get_meeting("T1", soon.id).starts_at == NOW + timedelta(hours=1)


def test_oauth_state_is_single_use(repo: Repository) -> None:
    state = repo.issue_oauth_state()
    assert repo.consume_oauth_state(state) is True
    assert repo.consume_oauth_state(state) is False
    assert repo.consume_oauth_state("forged") is False


def test_keys_rotate_newest_first(database_url: str) -> None:
    url = database_url
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    engine = make_engine(url, vault=Vault.from_keys([old]))
    create_schema(engine)
    Repository(engine).save_account("T1", provider="whereby", credentials={"api_key": "k"})
    engine.dispose()
    rotated = Repository(make_engine(url, vault=Vault.from_keys([new, old])))
    assert json.loads(rotated.get_account("T1", "whereby").credentials) == {"api_key": "k"}
    stranger = Repository(make_engine(url, vault=Vault.from_keys([new])))
    with pytest.raises(DecryptError):
        stranger.get_account("T1", "whereby")


def test_malformed_key_is_one_clear_error() -> None:
    with pytest.raises(SecretKeyError, match="key #2 is not a valid Fernet key"):
        Vault.from_setting(Fernet.generate_key().decode() + ",not-a-key")


def test_unreachable_database_is_one_clear_error(vault: Vault) -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none", vault=vault)
    with pytest.raises(DatabaseUnavailable, match="Cannot reach the database at postgresql"):
        create_schema(engine)
    with pytest.raises(DatabaseUnavailable, match="not a database URL"):
        make_engine("nonsense", vault=vault)
