"""The key canary: one encrypted known value that /readyz decrypts to prove the configured keys
open what is stored. Self-contained (a new table only); no data migration: /readyz plants the
row on its first check, after checking existing secrets.

Revision ID: 0004_ready_key_canary
Revises: 0003_tokens
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

from db.crypto import Encrypted

revision = "0004_ready_key_canary"
down_revision: str | None = "0003_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keycanary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", Encrypted(), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("keycanary")
