"""The tables. Every row belongs to one Slack workspace (``team_id``); secrets use ``Encrypted``.

Datetimes are timezone-aware; SQLModel stores them as UTC and gives them back in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.crypto import Encrypted


def utcnow() -> datetime:
    return datetime.now(UTC)


class Workspace(SQLModel, table=True):
    """A Slack workspace that installed the app (OAuth) or the one a bot token belongs to."""

    team_id: str = Field(primary_key=True)
    team_name: str | None = None
    enterprise_id: str | None = None
    bot_token: str | None = Field(default=None, sa_column=Column(Encrypted, nullable=True))
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: str = ""
    installer_user_id: str | None = None
    installed_at: datetime = Field(default_factory=utcnow)
    default_reminders: str = "10m"


class OAuthState(SQLModel, table=True):
    """One-time OAuth ``state`` values, so any replica can finish an install another started."""

    state: str = Field(primary_key=True)
    expires_at: datetime


class ProviderAccount(SQLModel, table=True):
    """A workspace's credentials for one provider account; one per provider is the default."""

    __table_args__ = (UniqueConstraint("team_id", "provider", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True)
    provider: str
    name: str = "default"
    is_default: bool = False
    credentials: str = Field(sa_column=Column(Encrypted, nullable=False))  # JSON
    token_cache: str | None = Field(default=None, sa_column=Column(Encrypted, nullable=True))  # JSON
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Preference(SQLModel, table=True):
    """A default provider for a user or a channel (``scope`` is "user" or "channel")."""

    team_id: str = Field(primary_key=True)
    scope: str = Field(primary_key=True)
    scope_id: str = Field(primary_key=True)
    provider: str


class Meeting(SQLModel, table=True):
    """A room the bot created, with where it was announced. ``id`` is the short id users type."""

    __table_args__ = (
        Index("ix_meeting_team_start", "team_id", "starts_at"),
        # Listing (db/repos/meetings.py): pages come in start order straight from these, and the
        # counts read only the index.
        Index("ix_meeting_team_status_start_end", "team_id", "status", "starts_at", "ends_at"),
        Index("ix_meeting_team_channel_status_start_end", "team_id", "channel_id", "status", "starts_at", "ends_at"),
    )

    id: str = Field(primary_key=True)
    team_id: str = Field(index=True)
    provider: str
    account_name: str | None = None
    title: str
    starts_at: datetime
    duration_minutes: int
    timezone: str
    channel_id: str | None = None
    organiser_id: str
    # The lists as written (order kept); MeetingParticipant holds the same ids for queries.
    cohost_ids: str = "[]"  # JSON list of Slack user ids
    invitee_ids: str = "[]"  # JSON list of Slack user ids
    room_id: str
    join_url: str
    host_url: str | None = Field(default=None, sa_column=Column(Encrypted, nullable=True))
    provider_data: str | None = Field(default=None, sa_column=Column(Encrypted, nullable=True))  # JSON
    announcement_ts: str | None = None
    status: str = "scheduled"  # scheduled | cancelled
    created_at: datetime = Field(default_factory=utcnow)
    # starts_at + duration, stored so "not over yet" is a condition SQL can page on. The
    # repositories always fill it; it stays nullable because making it NOT NULL on SQLite means
    # rebuilding the table under enabled foreign keys (migration 0002 backfills every row).
    ends_at: datetime | None = None


class MeetingParticipant(SQLModel, table=True):
    """Who a meeting involves, one row per person and role, so "involving U1" is an indexed join."""

    __table_args__ = (Index("ix_meetingparticipant_team_user", "team_id", "user_id", "meeting_id"),)

    meeting_id: str = Field(foreign_key="meeting.id", primary_key=True)
    user_id: str = Field(primary_key=True)
    role: str = Field(primary_key=True)  # organiser | cohost | invitee
    team_id: str


class IssuedToken(SQLModel, table=True):
    """The single-use access token a token room (ClickMeeting ``access_type=3``) spent on one person,
    so they get the same one again instead of a new one each time (issue 8, defect 6)."""

    meeting_id: str = Field(foreign_key="meeting.id", primary_key=True)
    user_id: str = Field(primary_key=True)
    team_id: str = Field(primary_key=True)
    token: str = Field(sa_column=Column(Encrypted, nullable=False))
    issued_at: datetime = Field(default_factory=utcnow)


class Reminder(SQLModel, table=True):
    """A reminder due at ``due_at``; the reminder tick leases it, turns it into outbox rows and marks
    it dispatched in the same transaction (or missed, past the grace period)."""

    # lease_until is in the claim index: rows leased by other replicas are skipped from the index
    # alone (issue 9 measured 20-54 ms walking 100,000 leased rows without it).
    __table_args__ = (Index("ix_reminder_claim", "status", "due_at", "lease_until"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True)
    meeting_id: str = Field(foreign_key="meeting.id", index=True)
    due_at: datetime
    offset_minutes: int
    status: str = "pending"  # pending | dispatched | missed | cancelled | failed (sent: before the outbox)
    lease_until: datetime | None = None
    attempts: int = 0
    sent_at: datetime | None = None


class OutboxMessage(SQLModel, table=True):
    """One Slack message to post: every bot post (announcements, DMs, reminders) is a row here, claimed
    by one replica's outbox worker with a short lease, posted paced per channel, and marked sent.

    ``idem_key`` is unique per workspace (a reminder's is ``reminder:<id>:<recipient>``), so building
    the same messages twice queues them once. ``payload`` holds the message (links included): encrypted.
    """

    __table_args__ = (
        UniqueConstraint("team_id", "idem_key", name="uq_outboxmessage_idem"),
        # The claim: pending rows due now whose lease ran out, straight from the index.
        Index("ix_outbox_claim", "status", "not_before", "lease_until"),
        # "Is a message of this channel in flight?" for each candidate channel.
        Index("ix_outbox_channel", "team_id", "channel", "status", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str
    channel: str  # a channel id, or a user id for a DM
    idem_key: str
    payload: str = Field(sa_column=Column(Encrypted, nullable=False))  # JSON, see commands/lifecycle/outbox.py
    purpose: str | None = None  # "announcement:<meeting id>": its ts is stored once posted
    not_before: datetime
    status: str = "pending"  # pending | sent | failed | stopped
    attempts: int = 0
    lease_until: datetime | None = None
    lease_owner: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    ts: str | None = None
    error: str | None = None


class ChannelPace(SQLModel, table=True):
    """When a channel may get its next message, shared by every replica through the database.

    The row with ``channel="*"`` is the workspace's: its ``next_post_at`` is the budget's theoretical
    arrival time (GCRA), and ``stopped`` says why Slack refused the workspace's token (no more posts).
    """

    team_id: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    next_post_at: datetime
    stopped: str | None = None
