"""Slack token rotation and org-wide installs: a workspace row keeps the bot's refresh token
(encrypted) and when its access token expires, and whether it is an Enterprise Grid org-wide
installation (then its key is the enterprise id). Self-contained: three nullable or defaulted columns.

Revision ID: 0006_ops_token_rotation
Revises: 0005_airmeet_exports
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

from db.crypto import Encrypted

revision = "0006_ops_token_rotation"
down_revision: str | None = "0005_airmeet_exports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workspace", sa.Column("bot_refresh_token", Encrypted(), nullable=True))
    op.add_column("workspace", sa.Column("bot_token_expires_at", UTCDateTime(), nullable=True))
    op.add_column("workspace", sa.Column("is_enterprise_install", sa.Boolean(), nullable=False,
                                         server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("is_enterprise_install")
        batch.drop_column("bot_token_expires_at")
        batch.drop_column("bot_refresh_token")
