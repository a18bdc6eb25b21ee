"""commands/framework/policy.py: admins, organiser and co-host roles, who may see a meeting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.framework.context import Context, Services
from commands.framework.policy import (
    NOT_ADMIN,
    NotAdmin,
    hosts,
    is_admin,
    is_host,
    may_cancel,
    may_see,
    require_admin,
    role_of,
)
from db.repo import Repository
from tests.support.meetings import seed_meeting
from tests.support.people import People

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def services(repo: Repository) -> Services:
    return Services(repo=repo, directory=People(private_channels={"G1": {"U1", "U3"}}),
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


async def test_roles_and_hosts(services: Services, repo: Repository) -> None:
    meeting = seed_meeting(repo, now=NOW, organiser="U2", cohost_ids=["U3", "U2"], invitee_ids=["U4"])
    assert [role_of(meeting, u) for u in ("U2", "U3", "U4", "U1")] == [
        "you organise", "you co-host", "you're invited", None]
    assert hosts(meeting) == ["U2", "U3"] and is_host(meeting, "U3") and not is_host(meeting, "U4")
    assert await may_cancel(meeting, ctx("U2"), services) and await may_cancel(meeting, ctx("U1"), services)
    assert not await may_cancel(meeting, ctx("U3"), services)


async def test_who_may_see_a_meeting(services: Services, repo: Repository) -> None:
    private = seed_meeting(repo, now=NOW, title="Private", channel="G1", organiser="U1")
    invite_only = seed_meeting(repo, now=NOW, title="Quiet", channel=None, organiser="U1", invitee_ids=["U4"])
    public = seed_meeting(repo, now=NOW, title="Open", channel="C7", organiser="U1")
    assert await may_see(private, ctx("U3"), services, admin=False)  # a member of G1
    assert not await may_see(private, ctx("U2"), services, admin=False)
    assert await may_see(private, ctx("U2", channel="G1"), services, admin=False)  # speaking in it
    assert await may_see(invite_only, ctx("U4"), services, admin=False)
    assert not await may_see(invite_only, ctx("U2"), services, admin=False)
    assert await may_see(invite_only, ctx("U2"), services, admin=True)
    assert await may_see(public, ctx("U2"), services, admin=False)
