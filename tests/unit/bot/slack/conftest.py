"""A running fake Slack with one workspace (T1), its people and channels, for the shell's Slack parts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import FakeSlack

TOKEN = "xoxb-unit1"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """U1 admin (Zurich), U2 member, U3 owner; C1 public, C2 private with U1 only, C3 without the bot."""
    fake = FakeSlack(tokens={TOKEN: "T1"})
    fake.add_user("U1", team_id="T1", name="ada", real_name="Ada Admin", email="ada@example.com",
                  tz="Europe/Zurich", is_admin=True)
    fake.add_user("U2", team_id="T1", name="bob")
    fake.add_user("U3", team_id="T1", name="cy", is_owner=True)
    fake.add_channel("C1", team_id="T1", name="general", members=["U1", "U2"])
    fake.add_channel("C2", team_id="T1", name="secret", members=["U1"], is_private=True)
    fake.add_channel("C3", team_id="T1", name="quiet", members=["U1", "U2"], bot_member=False)
    with fake.running():
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=fake.api_url)
