"""The tables as db/models.py defined them before Alembic (what ``create_schema`` used to make).

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from db.crypto import Encrypted

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("team_name", AutoString(), nullable=True),
        sa.Column("enterprise_id", AutoString(), nullable=True),
        sa.Column("bot_token", Encrypted(), nullable=True),
        sa.Column("bot_id", AutoString(), nullable=True),
        sa.Column("bot_user_id", AutoString(), nullable=True),
        sa.Column("bot_scopes", AutoString(), nullable=False),
        sa.Column("installer_user_id", AutoString(), nullable=True),
        sa.Column("installed_at", UTCDateTime(), nullable=False),
        sa.Column("default_reminders", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "oauthstate",
        sa.Column("state", AutoString(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )
    op.create_table(
        "provideraccount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("provider", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("credentials", Encrypted(), nullable=False),
        sa.Column("token_cache", Encrypted(), nullable=True),
        sa.Column("created_by", AutoString(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "provider", "name"),
    )
    op.create_index("ix_provideraccount_team_id", "provideraccount", ["team_id"])
    op.create_table(
        "preference",
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("scope", AutoString(), nullable=False),
        sa.Column("scope_id", AutoString(), nullable=False),
        sa.Column("provider", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "scope", "scope_id"),
    )
    op.create_table(
        "meeting",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("provider", AutoString(), nullable=False),
        sa.Column("account_name", AutoString(), nullable=True),
        sa.Column("title", AutoString(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", AutoString(), nullable=False),
        sa.Column("channel_id", AutoString(), nullable=True),
        sa.Column("organiser_id", AutoString(), nullable=False),
        sa.Column("cohost_ids", AutoString(), nullable=False),
        sa.Column("invitee_ids", AutoString(), nullable=False),
        sa.Column("room_id", AutoString(), nullable=False),
        sa.Column("join_url", AutoString(), nullable=False),
        sa.Column("host_url", Encrypted(), nullable=True),
        sa.Column("provider_data", Encrypted(), nullable=True),
        sa.Column("announcement_ts", AutoString(), nullable=True),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meeting_team_id", "meeting", ["team_id"])
    op.create_index("ix_meeting_team_start", "meeting", ["team_id", "starts_at"])
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("meeting_id", AutoString(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reminder_team_id", "reminder", ["team_id"])
    op.create_index("ix_reminder_meeting_id", "reminder", ["meeting_id"])
    op.create_index("ix_reminder_due", "reminder", ["status", "due_at"])


def downgrade() -> None:
    for table in ("reminder", "meeting", "preference", "provideraccount", "oauthstate", "workspace"):
        op.drop_table(table)
