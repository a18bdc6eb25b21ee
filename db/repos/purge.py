"""Deleting everything a workspace left with us: Slack's ``app_uninstalled`` and ``meetbot purge --team T…``.

    counts = purge_team(session, "T1")      # {"meeting": 3, "reminder": 5, ...}; the caller commits

Table-driven: every table with a ``team_id`` column is emptied of the team's rows, children before
the tables they point at (SQLAlchemy's dependency order), so a table another part of meetbot adds
is purged as soon as it exists. A table holding a team's data under another column name goes in
``TEAM_COLUMNS`` (one line); one that holds no team's data goes in ``NOT_TEAM_DATA``, and a test
fails until every table is one of the three.
"""

from __future__ import annotations

from sqlalchemy import Table, delete
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables on SQLModel.metadata)

TEAM_COLUMNS: dict[str, str] = {}  # table -> its team column, where that is not ``team_id``
# one-time OAuth states exist before any team does; the key canary is the deployment's, not a team's
NOT_TEAM_DATA = frozenset({"oauthstate", "keycanary"})


def team_tables() -> list[tuple[Table, str]]:
    """(table, team column) for every table holding a team's rows, dependants first."""
    found = []
    for model in reversed(SQLModel.metadata.sorted_tables):
        assert isinstance(model, Table)
        name = TEAM_COLUMNS.get(model.name, "team_id")
        if model.name not in NOT_TEAM_DATA and name in model.columns:
            found.append((model, name))
    return found


def purge_team(session: Session, team_id: str) -> dict[str, int]:
    """Delete every row of ``team_id`` in every team table; how many went from each (the caller commits)."""
    counts = {}
    for model, name in team_tables():
        result = session.execute(delete(model).where(model.columns[name] == team_id))
        counts[model.name] = int(result.rowcount)  # type: ignore[attr-defined]
    return counts
