"""Access tokens issued per person: a token room (ClickMeeting ``access_type=3``) gives each
invitee and host one single-use token, stored encrypted, and the same one again on asking.

Revision ID: 0003_tokens
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from db.crypto import Encrypted

revision = "0003_tokens"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuedtoken",
        sa.Column("meeting_id", AutoString(), nullable=False),
        sa.Column("user_id", AutoString(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.Column("token", Encrypted(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", "team_id"),
    )


def downgrade() -> None:
    op.drop_table("issuedtoken")
