"""Listing in SQL: ``meeting.ends_at`` and a ``meetingparticipant`` row per person and role.

``/meeting list`` used to load a team's every meeting, compute the end and search the JSON id
lists in Python. Existing rows are filled here: ends_at = starts_at + duration, and one
participant row for the organiser, each co-host and each invitee (from the JSON lists, which
are plain text, so no key is needed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

BATCH = 1000

meeting = sa.table(
    "meeting",
    sa.column("id", AutoString()),
    sa.column("team_id", AutoString()),
    sa.column("starts_at", UTCDateTime()),
    sa.column("duration_minutes", sa.Integer()),
    sa.column("organiser_id", AutoString()),
    sa.column("cohost_ids", AutoString()),
    sa.column("invitee_ids", AutoString()),
    sa.column("ends_at", UTCDateTime()),
)
participant = sa.table(
    "meetingparticipant",
    sa.column("meeting_id", AutoString()),
    sa.column("user_id", AutoString()),
    sa.column("role", AutoString()),
    sa.column("team_id", AutoString()),
)


def upgrade() -> None:
    op.add_column("meeting", sa.Column("ends_at", UTCDateTime(), nullable=True))
    op.create_index("ix_meeting_team_status_start_end", "meeting", ["team_id", "status", "starts_at", "ends_at"])
    op.create_index("ix_meeting_team_channel_status_start_end", "meeting",
                    ["team_id", "channel_id", "status", "starts_at", "ends_at"])
    op.create_table(
        "meetingparticipant",
        sa.Column("meeting_id", AutoString(), nullable=False),
        sa.Column("user_id", AutoString(), nullable=False),
        sa.Column("role", AutoString(), nullable=False),
        sa.Column("team_id", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", "role"),
    )
    op.create_index("ix_meetingparticipant_team_user", "meetingparticipant", ["team_id", "user_id", "meeting_id"])
    fill_existing_rows(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        # Fresh statistics: without them the planner guesses one row per table and runs "involving
        # U1" as a nested loop (15 s over 30,000 meetings instead of 20 ms). Autovacuum keeps them.
        op.execute("ANALYZE meeting")
        op.execute("ANALYZE meetingparticipant")


def fill_existing_rows(connection: sa.Connection) -> None:
    rows = connection.execute(sa.select(meeting.c.id, meeting.c.team_id, meeting.c.starts_at,
                                        meeting.c.duration_minutes, meeting.c.organiser_id,
                                        meeting.c.cohost_ids, meeting.c.invitee_ids)).all()
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        connection.execute(
            meeting.update().where(meeting.c.id == sa.bindparam("meeting_id")).values(ends_at=sa.bindparam("end")),
            [{"meeting_id": row.id, "end": row.starts_at + timedelta(minutes=row.duration_minutes)} for row in chunk],
        )
        people = [
            {"meeting_id": row.id, "user_id": user, "role": role, "team_id": row.team_id}
            for row in chunk
            for user, role in dict.fromkeys(
                [(row.organiser_id, "organiser")]
                + [(user, "cohost") for user in json.loads(row.cohost_ids or "[]")]
                + [(user, "invitee") for user in json.loads(row.invitee_ids or "[]")]
            )
        ]
        if people:
            connection.execute(participant.insert(), people)


def downgrade() -> None:
    op.drop_table("meetingparticipant")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_index("ix_meeting_team_channel_status_start_end")
        batch.drop_index("ix_meeting_team_status_start_end")
        batch.drop_column("ends_at")
