"""Issue 11, finding 5: a per-user limit on creates (MEETBOT_CREATE_LIMIT a minute), answered in words,
counted in the database (every replica sees the same count). On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from commands.framework.context import Services
from commands.framework.replies import Audience
from tests.unit.commands.meeting.seeded import NOW, only, run, services  # noqa: F401 (fixtures)


async def created(line: str, services: Services, **who: str) -> bool:
    """Whether the organiser's reply says the room is ready."""
    return any("Room ready" in message.text for message in (await run(line, services, **who)).messages)


async def made(services: Services, user: str) -> int:
    return await services.storage.meetings.created_by("T1", user, since=NOW - timedelta(hours=1))


async def test_past_the_limit_a_create_is_refused_in_words_until_the_minute_is_over(services: Services) -> None:
    services.create_limit = 3
    for _ in range(3):
        assert await created("new kmeet Standup", services)
    refused = only(await run("new kmeet Standup", services))
    assert refused.audience is Audience.REQUESTER
    assert refused.text == ("You have created 3 meetings in the last minute, the most one person may, so nothing "
                            "was created: please wait a minute and try again.")
    assert await made(services, "U1") == 3
    assert await created("new kmeet Standup", services, user="U2")  # per person

    later = NOW + timedelta(seconds=61)
    services.clock = lambda: later
    assert await created("new kmeet Standup", services)
    assert await made(services, "U1") == 4


async def test_a_limit_of_zero_means_no_limit(services: Services) -> None:
    services.create_limit = 0
    for _ in range(4):
        assert await created("new kmeet Standup", services)


async def test_counts_asked_together_are_each_person_s_own(services: Services) -> None:
    for user, meetings in (("U1", 2), ("U2", 1)):
        for _ in range(meetings):
            assert await created("new kmeet Standup", services, user=user)
    counts = await asyncio.gather(*(made(services, user) for user in ("U1", "U2", "U3", "U1")))
    assert counts == [2, 1, 0, 2]


async def test_counts_asked_together_keep_each_ask_s_own_window_and_workspace(services: Services) -> None:
    for _ in range(2):
        assert await created("new kmeet Standup", services)
    later = NOW + timedelta(seconds=30)
    services.clock = lambda: later
    assert await created("new kmeet Standup", services)
    meetings = services.storage.meetings
    counts = await asyncio.gather(meetings.created_by("T1", "U1", since=NOW - timedelta(hours=1)),
                                  meetings.created_by("T1", "U1", since=NOW + timedelta(seconds=10)),
                                  meetings.created_by("T2", "U1", since=NOW - timedelta(hours=1)))
    assert counts == [3, 1, 0]
