"""Airmeet: the speakers meetbot added to each event, and the exports still being prepared.

Self-contained: two new tables, nothing else touched.

Revision ID: 0005_airmeet_exports
Revises: 0004_ready_key_canary
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0005_airmeet_exports"
down_revision: str | None = "0004_ready_key_canary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "airmeetspeaker",
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("event_id", AutoString(), nullable=False),
        sa.Column("email", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "event_id", "email"),
    )
    op.create_table(
        "airmeetexport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("user_id", AutoString(), nullable=False),
        sa.Column("event_id", AutoString(), nullable=False),
        sa.Column("account_name", AutoString(), nullable=True),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("target_id", AutoString(), nullable=False),
        sa.Column("title", AutoString(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_airmeetexport_team_id", "airmeetexport", ["team_id"])
    op.create_index("ix_airmeetexport_due", "airmeetexport", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_airmeetexport_due", table_name="airmeetexport")
    op.drop_index("ix_airmeetexport_team_id", table_name="airmeetexport")
    op.drop_table("airmeetexport")
    op.drop_table("airmeetspeaker")
