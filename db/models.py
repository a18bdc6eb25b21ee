"""The tables. Every row belongs to one Slack workspace (``team_id``); secrets use ``Encrypted``.

Datetimes are timezone-aware; SQLModel stores them as UTC and gives them back in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from db.crypto import Encrypted


def utcnow() -> datetime:
    return datetime.now(UTC)


class Workspace(SQLModel, table=True):
    """A Slack workspace that installed the app (OAuth) or the one a bot token belongs to; for an
    Enterprise Grid org-wide install, the organisation (``team_id`` is then its enterprise id)."""

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
    # Token rotation (migration 0004_ops): Slack's refresh token and the access token's expiry.
    bot_refresh_token: str | None = Field(default=None, sa_column=Column(Encrypted, nullable=True))
    bot_token_expires_at: datetime | None = None
    is_enterprise_install: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


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


class KeyCanary(SQLModel, table=True):
    """One known value, encrypted: /readyz decrypts it to prove MEETBOT_SECRET_KEYS opens what is stored."""

    id: int = Field(default=1, primary_key=True)
    value: str = Field(sa_column=Column(Encrypted, nullable=False))
    written_at: datetime = Field(default_factory=utcnow)


class AirmeetSpeaker(SQLModel, table=True):
    """A speaker meetbot added to an Airmeet event: Airmeet's API cannot list them, and a session may
    only name speakers already on its event (seed §4.3), so the session form offers these."""

    team_id: str = Field(primary_key=True)
    event_id: str = Field(primary_key=True)  # the Airmeet event uuid
    email: str = Field(primary_key=True)
    name: str
    added_at: datetime = Field(default_factory=utcnow)


class AirmeetExport(SQLModel, table=True):
    """An Airmeet export (attendance, polls, questions) still being prepared ("try after 5 minutes"):
    the export worker asks again when due and sends the file to ``user_id`` once it is ready."""

    __table_args__ = (Index("ix_airmeetexport_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True)
    user_id: str
    event_id: str  # the Airmeet event uuid
    account_name: str | None = None
    kind: str  # attendance | session_attendance | booth_attendance | polls | questions
    target_id: str = ""  # the session or booth, for those kinds
    title: str = ""  # the event's name as the file and message show it
    status: str = "pending"  # pending | done | failed
    due_at: datetime
    lease_until: datetime | None = None
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class ImportJob(SQLModel, table=True):
    """A bulk CSV import (issue 10): previewed, then queued; a worker leases it and sends its rows.

    ``kind`` names what each row becomes ("airmeet.speaker"), ``target`` where (an Airmeet event
    uuid); re-running a file skips the rows whose ``ImportRow.key`` a job of the same kind and
    target already imported.
    """

    __table_args__ = (Index("ix_importjob_status_lease", "status", "lease_until"),)

    id: str = Field(primary_key=True)
    team_id: str = Field(index=True)
    kind: str
    target: str
    label: str = ""  # what the user called the target (an event's title or id), for messages
    options: str = "{}"  # JSON, e.g. {"add_speakers": true}
    requested_by: str
    channel_id: str | None = None  # where the progress message and the summary go
    status: str = "preview"  # preview | queued | done | cancelled
    lease_until: datetime | None = None
    progress_ts: str | None = None  # the progress message, edited with chat.update
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class ImportRow(SQLModel, table=True):
    """One CSV row of a job: its validated values (JSON), its outcome and the reason of a failure."""

    __table_args__ = (Index("ix_importrow_job_status", "job_id", "status"),
                      Index("ix_importrow_team_key", "team_id", "key"))

    job_id: str = Field(foreign_key="importjob.id", primary_key=True)
    number: int = Field(primary_key=True)  # the row's line in the file (the header is line 1)
    team_id: str
    key: str  # what makes two rows the same thing at the provider (a speaker's e-mail, a booth's name)
    data: str = "{}"  # JSON of the validated row
    # invalid (never sent) | skipped (imported by an earlier job) | pending | sending (in flight,
    # or in doubt after a crash) | done | present (the provider already had it) | failed
    status: str = "pending"
    reason: str | None = None
    attempts: int = 0


class HandledRequest(SQLModel, table=True):
    """A Slack request already taken on (issue 11, finding 1): a repeat of ``key`` gets the first answer.

    ``status`` is None while the first request is still being answered. The answer body is an ack
    (empty, or a modal's field errors), encrypted because it may echo what someone typed.
    """

    key: str = Field(primary_key=True)  # sha256 of the request's identity (bot/http/idempotency.py)
    team_id: str = Field(default="", index=True)
    status: int | None = None
    content_type: str | None = None
    body: str | None = Field(default=None, sa_column=Column(Encrypted, nullable=True))
    expires_at: datetime = Field(index=True)


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
    status: str = "pending"  # pending | sent | failed | stopped | missed (a reminder past the grace)
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
