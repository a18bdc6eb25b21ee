"""SlackDirectory: people from users.info, who may read a channel, both cached; Slack failures are "don't know"."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import directory as directory_module
from bot.slack.directory import SlackDirectory
from commands.framework.context import Person
from tests.fakes.slack import DEFAULT_BOT_SCOPES, FakeSlack


def for_team(client: AsyncWebClient) -> SlackDirectory:
    async def clients(team_id: str) -> AsyncWebClient | None:
        return client if team_id == "T1" else None

    return SlackDirectory(clients)


async def test_a_person_has_their_name_email_zone_and_admin_flag(client: AsyncWebClient) -> None:
    directory = for_team(client)
    assert await directory.person("T1", "U1") == Person(id="U1", name="Ada Admin", email="ada@example.com",
                                                        tz="Europe/Zurich", is_admin=True)
    owner = await directory.person("T1", "U3")
    assert owner is not None and owner.is_admin and owner.email is None


async def test_people_are_cached(fake: FakeSlack, client: AsyncWebClient) -> None:
    directory = for_team(client)
    await directory.person("T1", "U2")
    await directory.person("T1", "U2")
    assert len(fake.calls_to("users.info")) == 1


async def test_unknown_people_teams_without_a_token_and_slack_errors_are_none(
    fake: FakeSlack, client: AsyncWebClient, caplog: pytest.LogCaptureFixture
) -> None:
    directory = for_team(client)
    assert await directory.person("T1", "U404") is None
    assert "users.info failed for U404" in caplog.text
    assert await directory.person("T2", "U1") is None
    fake.fail_next("users.info", "fatal_error")
    assert await directory.person("T1", "U1") is None


async def test_anyone_reads_a_public_channel_members_only_a_private_one(fake: FakeSlack, client: AsyncWebClient) -> None:
    directory = for_team(client)
    assert await directory.can_read("T1", "C1", "U3")  # public: not even a member
    assert await directory.can_read("T1", "C2", "U1")
    assert not await directory.can_read("T1", "C2", "U2")
    assert not await directory.can_read("T2", "C1", "U1")  # no token for that team


async def test_membership_is_read_page_by_page_and_cached(
    fake: FakeSlack, client: AsyncWebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.add_channel("C9", team_id="T1", name="big", members=["U1", "U2", "U3", "U4"], is_private=True)
    monkeypatch.setattr(directory_module, "MEMBERS_PAGE", 1)
    directory = for_team(client)
    assert await directory.can_read("T1", "C9", "U4")  # sorted: the fourth page
    assert len(fake.calls_to("conversations.members")) == 4
    assert await directory.can_read("T1", "C9", "U4")
    assert len(fake.calls_to("conversations.members")) == 4


async def test_a_channel_slack_will_not_describe_is_not_readable(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_channel("C8", team_id="T1", name="hidden", members=["U1"], is_private=True, bot_member=False)
    assert not await for_team(client).can_read("T1", "C8", "U1")  # channel_not_found for the bot


async def test_members_only_are_in_a_channel_public_or_private(client: AsyncWebClient) -> None:
    directory = for_team(client)
    assert await directory.is_member("T1", "C1", "U2")
    assert not await directory.is_member("T1", "C1", "U3")  # public, but not in it
    assert not await directory.is_member("T1", "C2", "U2")
    assert not await directory.is_member("T2", "C1", "U1")


async def test_the_bot_posts_where_it_is_a_member_and_in_public_channels_with_chat_write_public(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.add_channel("C4", team_id="T1", name="old", members=["U1"], is_archived=True)
    directory = for_team(client)
    assert await directory.can_post("T1", "C1") and await directory.can_post("T1", "C2")
    assert not await directory.can_post("T1", "C3")  # public, but this token lacks chat:write.public
    assert not await directory.can_post("T1", "C4")  # archived
    assert not await directory.can_post("T1", "C404")
    fake.add_token("xoxb-public", "T1", scopes=(*DEFAULT_BOT_SCOPES, "chat:write.public"))
    public = for_team(AsyncWebClient(token="xoxb-public", base_url=fake.api_url))
    assert await public.can_post("T1", "C3")
    assert (await AsyncWebClient(token="xoxb-public", base_url=fake.api_url).chat_postMessage(
        channel="C3", text="hi"))["ok"]
