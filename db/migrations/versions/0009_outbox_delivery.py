"""The outbox (issue 9): every bot post is a row, claimed with a short lease and posted paced per
channel; the per-channel pacing shared by replicas; the reminder claim index gains lease_until.

Self-contained: it creates its own two tables and swaps one index of ``reminder``; nothing else.

Revision ID: 0009_outbox_delivery
Revises: 0008_idempotency
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from db.crypto import Encrypted

revision = "0009_outbox_delivery"
down_revision: str | None = "0008_idempotency"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("channel", AutoString(), nullable=False),
        sa.Column("idem_key", AutoString(), nullable=False),
        sa.Column("payload", Encrypted(), nullable=False),
        sa.Column("purpose", AutoString(), nullable=True),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("lease_owner", AutoString(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("ts", AutoString(), nullable=True),
        sa.Column("error", AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "idem_key", name="uq_outboxmessage_idem"),
    )
    op.create_index("ix_outbox_claim", "outboxmessage", ["status", "not_before", "lease_until"])
    op.create_index("ix_outbox_channel", "outboxmessage", ["team_id", "channel", "status", "lease_until"])
    op.create_table(
        "channelpace",
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("channel", AutoString(), nullable=False),
        sa.Column("next_post_at", UTCDateTime(), nullable=False),
        sa.Column("stopped", AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("team_id", "channel"),
    )
    op.drop_index("ix_reminder_due", table_name="reminder")
    op.create_index("ix_reminder_claim", "reminder", ["status", "due_at", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_reminder_claim", table_name="reminder")
    op.create_index("ix_reminder_due", "reminder", ["status", "due_at"])
    op.drop_table("channelpace")
    op.drop_index("ix_outbox_channel", table_name="outboxmessage")
    op.drop_index("ix_outbox_claim", table_name="outboxmessage")
    op.drop_table("outboxmessage")
