"""Bulk CSV imports (issue 10): ``importjob`` and its ``importrow`` rows, leased by the import worker.

Self-contained: it creates two new tables and touches no existing one, so the merger may re-chain
it after any other 0004 migration.

Revision ID: 0007_imports_jobs
Revises: 0006_ops_token_rotation
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0007_imports_jobs"
down_revision: str | None = "0006_ops_token_rotation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "importjob",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("target", AutoString(), nullable=False),
        sa.Column("label", AutoString(), nullable=False),
        sa.Column("options", AutoString(), nullable=False),
        sa.Column("requested_by", AutoString(), nullable=False),
        sa.Column("channel_id", AutoString(), nullable=True),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("progress_ts", AutoString(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_importjob_team_id", "importjob", ["team_id"])
    op.create_index("ix_importjob_status_lease", "importjob", ["status", "lease_until"])
    op.create_table(
        "importrow",
        sa.Column("job_id", AutoString(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("key", AutoString(), nullable=False),
        sa.Column("data", AutoString(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("reason", AutoString(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["importjob.id"]),
        sa.PrimaryKeyConstraint("job_id", "number"),
    )
    op.create_index("ix_importrow_job_status", "importrow", ["job_id", "status"])
    op.create_index("ix_importrow_team_key", "importrow", ["team_id", "key"])


def downgrade() -> None:
    op.drop_table("importrow")
    op.drop_table("importjob")
