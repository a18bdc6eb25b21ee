"""Typed records the repositories return: plain frozen values, JSON already decoded, secrets hidden from repr.

    meeting = await storage.meetings.get("T1", "k7m2qx")
    meeting.cohost_ids            # ("U2", "U3")  -- a tuple, never a JSON string
    meeting.role_of("U2")         # "cohost"
    account.credentials["api_key"]

Records are what the core holds; the SQLModel rows in db/models.py never leave db/.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from db import models

Role = Literal["organiser", "cohost", "invitee"]
MEETING_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: ids are read aloud and typed

T = TypeVar("T")


def new_meeting_id() -> str:
    """A fresh six-letter meeting id: ``new_meeting_id()`` -> ``"k7m2qx"``."""
    return "".join(secrets.choice(MEETING_ID_ALPHABET) for _ in range(6))


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime; SQLite hands back naive ones (they were stored in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)


@dataclass(frozen=True)
class Workspace:
    """A Slack workspace: ``workspace.bot_token`` is decrypted (and kept out of repr)."""

    team_id: str
    team_name: str | None = None
    enterprise_id: str | None = None
    bot_token: str | None = field(default=None, repr=False)
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: str = ""
    installer_user_id: str | None = None
    installed_at: datetime | None = None
    default_reminders: str = "10m"
    bot_refresh_token: str | None = field(default=None, repr=False)
    bot_token_expires_at: datetime | None = None
    is_enterprise_install: bool = False

    @classmethod
    def from_row(cls, row: models.Workspace) -> Workspace:
        return cls(team_id=row.team_id, team_name=row.team_name, enterprise_id=row.enterprise_id,
                   bot_token=row.bot_token, bot_id=row.bot_id, bot_user_id=row.bot_user_id,
                   bot_scopes=row.bot_scopes, installer_user_id=row.installer_user_id,
                   installed_at=utc_or_none(row.installed_at), default_reminders=row.default_reminders,
                   bot_refresh_token=row.bot_refresh_token, bot_token_expires_at=utc_or_none(row.bot_token_expires_at),
                   is_enterprise_install=bool(row.is_enterprise_install))


@dataclass(frozen=True)
class Account:
    """A provider account: ``Account.credentials`` is the decrypted dict (kept out of repr)."""

    id: int
    team_id: str
    provider: str
    name: str
    is_default: bool
    credentials: dict[str, Any] = field(repr=False, compare=False)
    created_by: str | None = None
    created_at: datetime | None = None

    @classmethod
    def from_row(cls, row: models.ProviderAccount) -> Account:
        assert row.id is not None, "accounts are read after they are stored"
        return cls(id=row.id, team_id=row.team_id, provider=row.provider, name=row.name,
                   is_default=row.is_default, credentials=json.loads(row.credentials),
                   created_by=row.created_by, created_at=utc_or_none(row.created_at))


@dataclass(frozen=True)
class Meeting:
    """A meeting the bot created: ``Meeting(id=new_meeting_id(), team_id="T1", ...)`` to add one."""

    id: str
    team_id: str
    provider: str
    title: str
    starts_at: datetime
    duration_minutes: int
    timezone: str
    organiser_id: str
    room_id: str
    join_url: str
    account_name: str | None = None
    channel_id: str | None = None
    cohost_ids: tuple[str, ...] = ()
    invitee_ids: tuple[str, ...] = ()
    host_url: str | None = field(default=None, repr=False)
    provider_data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    announcement_ts: str | None = None
    status: str = "scheduled"  # scheduled | cancelled
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def host_ids(self) -> tuple[str, ...]:
        """The organiser then the co-hosts, each once."""
        return tuple(dict.fromkeys((self.organiser_id, *self.cohost_ids)))

    def role_of(self, user_id: str) -> Role | None:
        """``"organiser"``, ``"cohost"``, ``"invitee"`` or None; the strongest role wins."""
        if user_id == self.organiser_id:
            return "organiser"
        if user_id in self.cohost_ids:
            return "cohost"
        if user_id in self.invitee_ids:
            return "invitee"
        return None

    def involves(self, user_id: str) -> bool:
        """Whether the user organises, co-hosts or is invited to the meeting."""
        return self.role_of(user_id) is not None

    def is_host(self, user_id: str) -> bool:
        return self.role_of(user_id) in ("organiser", "cohost")

    def participants(self) -> list[tuple[str, Role]]:
        """(user id, role) pairs as the participant table stores them, each pair once."""
        pairs: dict[tuple[str, Role], None] = {(self.organiser_id, "organiser"): None}
        pairs.update(((user, "cohost"), None) for user in self.cohost_ids)
        pairs.update(((user, "invitee"), None) for user in self.invitee_ids)
        return list(pairs)

    @classmethod
    def from_row(cls, row: models.Meeting) -> Meeting:
        return cls(id=row.id, team_id=row.team_id, provider=row.provider, account_name=row.account_name,
                   title=row.title, starts_at=utc(row.starts_at), duration_minutes=row.duration_minutes,
                   timezone=row.timezone, channel_id=row.channel_id, organiser_id=row.organiser_id,
                   cohost_ids=tuple(json.loads(row.cohost_ids)), invitee_ids=tuple(json.loads(row.invitee_ids)),
                   room_id=row.room_id, join_url=row.join_url, host_url=row.host_url,
                   provider_data=json.loads(row.provider_data or "{}"), announcement_ts=row.announcement_ts,
                   status=row.status, created_at=utc(row.created_at))

    def to_row(self) -> models.Meeting:
        return models.Meeting(**self.to_values())

    def to_values(self) -> dict[str, Any]:
        """The meeting table's columns, for an insert on the table (db/repos/meetings.py ``add_many``)."""
        return dict(
            id=self.id, team_id=self.team_id, provider=self.provider, account_name=self.account_name,
            title=self.title, starts_at=self.starts_at, duration_minutes=self.duration_minutes,
            timezone=self.timezone, channel_id=self.channel_id, organiser_id=self.organiser_id,
            cohost_ids=json.dumps(list(self.cohost_ids)), invitee_ids=json.dumps(list(self.invitee_ids)),
            room_id=self.room_id, join_url=self.join_url, host_url=self.host_url,
            provider_data=json.dumps(self.provider_data, default=str), announcement_ts=self.announcement_ts,
            status=self.status, created_at=self.created_at, ends_at=self.ends_at,
        )


@dataclass(frozen=True)
class Reminder:
    """A reminder row: due at ``due_at``, ``offset_minutes`` before its meeting starts."""

    id: int
    team_id: str
    meeting_id: str
    due_at: datetime
    offset_minutes: int
    status: str = "pending"  # pending | dispatched | missed | cancelled | failed
    lease_until: datetime | None = None
    attempts: int = 0
    sent_at: datetime | None = None

    @classmethod
    def from_row(cls, row: models.Reminder) -> Reminder:
        assert row.id is not None, "reminders are read after they are stored"
        return cls(id=row.id, team_id=row.team_id, meeting_id=row.meeting_id, due_at=utc(row.due_at),
                   offset_minutes=row.offset_minutes, status=row.status, lease_until=utc_or_none(row.lease_until),
                   attempts=row.attempts, sent_at=utc_or_none(row.sent_at))


@dataclass(frozen=True)
class DueReminder:
    """A claimed reminder with its meeting (``claim_due`` serves every workspace: the team is on both)."""

    reminder: Reminder
    meeting: Meeting


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: ``page.items``, and ``page.total`` matching rows in all."""

    items: tuple[T, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class AirmeetSpeaker:
    """A speaker meetbot added to an Airmeet event (``event_id`` is Airmeet's uuid)."""

    event_id: str
    email: str
    name: str


@dataclass(frozen=True)
class AirmeetExport:
    """An Airmeet export being prepared: who asked, of what, and when to ask Airmeet again."""

    id: int
    team_id: str
    user_id: str
    event_id: str
    kind: str
    due_at: datetime
    account_name: str | None = None
    target_id: str = ""
    title: str = ""
    status: str = "pending"
    attempts: int = 0

    @classmethod
    def from_row(cls, row: models.AirmeetExport) -> AirmeetExport:
        assert row.id is not None, "exports are read after they are stored"
        return cls(id=row.id, team_id=row.team_id, user_id=row.user_id, event_id=row.event_id, kind=row.kind,
                   due_at=utc(row.due_at), account_name=row.account_name, target_id=row.target_id,
                   title=row.title, status=row.status, attempts=row.attempts)


@dataclass(frozen=True)
class ImportJob:
    """A bulk import: ``ImportJob(id=new_import_id(), team_id="T1", kind="airmeet.speaker", target=uuid, ...)``."""

    id: str
    team_id: str
    kind: str
    target: str
    requested_by: str
    label: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    channel_id: str | None = None
    status: str = "preview"  # preview | queued | done | cancelled
    lease_until: datetime | None = None
    progress_ts: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None

    @classmethod
    def from_row(cls, row: models.ImportJob) -> ImportJob:
        return cls(id=row.id, team_id=row.team_id, kind=row.kind, target=row.target, requested_by=row.requested_by,
                   label=row.label, options=json.loads(row.options or "{}"), channel_id=row.channel_id,
                   status=row.status, lease_until=utc_or_none(row.lease_until), progress_ts=row.progress_ts,
                   created_at=utc(row.created_at), finished_at=utc_or_none(row.finished_at))

    def to_row(self) -> models.ImportJob:
        return models.ImportJob(id=self.id, team_id=self.team_id, kind=self.kind, target=self.target,
                                label=self.label, options=json.dumps(self.options), requested_by=self.requested_by,
                                channel_id=self.channel_id, status=self.status, lease_until=self.lease_until,
                                progress_ts=self.progress_ts, created_at=self.created_at,
                                finished_at=self.finished_at)


def new_import_id() -> str:
    """A fresh import job id (it travels in button values): ``"imp-3f9c…"``."""
    return f"imp-{secrets.token_hex(8)}"


@dataclass(frozen=True)
class ImportRow:
    """One CSV row of a job: ``number`` is its line in the file, ``data`` its validated values."""

    job_id: str
    number: int
    key: str
    data: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"  # invalid | skipped | pending | sending | done | present | failed
    reason: str | None = None
    attempts: int = 0

    @classmethod
    def from_row(cls, row: models.ImportRow) -> ImportRow:
        return cls(job_id=row.job_id, number=row.number, key=row.key, data=json.loads(row.data or "{}"),
                   status=row.status, reason=row.reason, attempts=row.attempts)


@dataclass(frozen=True)
class OutboxEntry:
    """A message to queue: ``OutboxEntry("T1", "C1", "reminder:7:C1", payload_json, not_before=now)``."""

    team_id: str
    channel: str
    idem_key: str
    payload: str = field(repr=False)
    not_before: datetime
    purpose: str | None = None


@dataclass(frozen=True)
class OutboxItem:
    """A claimed outbox row: the worker posts ``payload`` to ``channel`` and reports the outcome."""

    id: int
    team_id: str
    channel: str
    idem_key: str
    payload: str = field(repr=False)
    purpose: str | None
    attempts: int
    not_before: datetime
    status: str = "pending"
    ts: str | None = None
    error: str | None = None
    post_at: datetime | None = None  # claimed ahead of its channel's turn: post at this time, not before

    @classmethod
    def from_row(cls, row: models.OutboxMessage) -> OutboxItem:
        assert row.id is not None, "outbox rows are read after they are stored"
        return cls(id=row.id, team_id=row.team_id, channel=row.channel, idem_key=row.idem_key, payload=row.payload,
                   purpose=row.purpose, attempts=row.attempts, not_before=utc(row.not_before), status=row.status,
                   ts=row.ts, error=row.error)
