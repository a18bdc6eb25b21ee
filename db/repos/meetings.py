"""Meetings and who they involve; listings are filtered, counted and paged in SQL.

    meeting = storage.meetings.add(Meeting(id=new_meeting_id(), team_id="T1", ...),
                                         reminder_times=[(due_at, 10)])
    page = storage.meetings.upcoming("T1", after=now, involving_user="U1", limit=10, offset=10)
    page.items, page.total, page.has_more
    channels = storage.meetings.channels("T1", after=now)          # where the upcoming ones are announced
    page = storage.meetings.upcoming("T1", after=now, seen_by=SeenBy("U2", frozenset({"C1"})))
    page = storage.meetings.past("T1", since=now - timedelta(days=30), before=now, cancelled_for="U1")
    storage.meetings.reschedule(moved, was=meeting, reminder_times=[(due_at, 10)])   # /meeting move

Only the rows of the page are read and decrypted: ``ends_at`` and the ``meetingparticipant``
table (migration 0002) turn "not over yet" and "involving U1" into indexed conditions; the index
(team, status, starts_at, ends_at) gives the page in start order without sorting the team's rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, Unpack

from sqlalchemy import ColumnElement, Select, and_, delete, distinct, func, insert, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db import models
from db.records import Meeting, Page, utc
from db.repos.base import Grouped, RepositoryBase, chunks, off_loop, table_of

Participant = models.MeetingParticipant
MAX_PAGE = 100  # a listing never reads more rows than this at once, whatever the caller asks
MAX_CHANNELS = 1000  # distinct channels ``channels`` returns at most (each costs the caller a membership check)


@dataclass(frozen=True)
class SeenBy:
    """A reader's view: meetings announced in one of ``channels`` (those the reader may read), or that
    involve ``user_id`` in any role. Invite-only meetings (no channel) match only the second part."""

    user_id: str
    channels: frozenset[str]


class Filters(TypedDict, total=False):
    """What narrows a listing: ``channel_id``; ``involving_user`` keeps the user's own meetings;
    ``seen_by`` those a reader may see; ``cancelled_for`` adds the cancelled meetings that user
    organised; ``limit`` (at most ``MAX_PAGE``, 20 unless given) and ``offset`` choose the page."""

    channel_id: str | None
    involving_user: str | None
    seen_by: SeenBy | None
    cancelled_for: str | None
    limit: int
    offset: int


def participant_rows(meeting: Meeting) -> list[models.MeetingParticipant]:
    """The participant-table rows that index ``meeting`` (organiser, co-hosts, invitees)."""
    return [Participant(**values) for values in participant_values(meeting)]


def participant_values(meeting: Meeting) -> list[dict[str, Any]]:
    """``participant_rows`` as column values, for an insert on the table."""
    return [{"meeting_id": meeting.id, "user_id": user_id, "role": role, "team_id": meeting.team_id}
            for user_id, role in meeting.participants()]


def reminder_rows(meeting: Meeting, reminder_times: Iterable[tuple[datetime, int]]) -> list[models.Reminder]:
    """Reminder rows for aware due times with their offsets in minutes."""
    return [models.Reminder(**values) for values in reminder_values(meeting, reminder_times)]


def reminder_values(meeting: Meeting, reminder_times: Iterable[tuple[datetime, int]]) -> list[dict[str, Any]]:
    """``reminder_rows`` as column values (status, attempts: the columns' defaults), for an insert on the table."""
    return [{"team_id": meeting.team_id, "meeting_id": meeting.id, "due_at": due_at, "offset_minutes": offset_minutes}
            for due_at, offset_minutes in reminder_times]


def upcoming_conditions(team_id: str, *, after: datetime, channel_id: str | None, before: datetime | None = None,
                        cancelled_for: str | None = None) -> list[ColumnElement[bool]]:
    """WHERE clauses: the team's scheduled meetings not over at ``after`` and, given ``before``, over
    by then (in one channel when given); with ``cancelled_for`` also the cancelled ones that user organised."""
    status = col(models.Meeting.status) == "scheduled"
    if cancelled_for:
        status = or_(status, and_(col(models.Meeting.status) == "cancelled",
                                  col(models.Meeting.organiser_id) == cancelled_for))
    conditions = [col(models.Meeting.team_id) == team_id, status, col(models.Meeting.ends_at) > after]
    if before is not None:
        conditions.append(col(models.Meeting.ends_at) <= before)
    if channel_id:
        conditions.append(col(models.Meeting.channel_id) == channel_id)
    return conditions


def involving(team_id: str, user_id: str) -> ColumnElement[bool]:
    """The meeting's id is among the user's participant rows (any role)."""
    mine = select(Participant.meeting_id).where(Participant.team_id == team_id, Participant.user_id == user_id)
    return col(models.Meeting.id).in_(mine)


def visible(team_id: str, seen_by: SeenBy) -> ColumnElement[bool]:
    """In a channel the reader may read, or involving the reader."""
    return or_(col(models.Meeting.channel_id).in_(sorted(seen_by.channels)), involving(team_id, seen_by.user_id))


def count_query(team_id: str, where: list[ColumnElement[bool]], involving_user: str | None) -> Select[Any]:
    """How many meetings match. For one user the count starts from their participant rows (a few
    thousand at most), not from every upcoming meeting of the team: 60 ms -> 5 ms on SQLite."""
    if involving_user is None:
        return select(func.count()).select_from(models.Meeting).where(*where)
    return (
        select(func.count(distinct(col(models.Meeting.id))))
        .select_from(Participant)
        .join(models.Meeting, col(models.Meeting.id) == col(Participant.meeting_id))
        .where(Participant.team_id == team_id, Participant.user_id == involving_user, *where)
    )


def counts(team_id: str, where: list[ColumnElement[bool]], *, involving_user: str | None,
           seen_by: SeenBy | None) -> list[Select[Any]]:
    """Queries whose counts add up to the listing's total. A reader's view is counted in two
    disjoint parts, each on an index: the meetings in their readable channels, and their own
    meetings elsewhere (from their participant rows): 50 ms -> 8 ms on SQLite for 19,000 of 30,000."""
    if seen_by is None or involving_user is not None:
        return [count_query(team_id, [*where, *([visible(team_id, seen_by)] if seen_by else [])], involving_user)]
    channels = sorted(seen_by.channels)
    channel = col(models.Meeting.channel_id)
    elsewhere = or_(channel.is_(None), channel.not_in(channels))
    return [count_query(team_id, [*where, channel.in_(channels)], None),
            count_query(team_id, [*where, elsewhere], seen_by.user_id)]


class Meetings(RepositoryBase):
    """The rooms the bot created, per workspace."""

    def __init__(self, engine: Engine, executor: Executor) -> None:
        super().__init__(engine, executor)
        self._adds = Grouped(executor, self.add_many)
        self._counts = Grouped(executor, self.created_by_many)

    async def add(self, meeting: Meeting, *, reminder_times: Iterable[tuple[datetime, int]] = ()) -> Meeting:
        """Store a meeting, its participants and its reminders in one transaction (group-committed
        with the meetings being added at the same moment)."""
        return await self._adds.submit((meeting, tuple(reminder_times)))

    def add_many(self, new: list[tuple[Meeting, tuple[tuple[datetime, int], ...]]]) -> list[Meeting]:
        """Store meetings with their participants and reminders, all in one transaction: one executemany
        per table, on the tables (the ORM's flush built an object per row and cost a burst of 50
        /meeting new ~3x the database thread's time: benchmarks/ack_latency.py). db.limits guards
        the rows' lengths as it guards a flush."""
        tables = (  # the meeting rows first: the others point at them
            (models.Meeting, [meeting.to_values() for meeting, _ in new]),
            (Participant, [values for meeting, _ in new for values in participant_values(meeting)]),
            (models.Reminder, [values for meeting, times in new for values in reminder_values(meeting, times)]),
        )
        with self.session() as session:
            for model, rows in tables:
                if rows:
                    session.execute(insert(table_of(model)), rows)
            session.commit()
        return [meeting for meeting, _ in new]

    @off_loop
    def get(self, team_id: str, meeting_id: str) -> Meeting | None:
        """The meeting with that id in this workspace (ids are typed by people: any case)."""
        with self.session() as session:
            row = session.scalars(
                select(models.Meeting).where(models.Meeting.team_id == team_id, models.Meeting.id == meeting_id.lower())
            ).first()
            return Meeting.from_row(row) if row else None

    @off_loop
    def upcoming(self, team_id: str, *, after: datetime, **filters: Unpack[Filters]) -> Page[Meeting]:
        """Scheduled meetings ending after ``after``, soonest first; one page and the total count."""
        return self._page(team_id, after=after, before=None, newest_first=False, **filters)

    @off_loop
    def past(self, team_id: str, *, since: datetime, before: datetime, **filters: Unpack[Filters]) -> Page[Meeting]:
        """Meetings that ended after ``since`` and by ``before``, latest start first; one page and the total."""
        return self._page(team_id, after=since, before=before, newest_first=True, **filters)

    def _page(self, team_id: str, *, after: datetime, before: datetime | None, newest_first: bool,
              channel_id: str | None = None, involving_user: str | None = None, seen_by: SeenBy | None = None,
              cancelled_for: str | None = None, limit: int = 20, offset: int = 0) -> Page[Meeting]:
        """One page of the meetings ending in (``after``, ``before``] that match the filters, with the total."""
        limit, offset = max(0, min(limit, MAX_PAGE)), max(0, offset)
        where = upcoming_conditions(team_id, after=after, before=before, channel_id=channel_id,
                                    cancelled_for=cancelled_for)
        with self.session() as session:
            total = sum(session.scalars(query).one()
                        for query in counts(team_id, where, involving_user=involving_user, seen_by=seen_by))
            if involving_user:
                where.append(involving(team_id, involving_user))
            if seen_by is not None:
                where.append(visible(team_id, seen_by))
            # Meetings starting together keep the order they were made in (as the list always had).
            order = [col(models.Meeting.starts_at), col(models.Meeting.created_at), col(models.Meeting.id)]
            rows = session.scalars(
                select(models.Meeting).where(*where)
                .order_by(*(column.desc() if newest_first else column for column in order))
                .limit(limit).offset(offset)
            )
            items = tuple(Meeting.from_row(row) for row in rows)
        return Page(items=items, total=total, offset=offset, limit=limit)

    @off_loop
    def channels(self, team_id: str, *, after: datetime, before: datetime | None = None,
                 limit: int = MAX_CHANNELS) -> list[str]:
        """The distinct channels the team's meetings ending after ``after`` (and by ``before``, given)
        are announced in (``limit`` at most)."""
        where = upcoming_conditions(team_id, after=after, before=before, channel_id=None)
        with self.session() as session:
            found = session.scalars(
                select(models.Meeting.channel_id).where(*where, col(models.Meeting.channel_id).is_not(None))
                .distinct().order_by(col(models.Meeting.channel_id)).limit(max(0, min(limit, MAX_CHANNELS)))
            )
            return [channel for channel in found if channel]

    async def created_by(self, team_id: str, user_id: str, *, since: datetime) -> int:
        """How many meetings ``user_id`` organised that were created after ``since`` (the create rate
        limit; from the user's participant rows, so it reads a handful of rows at any size). Counted
        with the others asked at the same moment, in one session."""
        return await self._counts.submit((team_id, user_id, since))

    def created_by_many(self, asks: list[tuple[str, str, datetime]]) -> list[int]:
        """``created_by`` for each (team_id, user_id, since): per workspace one query for the creation
        times of its askers' meetings since the earliest ``since``, counted here for each ask (50 count
        queries took the database's thread ~4x as long in a burst of 50 /meeting new)."""
        asked: dict[str, set[str]] = defaultdict(set)
        for team_id, user_id, _ in asks:
            asked[team_id].add(user_id)
        earliest = {team_id: min(since for team, _, since in asks if team == team_id) for team_id in asked}
        made: dict[tuple[str, str], list[datetime]] = defaultdict(list)
        with self.session() as session:
            for team_id, users in asked.items():
                for chunk in chunks(sorted(users), 500):
                    for user_id, created_at in session.execute(
                        select(Participant.user_id, models.Meeting.created_at)
                        .join(models.Meeting, col(models.Meeting.id) == col(Participant.meeting_id))
                        .where(Participant.team_id == team_id, col(Participant.user_id).in_(chunk),
                               Participant.role == "organiser", col(models.Meeting.created_at) > earliest[team_id])
                    ):
                        made[(team_id, user_id)].append(utc(created_at))
        return [sum(1 for created_at in made[(team_id, user_id)] if created_at > utc(since))
                for team_id, user_id, since in asks]

    @off_loop
    def set_announcement(self, team_id: str, meeting_id: str, ts: str) -> None:
        """Remember the channel message that announced the meeting."""
        with self.session() as session:
            session.execute(
                update(models.Meeting)
                .where(col(models.Meeting.team_id) == team_id, col(models.Meeting.id) == meeting_id)
                .values(announcement_ts=ts)
            )
            session.commit()

    @off_loop
    def reschedule(self, moved: Meeting, *, was: Meeting, reminder_times: Iterable[tuple[datetime, int]]) -> bool:
        """``moved`` (same id) replaces the stored meeting's time and room, and its pending reminders
        become ``reminder_times``, in one transaction. Only while it is still scheduled at ``was``'s
        start: False (nothing changed) when it was cancelled or moved meanwhile."""
        with self.session() as session:
            row = session.scalars(
                select(models.Meeting).where(models.Meeting.team_id == moved.team_id, models.Meeting.id == moved.id)
                .with_for_update()
            ).first()
            if row is None or row.status != "scheduled" or utc(row.starts_at) != was.starts_at:
                return False
            fresh = moved.to_row()
            for name in ("starts_at", "duration_minutes", "ends_at", "room_id", "join_url", "host_url",
                         "provider_data"):
                setattr(row, name, getattr(fresh, name))
            session.add(row)
            session.execute(
                delete(models.Reminder).where(
                    col(models.Reminder.team_id) == moved.team_id,
                    col(models.Reminder.meeting_id) == moved.id,
                    col(models.Reminder.status) == "pending",
                )
            )
            session.add_all(reminder_rows(moved, reminder_times))
            session.commit()
            return True

    @off_loop
    def cancel(self, team_id: str, meeting_id: str) -> bool:
        """Mark cancelled and stop its pending reminders; False when there is no such meeting here."""
        with self.session() as session:
            result = session.execute(
                update(models.Meeting)
                .where(col(models.Meeting.team_id) == team_id, col(models.Meeting.id) == meeting_id)
                .values(status="cancelled")
            )
            session.execute(
                update(models.Reminder)
                .where(
                    col(models.Reminder.team_id) == team_id,
                    col(models.Reminder.meeting_id) == meeting_id,
                    col(models.Reminder.status) == "pending",
                )
                .values(status="cancelled")
            )
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]
