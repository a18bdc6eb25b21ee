"""commands/framework/policy.py: admins, organiser and co-host roles, who may see a meeting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.framework.context import Context, Services
from commands.framework.policy import (
    NOT_ADMIN,
    NotAdmin,
    is_admin,
    may_manage,
    may_see,
    require_admin,
    role_of,
    seen_by,
)
from db.storage import Storage
from tests.support.meetings import seed_meeting
from tests.support.people import People

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def services(storage: Storage) -> Services:
    return Services(storage=storage, directory=People(private_channels={"G1": {"U1", "U3"}}),
                    admins=frozenset({"U9"}), clock=lambda: NOW)


def ctx(user: str, channel: str | None = "C1") -> Context:
    return Context(team_id="T1", user_id=user, channel_id=channel)


async def test_admins_are_slack_admins_and_meetbot_admins(services: Services) -> None:
    assert await is_admin(ctx("U1"), services) and await is_admin(ctx("U9"), services)
    assert not await is_admin(ctx("U2"), services)
    await require_admin(ctx("U1"), services)
    with pytest.raises(NotAdmin) as refused:
        await require_admin(ctx("U2"), services)
    assert str(refused.value) == NOT_ADMIN


async def test_roles_and_hosts(services: Services, storage: Storage) -> None:
    meeting = await seed_meeting(storage, now=NOW, organiser="U2", cohost_ids=["U3", "U2"], invitee_ids=["U4"])
    assert [role_of(meeting, u) for u in ("U2", "U3", "U4", "U1")] == [
        "you organise", "you co-host", "you're invited", None]
    assert meeting.host_ids == ("U2", "U3") and meeting.is_host("U3") and not meeting.is_host("U4")
    assert await may_manage(meeting, ctx("U2"), services) and await may_manage(meeting, ctx("U1"), services)
    assert await may_manage(meeting, ctx("U3"), services)  # a co-host may cancel
    assert not await may_manage(meeting, ctx("U4"), services)  # an invitee may not


async def test_who_may_see_a_meeting(services: Services, storage: Storage) -> None:
    private = await seed_meeting(storage, now=NOW, title="Private", channel="G1", organiser="U1")
    invite_only = await seed_meeting(storage, now=NOW, title="Quiet", channel=None, organiser="U1", invitee_ids=["U4"])
    public = await seed_meeting(storage, now=NOW, title="Open", channel="C7", organiser="U1")
    assert await may_see(private, ctx("U3"), services, admin=False)  # a member of G1
    assert not await may_see(private, ctx("U2"), services, admin=False)
    assert await may_see(private, ctx("U2", channel="G1"), services, admin=False)  # speaking in it
    assert await may_see(invite_only, ctx("U4"), services, admin=False)
    assert not await may_see(invite_only, ctx("U2"), services, admin=False)
    assert await may_see(invite_only, ctx("U2"), services, admin=True)
    assert await may_see(public, ctx("U2"), services, admin=False)


async def test_a_listing_in_sql_shows_exactly_what_may_see_allows(services: Services, storage: Storage) -> None:
    """``seen_by`` is ``may_see`` for the database: the same meetings, reader by reader."""
    seeded = [
        await seed_meeting(storage, now=NOW, title="Private", channel="G1", organiser="U1"),
        await seed_meeting(storage, now=NOW, title="Private, U2 invited", channel="G1", organiser="U1",
                           invitee_ids=["U2"]),
        await seed_meeting(storage, now=NOW, title="Quiet", channel=None, organiser="U1", invitee_ids=["U4"]),
        await seed_meeting(storage, now=NOW, title="Quiet, U2 co-hosts", channel=None, organiser="U3",
                           cohost_ids=["U2"]),
        await seed_meeting(storage, now=NOW, title="Open", channel="C7", organiser="U1"),
    ]
    channels = await storage.meetings.channels("T1", after=NOW)
    assert channels == ["C7", "G1"]  # each distinct channel once: one membership question each
    for reader in (ctx("U2"), ctx("U3"), ctx("U4"), ctx("U2", channel="G1")):
        view = await seen_by(reader, services, channels=channels)
        page = await storage.meetings.upcoming("T1", after=NOW, seen_by=view)
        allowed = [m.title for m in seeded if await may_see(m, reader, services, admin=False)]
        assert sorted(m.title for m in page.items) == sorted(allowed) and page.total == len(allowed)
