"""Slack requests already taken on, so a replay or a Slack retry changes nothing twice (issue 11).

Self-contained: one new table, nothing else touched.

Revision ID: 0008_idempotency
Revises: 0007_imports_jobs
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from db.crypto import Encrypted

revision = "0008_idempotency"
down_revision: str | None = "0007_imports_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handledrequest",
        sa.Column("key", AutoString(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", AutoString(), nullable=True),
        sa.Column("body", Encrypted(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_handledrequest_team_id", "handledrequest", ["team_id"])
    op.create_index("ix_handledrequest_expires_at", "handledrequest", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_handledrequest_expires_at", table_name="handledrequest")
    op.drop_index("ix_handledrequest_team_id", table_name="handledrequest")
    op.drop_table("handledrequest")
