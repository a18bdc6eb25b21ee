"""Pacing state shared by every replica through the database: each channel's next turn, each workspace's budget.

    budgets = workspace_budgets(session, {"T1"}, now=now, pacing=Pacing())   # (locked row, messages allowed now)
    pace_channels(session, {("T1", "C1"): now + Pacing().per_channel})       # never moves a turn earlier
    [free] = lanes_free(session, [("T1", entries, now)])                     # channels that may go at once

The outbox (db/repos/outbox.py) calls these inside its own transactions; a ``ChannelPace`` row with
``channel="*"`` (``WORKSPACE``) holds a workspace's budget and, when Slack refused its token, why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, literal, tuple_, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session
from sqlmodel import col, select

from db import models
from db.records import OutboxEntry, utc
from db.repos.base import chunks, dialect_of

P = models.ChannelPace
O = models.OutboxMessage
WORKSPACE = "*"  # the ChannelPace row holding a workspace's budget and its stop


@dataclass(frozen=True)
class Pacing:
    """How fast one channel and one workspace may be posted to.

    Slack's chat.postMessage allows about one message per second per channel; ``per_channel`` is a
    little more, so network jitter does not put two posts closer than that at Slack. The workspace budget is an
    assumption (Slack publishes no number for it): ``per_workspace`` messages a second, with a
    burst of one second's worth.
    """

    per_channel: timedelta = timedelta(seconds=1.05)
    per_workspace: float = 200.0
    lease: timedelta = timedelta(seconds=30)
    limit: int = 500  # rows per claim
    # A channel's next message is claimed up to this long before its turn and held until then
    # (``OutboxItem.post_at``): otherwise every message of a busy channel would also wait for the
    # worker to notice its turn and for a claim round, and those waits add up over 50 messages.
    ahead: timedelta = timedelta(seconds=0.5)

    @property
    def workspace_step(self) -> timedelta:
        return timedelta(seconds=1 / self.per_workspace)


def channel_turns(session: Session, channels: set[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
    """Each (team, channel)'s ``next_post_at``, where it has one."""
    turns: dict[tuple[str, str], datetime] = {}
    for chunk in chunks(sorted(channels), 500):
        for team_id, channel, at in session.execute(
                sa_select(col(P.team_id), col(P.channel), col(P.next_post_at))
                .where(tuple_(col(P.team_id), col(P.channel)).in_(chunk))):
            turns[(team_id, channel)] = utc(at)
    return turns


def workspace_budgets(session: Session, teams: set[str], *, now: datetime,
                       pacing: Pacing) -> dict[str, tuple[models.ChannelPace, int]]:
    """Each workspace's budget row (locked) and how many messages it may send now (GCRA, a burst of
    one second's worth). A workspace whose row another replica holds is left out of this claim."""
    rows = session.scalars(
        select(P).where(col(P.team_id).in_(sorted(teams)), P.channel == WORKSPACE).with_for_update(skip_locked=True)
    )
    step, burst = pacing.workspace_step, timedelta(seconds=1)
    budgets = {}
    for row in rows:
        theoretical = max(utc(row.next_post_at), now)
        budgets[row.team_id] = (row, max(0, int((now + burst - theoretical) / step)))
    return budgets


def pace_channels(session: Session, channels: dict[tuple[str, str], datetime]) -> None:
    """Each (team, channel)'s next post not before its time (never earlier than it already was); an
    upsert, so two replicas pacing a new channel at once do not collide."""
    if not channels:
        return
    # One statement with a list of rows (executemany): compiled once and cached, where a VALUES
    # list of varying length was compiled anew for every batch size. Sorted: replicas upserting
    # the same channels take their locks in one order.
    statement: Any = dialect_of(session).insert(P)
    later = case((col(P.next_post_at) < statement.excluded.next_post_at, statement.excluded.next_post_at),
                 else_=col(P.next_post_at))
    session.execute(statement.on_conflict_do_update(index_elements=["team_id", "channel"],
                                                    set_={"next_post_at": later}),
                    [{"team_id": team_id, "channel": channel, "next_post_at": until}
                     for (team_id, channel), until in sorted(channels.items())])


def lanes_free(session: Session, asks: Sequence[tuple[str, Sequence[OutboxEntry], datetime]]) -> list[set[str]]:
    """``Outbox.free_lanes`` for each (team_id, entries, now) in ``session``: one statement listing why
    a lane is not free, as (reason, team, channel or key) rows. Pacing is compared with the earliest
    ask's clock: a lane whose turn falls between two asks counts as paced, and its message is queued."""
    teams = sorted({team_id for team_id, _, _ in asks})
    lanes = sorted({entry.channel for _, entries, _ in asks for entry in entries})
    keys = sorted({entry.idem_key for _, entries, _ in asks for entry in entries})
    earliest = min(now for _, _, now in asks)
    reasons = union_all(
        sa_select(literal("stopped"), col(P.team_id), col(P.channel)).where(
            col(P.team_id).in_(teams), col(P.channel) == WORKSPACE, col(P.stopped).is_not(None)),
        sa_select(literal("known"), col(O.team_id), col(O.idem_key)).where(
            col(O.team_id).in_(teams), col(O.idem_key).in_(keys)),
        sa_select(literal("busy"), col(O.team_id), col(O.channel)).where(
            col(O.team_id).in_(teams), col(O.channel).in_(lanes), col(O.status) == "pending"),
        sa_select(literal("paced"), col(P.team_id), col(P.channel)).where(
            col(P.team_id).in_(teams), col(P.channel).in_(lanes), col(P.next_post_at) > earliest),
    )
    stopped: set[str] = set()
    known: set[tuple[str, str]] = set()
    taken: dict[str, set[str]] = defaultdict(set)  # team -> its busy or paced lanes
    for reason, team_id, name in session.execute(reasons):
        if reason == "stopped":
            stopped.add(team_id)
        elif reason == "known":
            known.add((team_id, name))
        else:
            taken[team_id].add(name)
    answers: list[set[str]] = []
    for team_id, entries, _ in asks:
        if team_id in stopped or any((team_id, entry.idem_key) in known for entry in entries):
            answers.append(set())  # a replay goes through the queue, which posts a key once
        else:
            answers.append({entry.channel for entry in entries} - taken[team_id])
    return answers
