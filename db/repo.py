"""Repository functions: every one takes the Slack team id and touches only that team's rows.

Being replaced: db/storage.py's async repositories (db/repos/) do the same without blocking the
event loop and return typed records; this module stays until its callers are switched.

    repo = Repository(engine)
    repo.save_account("T123", provider="whereby", credentials={"api_key": "..."}, created_by="U1")
    repo.get_meeting("T123", "k7m2qx")      # None for another team's meeting, even with its id

The one cross-team call is ``claim_due_reminders``: the scheduler serves every workspace, and each
claimed row carries its team id onward.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db import records
from db.models import Meeting, OAuthState, Preference, ProviderAccount, Reminder, Workspace, utcnow
from db.records import MEETING_ID_ALPHABET, new_meeting_id  # noqa: F401  (callers import them from here)
from db.repos.meetings import participant_rows


class Repository:
    """All reads and writes, in short transactions of their own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # -- workspaces and installations -------------------------------------------------------

    def get_workspace(self, team_id: str) -> Workspace | None:
        with self.session() as session:
            return session.get(Workspace, team_id)

    def ensure_workspace(self, team_id: str, *, team_name: str | None = None) -> Workspace:
        """The workspace row, created on first sight (single-workspace and console modes)."""
        with self.session() as session:
            workspace = session.get(Workspace, team_id)
            if workspace is None:
                workspace = Workspace(team_id=team_id, team_name=team_name)
                session.add(workspace)
                session.commit()
            return workspace

    def save_installation(
        self,
        team_id: str,
        *,
        bot_token: str,
        bot_id: str | None,
        bot_user_id: str | None,
        bot_scopes: str,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        installer_user_id: str | None = None,
    ) -> None:
        with self.session() as session:
            workspace = session.get(Workspace, team_id) or Workspace(team_id=team_id)
            workspace.bot_token = bot_token
            workspace.bot_id = bot_id
            workspace.bot_user_id = bot_user_id
            workspace.bot_scopes = bot_scopes
            workspace.team_name = team_name or workspace.team_name
            workspace.enterprise_id = enterprise_id
            workspace.installer_user_id = installer_user_id
            workspace.installed_at = utcnow()
            session.add(workspace)
            session.commit()

    def forget_bot_token(self, team_id: str) -> None:
        """``tokens_revoked``: the bot token is useless now; keep everything else."""
        with self.session() as session:
            session.execute(update(Workspace).where(col(Workspace.team_id) == team_id).values(bot_token=None))
            session.commit()

    def forget_workspace(self, team_id: str) -> None:
        """``app_uninstalled``: delete the tokens and every provider credential of the workspace."""
        with self.session() as session:
            session.execute(delete(ProviderAccount).where(col(ProviderAccount.team_id) == team_id))
            session.execute(update(Workspace).where(col(Workspace.team_id) == team_id).values(bot_token=None))
            session.execute(
                update(Reminder)
                .where(col(Reminder.team_id) == team_id, col(Reminder.status) == "pending")
                .values(status="cancelled")
            )
            session.commit()

    def set_default_reminders(self, team_id: str, offsets: str) -> None:
        with self.session() as session:
            workspace = session.get(Workspace, team_id) or Workspace(team_id=team_id)
            workspace.default_reminders = offsets
            session.add(workspace)
            session.commit()

    # -- OAuth state ------------------------------------------------------------------------

    def issue_oauth_state(self, ttl: timedelta = timedelta(minutes=10)) -> str:
        state = secrets.token_urlsafe(24)
        with self.session() as session:
            session.add(OAuthState(state=state, expires_at=utcnow() + ttl))
            session.commit()
        return state

    def consume_oauth_state(self, state: str) -> bool:
        """True once for a live state; used states and expired ones are gone."""
        with self.session() as session:
            row = session.get(OAuthState, state)
            if row is None:
                return False
            session.delete(row)
            session.commit()
            return row.expires_at > utcnow()

    # -- provider accounts ------------------------------------------------------------------

    def save_account(
        self,
        team_id: str,
        *,
        provider: str,
        credentials: dict[str, Any],
        name: str = "default",
        created_by: str | None = None,
    ) -> ProviderAccount:
        """Create or replace an account; the first account of a provider becomes its default."""
        with self.session() as session:
            account = session.exec(
                select(ProviderAccount).where(
                    ProviderAccount.team_id == team_id,
                    ProviderAccount.provider == provider,
                    ProviderAccount.name == name,
                )
            ).first()
            has_default = session.exec(
                select(ProviderAccount).where(
                    ProviderAccount.team_id == team_id,
                    ProviderAccount.provider == provider,
                    col(ProviderAccount.is_default).is_(True),
                )
            ).first()
            if account is None:
                account = ProviderAccount(
                    team_id=team_id, provider=provider, name=name, credentials="{}", is_default=has_default is None
                )
            account.credentials = json.dumps(credentials)
            account.token_cache = None  # new keys, old session tokens are void
            account.created_by = created_by
            session.add(account)
            session.commit()
            return account

    def list_accounts(self, team_id: str, provider: str | None = None) -> list[ProviderAccount]:
        with self.session() as session:
            query = select(ProviderAccount).where(ProviderAccount.team_id == team_id)
            if provider:
                query = query.where(ProviderAccount.provider == provider)
            return list(session.exec(query.order_by(col(ProviderAccount.provider), col(ProviderAccount.name))))

    def get_account(self, team_id: str, provider: str, name: str | None = None) -> ProviderAccount | None:
        """The named account, or the provider's default when ``name`` is None."""
        with self.session() as session:
            query = select(ProviderAccount).where(
                ProviderAccount.team_id == team_id, ProviderAccount.provider == provider
            )
            if name is None:
                query = query.order_by(col(ProviderAccount.is_default).desc(), col(ProviderAccount.id))
            else:
                query = query.where(ProviderAccount.name == name)
            return session.exec(query).first()

    def set_default_account(self, team_id: str, provider: str, name: str) -> bool:
        with self.session() as session:
            accounts = list(
                session.exec(
                    select(ProviderAccount).where(
                        ProviderAccount.team_id == team_id, ProviderAccount.provider == provider
                    )
                )
            )
            if not any(a.name == name for a in accounts):
                return False
            for account in accounts:
                account.is_default = account.name == name
                session.add(account)
            session.commit()
            return True

    def delete_account(self, team_id: str, provider: str, name: str | None = None) -> list[str]:
        """Delete one account (or all of the provider's when ``name`` is None); returns the names gone."""
        with self.session() as session:
            query = select(ProviderAccount).where(
                ProviderAccount.team_id == team_id, ProviderAccount.provider == provider
            )
            if name is not None:
                query = query.where(ProviderAccount.name == name)
            gone = list(session.exec(query))
            for account in gone:
                session.delete(account)
            session.flush()
            if any(a.is_default for a in gone):
                heir = session.exec(
                    select(ProviderAccount)
                    .where(ProviderAccount.team_id == team_id, ProviderAccount.provider == provider)
                    .order_by(col(ProviderAccount.id))
                ).first()
                if heir is not None:
                    heir.is_default = True
                    session.add(heir)
            session.commit()
            return [a.name for a in gone]

    def save_token_cache(self, team_id: str, account_id: int, token_cache: str | None) -> None:
        with self.session() as session:
            session.execute(
                update(ProviderAccount)
                .where(col(ProviderAccount.team_id) == team_id, col(ProviderAccount.id) == account_id)
                .values(token_cache=token_cache)
            )
            session.commit()

    def load_token_cache(self, team_id: str, account_id: int) -> str | None:
        with self.session() as session:
            account = session.exec(
                select(ProviderAccount).where(ProviderAccount.team_id == team_id, ProviderAccount.id == account_id)
            ).first()
            return account.token_cache if account else None

    # -- preferences ------------------------------------------------------------------------

    def set_default_provider(self, team_id: str, *, scope: str, scope_id: str, provider: str) -> None:
        with self.session() as session:
            row = session.get(Preference, (team_id, scope, scope_id)) or Preference(
                team_id=team_id, scope=scope, scope_id=scope_id, provider=provider
            )
            row.provider = provider
            session.add(row)
            session.commit()

    def default_provider(self, team_id: str, *, user_id: str, channel_id: str | None) -> str | None:
        """The user's default, else the channel's, else None."""
        with self.session() as session:
            for scope, scope_id in (("user", user_id), ("channel", channel_id)):
                if scope_id:
                    row = session.get(Preference, (team_id, scope, scope_id))
                    if row is not None:
                        return row.provider
        return None

    # -- meetings and reminders -------------------------------------------------------------

    def add_meeting(self, meeting: Meeting, *, reminder_times: Iterable[tuple[datetime, int]] = ()) -> Meeting:
        """Store a meeting and its reminders (aware due times with their offsets in minutes)."""
        meeting.ends_at = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        with self.session() as session:
            session.add(meeting)
            session.flush()  # the participant rows point at the meeting row
            session.add_all(participant_rows(records.Meeting.from_row(meeting)))
            for due_at, offset_minutes in reminder_times:
                session.add(
                    Reminder(
                        team_id=meeting.team_id,
                        meeting_id=meeting.id,
                        due_at=due_at,
                        offset_minutes=offset_minutes,
                    )
                )
            session.commit()
            return meeting

    def get_meeting(self, team_id: str, meeting_id: str) -> Meeting | None:
        with self.session() as session:
            return session.exec(
                select(Meeting).where(Meeting.team_id == team_id, Meeting.id == meeting_id.lower())
            ).first()

    def upcoming_meetings(
        self,
        team_id: str,
        *,
        after: datetime,
        channel_id: str | None = None,
        involving_user: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[Meeting]:
        """Scheduled meetings ending after ``after``, soonest first."""
        with self.session() as session:
            query = select(Meeting).where(
                Meeting.team_id == team_id,
                Meeting.status == "scheduled",
                col(Meeting.starts_at) >= after - timedelta(hours=24),
            )
            if channel_id:
                query = query.where(Meeting.channel_id == channel_id)
            rows = list(session.exec(query.order_by(col(Meeting.starts_at))))
        rows = [m for m in rows if m.starts_at + timedelta(minutes=m.duration_minutes) > after]
        if involving_user:
            rows = [m for m in rows if involves(m, involving_user)]
        return rows[offset : offset + limit]

    def set_announcement(self, team_id: str, meeting_id: str, ts: str) -> None:
        with self.session() as session:
            session.execute(
                update(Meeting)
                .where(col(Meeting.team_id) == team_id, col(Meeting.id) == meeting_id)
                .values(announcement_ts=ts)
            )
            session.commit()

    def cancel_meeting(self, team_id: str, meeting_id: str) -> bool:
        """Mark cancelled and stop its pending reminders; False when there is no such meeting here."""
        with self.session() as session:
            result = session.execute(
                update(Meeting)
                .where(col(Meeting.team_id) == team_id, col(Meeting.id) == meeting_id)
                .values(status="cancelled")
            )
            session.execute(
                update(Reminder)
                .where(
                    col(Reminder.team_id) == team_id,
                    col(Reminder.meeting_id) == meeting_id,
                    col(Reminder.status) == "pending",
                )
                .values(status="cancelled")
            )
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def reminders_for(self, team_id: str, meeting_id: str) -> list[Reminder]:
        with self.session() as session:
            return list(
                session.exec(
                    select(Reminder)
                    .where(Reminder.team_id == team_id, Reminder.meeting_id == meeting_id)
                    .order_by(col(Reminder.due_at))
                )
            )

    def claim_due_reminders(
        self, *, now: datetime, lease: timedelta = timedelta(minutes=2), limit: int = 50
    ) -> list[tuple[Reminder, Meeting]]:
        """Lease due reminders of every workspace; a replica that dies lets the lease run out.

        PostgreSQL: ``FOR UPDATE SKIP LOCKED`` so replicas never claim the same row.
        SQLite ignores it; there the scheduler runs in one process.
        """
        with self.session() as session:
            reminders = list(
                session.exec(
                    select(Reminder)
                    .where(
                        Reminder.status == "pending",
                        col(Reminder.due_at) <= now,
                        (col(Reminder.lease_until).is_(None)) | (col(Reminder.lease_until) < now),
                    )
                    .order_by(col(Reminder.due_at))
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            claimed = []
            for reminder in reminders:
                reminder.lease_until = now + lease
                reminder.attempts += 1
                session.add(reminder)
                meeting = session.get(Meeting, reminder.meeting_id)
                if meeting is not None:
                    claimed.append((reminder, meeting))
            session.commit()
            return claimed

    def finish_reminder(self, team_id: str, reminder_id: int, *, status: str = "sent") -> None:
        with self.session() as session:
            session.execute(
                update(Reminder)
                .where(col(Reminder.team_id) == team_id, col(Reminder.id) == reminder_id)
                .values(status=status, sent_at=utcnow(), lease_until=None)
            )
            session.commit()


def involves(meeting: Meeting, user_id: str) -> bool:
    """Whether the user organises, co-hosts or is invited to the meeting."""
    return (
        meeting.organiser_id == user_id
        or user_id in json.loads(meeting.cohost_ids)
        or user_id in json.loads(meeting.invitee_ids)
    )
