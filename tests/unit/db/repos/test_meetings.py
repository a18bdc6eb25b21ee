"""Meetings on SQLite and PostgreSQL: typed records, team isolation, and listing paged in SQL."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.errors import StorageError
from db.records import Meeting
from db.repos.meetings import SeenBy
from db.storage import Storage
from tests.support.storage import NOW, meeting_record, raw_rows


async def test_a_meeting_comes_back_as_a_typed_record(storage: Storage) -> None:
    stored = await storage.meetings.add(meeting_record(
        "T1", cohost_ids=("U2", "U3"), invitee_ids=("U7",), host_url="https://host.example/secret-host",
        provider_data={"room_key": 42}, channel_id="C1"))
    meeting = await storage.meetings.get("T1", stored.id.upper())  # ids are typed by people
    assert meeting == stored
    assert meeting is not None
    assert meeting.cohost_ids == ("U2", "U3") and meeting.invitee_ids == ("U7",)
    assert meeting.provider_data == {"room_key": 42} and meeting.host_url == "https://host.example/secret-host"
    assert meeting.ends_at == NOW + timedelta(hours=2, minutes=30)
    assert meeting.starts_at.tzinfo is not None
    assert "secret-host" not in repr(meeting)
    [(host_url,)] = await raw_rows(storage, "SELECT host_url FROM meeting")
    assert "secret-host" not in host_url


async def test_meetings_added_together_share_a_write_and_a_bad_one_fails_alone(storage: Storage) -> None:
    first, second = meeting_record("T1", channel_id="C1"), meeting_record("T1", channel_id="C2")
    clash = replace(meeting_record("T1", channel_id="C3"), id=first.id)  # the same id: the database refuses it
    results = await asyncio.gather(*(storage.meetings.add(meeting, reminder_times=[(NOW + timedelta(hours=1), 60)])
                                     for meeting in (first, clash, second)), return_exceptions=True)
    assert results[0] == first and results[2] == second
    assert isinstance(results[1], StorageError)
    assert {row[0] for row in await raw_rows(storage, "SELECT channel_id FROM meeting")} == {"C1", "C2"}
    assert len(await raw_rows(storage, "SELECT id FROM reminder")) == 2


async def test_a_workspace_cannot_read_or_change_another_workspaces_meetings(storage: Storage) -> None:
    theirs = await storage.meetings.add(meeting_record("T2", organiser="U9", channel_id="C1"),
                                        reminder_times=[(NOW + timedelta(hours=1), 60)])
    assert await storage.meetings.get("T1", theirs.id) is None
    assert await storage.meetings.cancel("T1", theirs.id) is False
    await storage.meetings.set_announcement("T1", theirs.id, "123.456")
    assert (await storage.meetings.upcoming("T1", after=NOW)).total == 0
    assert (await storage.meetings.upcoming("T1", after=NOW, involving_user="U9")).items == ()
    assert await storage.reminders.for_meeting("T1", theirs.id) == []
    kept = await storage.meetings.get("T2", theirs.id)
    assert kept is not None and kept.status == "scheduled" and kept.announcement_ts is None


async def test_announcement_and_cancel(storage: Storage) -> None:
    meeting = await storage.meetings.add(meeting_record("T1"), reminder_times=[(NOW + timedelta(minutes=5), 115)])
    await storage.meetings.set_announcement("T1", meeting.id, "171.5")
    assert await storage.meetings.cancel("T1", meeting.id) is True
    cancelled = await storage.meetings.get("T1", meeting.id)
    assert cancelled is not None and (cancelled.status, cancelled.announcement_ts) == ("cancelled", "171.5")
    assert [r.status for r in await storage.reminders.for_meeting("T1", meeting.id)] == ["cancelled"]
    assert (await storage.meetings.upcoming("T1", after=NOW)).items == ()


async def test_upcoming_filters_orders_counts_and_pages(storage: Storage) -> None:
    late = await storage.meetings.add(meeting_record("T1", start=NOW + timedelta(days=2), channel_id="C1"))
    soon = await storage.meetings.add(meeting_record("T1", start=NOW + timedelta(hours=1), channel_id="C2",
                                                     invitee_ids=("U7",)))
    running = await storage.meetings.add(meeting_record("T1", start=NOW - timedelta(days=2), duration_minutes=3 * 24 * 60,
                                                        cohost_ids=("U7",)))
    await storage.meetings.add(meeting_record("T1", start=NOW - timedelta(days=1)))  # over
    page = await storage.meetings.upcoming("T1", after=NOW)
    assert [m.id for m in page.items] == [running.id, soon.id, late.id] and page.total == 3 and not page.has_more
    assert [m.id for m in (await storage.meetings.upcoming("T1", after=NOW, channel_id="C1")).items] == [late.id]
    involving = await storage.meetings.upcoming("T1", after=NOW, involving_user="U7")
    assert [m.id for m in involving.items] == [running.id, soon.id]
    second = await storage.meetings.upcoming("T1", after=NOW, limit=1, offset=1)
    assert [m.id for m in second.items] == [soon.id] and second.total == 3 and second.has_more


async def test_a_page_is_bounded_whatever_the_caller_asks(storage: Storage) -> None:
    for hour in range(3):
        await storage.meetings.add(meeting_record("T1", start=NOW + timedelta(hours=hour + 1)))
    page = await storage.meetings.upcoming("T1", after=NOW, limit=10_000, offset=-5)
    assert page.limit == 100 and page.offset == 0 and len(page.items) == 3


USERS = ("U1", "U2", "U3", "U4")
people = st.lists(st.sampled_from(USERS), max_size=2, unique=True).map(tuple)
seeded = st.lists(
    st.fixed_dictionaries({
        "start_hours": st.integers(-30, 30),
        "duration_minutes": st.sampled_from([15, 30, 24 * 60, 3 * 24 * 60]),
        "channel_id": st.sampled_from([None, "C1", "C2"]),
        "organiser": st.sampled_from(USERS),
        "cohost_ids": people,
        "invitee_ids": people,
        "cancelled": st.booleans(),
    }),
    max_size=12,
)


views = st.one_of(st.none(), st.builds(SeenBy, st.sampled_from(USERS),
                                       st.frozensets(st.sampled_from(["C1", "C2", "C9"]), max_size=2)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=seeded, channel=st.sampled_from([None, "C1", "C2"]), user=st.sampled_from([None, *USERS]),
       view=views, limit=st.integers(0, 5), offset=st.integers(0, 6), past=st.booleans(),
       cancelled_for=st.sampled_from([None, *USERS]))
async def test_paging_in_sql_matches_a_brute_force_filter(  # type: ignore[no-untyped-def]
    storage: Storage, rows, channel, user, view, limit, offset, past, cancelled_for
) -> None:
    team = f"T{secrets.token_hex(4)}"  # a fresh workspace per example: the database is shared between them
    stored: list[Meeting] = []
    for row in rows:
        meeting = await storage.meetings.add(meeting_record(
            team, start=NOW + timedelta(hours=row["start_hours"]), duration_minutes=row["duration_minutes"],
            channel_id=row["channel_id"], organiser=row["organiser"], cohost_ids=row["cohost_ids"],
            invitee_ids=row["invitee_ids"]))
        if row["cancelled"]:
            await storage.meetings.cancel(team, meeting.id)
            meeting = replace(meeting, status="cancelled")
        stored.append(meeting)
    since = NOW - timedelta(days=1)
    expected = sorted(
        (m for m in stored
         if (m.status == "scheduled" or m.organiser_id == cancelled_for)
         and (since < m.ends_at <= NOW if past else m.ends_at > NOW)
         and (channel is None or m.channel_id == channel) and (user is None or m.involves(user))
         and (view is None or m.channel_id in view.channels or m.involves(view.user_id))),
        key=lambda m: (m.starts_at, m.created_at, m.id), reverse=past,
    )
    filters = dict(channel_id=channel, involving_user=user, seen_by=view, cancelled_for=cancelled_for,
                   limit=limit, offset=offset)
    page = await (storage.meetings.past(team, since=since, before=NOW, **filters) if past
                  else storage.meetings.upcoming(team, after=NOW, **filters))
    assert [m.id for m in page.items] == [m.id for m in expected[offset:offset + limit]]
    assert page.total == len(expected)


async def test_the_channels_of_upcoming_meetings_each_once_and_bounded(storage: Storage) -> None:
    for channel in ("C2", "C1", "C2", None):
        await storage.meetings.add(meeting_record("T1", channel_id=channel))
    await storage.meetings.add(meeting_record("T1", start=NOW - timedelta(days=1), channel_id="C3"))  # over
    gone = await storage.meetings.add(meeting_record("T1", channel_id="C4"))
    await storage.meetings.cancel("T1", gone.id)
    await storage.meetings.add(meeting_record("T2", channel_id="C5"))  # another workspace
    assert await storage.meetings.channels("T1", after=NOW) == ["C1", "C2"]
    assert await storage.meetings.channels("T1", after=NOW, limit=1) == ["C1"]
    assert await storage.meetings.channels("T1", after=NOW - timedelta(days=2), before=NOW) == ["C3"]


async def test_a_readers_view_is_their_readable_channels_or_their_own_meetings(storage: Storage) -> None:
    public = await storage.meetings.add(meeting_record("T1", channel_id="C1", organiser="U3"))
    private = await storage.meetings.add(meeting_record("T1", channel_id="G1", organiser="U3"))
    invited = await storage.meetings.add(meeting_record("T1", channel_id="G1", organiser="U3", invitee_ids=("U2",)))
    quiet = await storage.meetings.add(meeting_record("T1", channel_id=None, organiser="U3", cohost_ids=("U2",)))
    await storage.meetings.add(meeting_record("T1", channel_id=None, organiser="U3"))
    page = await storage.meetings.upcoming("T1", after=NOW, seen_by=SeenBy("U2", frozenset({"C1"})))
    assert {m.id for m in page.items} == {public.id, invited.id, quiet.id} and page.total == 3
    nothing_readable = await storage.meetings.upcoming("T1", after=NOW, seen_by=SeenBy("U9", frozenset()))
    assert nothing_readable.items == () and nothing_readable.total == 0
    member = await storage.meetings.upcoming("T1", after=NOW, seen_by=SeenBy("U9", frozenset({"C1", "G1"})))
    assert {m.id for m in member.items} == {public.id, private.id, invited.id}
