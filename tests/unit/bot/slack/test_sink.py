"""SlackSink: where each audience's message goes (response URL, ephemeral, DM, channel, edit) and what a refusal raises."""

from __future__ import annotations

import aiohttp
import pytest
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.sink import SessionPool, SlackSink
from bot.workers.delivery import DeliveryError
from commands.framework.replies import Audience, Button, Message
from tests.fakes.slack import FakeSlack

ANNOUNCEMENT = Message("*Standup* starts soon", audience=Audience.CHANNEL, to="C1",
                       buttons=(Button("Join", url="https://meet.example.test/x"),))


async def test_a_channel_message_is_posted_with_its_blocks_and_returns_its_ts(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    ts = await SlackSink(client).post(ANNOUNCEMENT, team_id="T1", requester="U1")
    [posted] = fake.messages_in("C1")
    assert posted["ts"] == ts and posted["text"] == "Standup starts soon"
    assert posted["blocks"][1]["elements"][0]["url"] == "https://meet.example.test/x"
    call = fake.calls_to("chat.postMessage")[-1]
    assert str(call.args["unfurl_links"]).lower() in ("false", "0")


async def test_an_edit_updates_the_earlier_message(fake: FakeSlack, client: AsyncWebClient) -> None:
    sink = SlackSink(client)
    ts = await sink.post(ANNOUNCEMENT, team_id="T1", requester=None)
    edit = Message("*Standup* is cancelled", audience=Audience.CHANNEL, to="C1", replace_ts=ts)
    assert await sink.post(edit, team_id="T1", requester=None) == ts
    [message] = fake.messages_in("C1")
    assert message["text"] == "Standup is cancelled" and "edited" in message


async def test_a_requester_message_goes_to_the_response_url_when_there_is_one(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    sink = SlackSink(client, respond=AsyncRespond(response_url=fake.response_url("cmd")), channel_id="C1")
    assert await sink.post(Message("Room ready."), team_id="T1", requester="U1") is None
    [post] = fake.responses_to("cmd")
    assert post.text == "Room ready." and post.response_type == "ephemeral" and not post.replace_original
    assert fake.calls_to("chat.postEphemeral") == []


async def test_without_a_response_url_it_is_an_ephemeral_or_else_a_dm(fake: FakeSlack, client: AsyncWebClient) -> None:
    await SlackSink(client, channel_id="C1").post(Message("Only you."), team_id="T1", requester="U2")
    assert [e["user"] for e in fake.ephemerals_for("U2")] == ["U2"]
    await SlackSink(client, channel_id="C3").post(Message("Not a member here."), team_id="T1", requester="U2")
    assert fake.calls_to("chat.postEphemeral")[-1].error == "not_in_channel"
    dm = fake.calls_to("chat.postMessage")[-1]
    assert dm.args["channel"] == "U2" and dm.ok


async def test_a_dm_goes_to_its_person(fake: FakeSlack, client: AsyncWebClient) -> None:
    ts = await SlackSink(client).post(Message("Your host link", audience=Audience.DM, to="U1"), team_id="T1",
                                      requester=None)
    assert ts and fake.calls_to("chat.postMessage")[-1].response["channel"].startswith("D")


async def test_refusals_raise_delivery_error_with_slacks_reason(fake: FakeSlack, client: AsyncWebClient) -> None:
    sink = SlackSink(client)
    with pytest.raises(DeliveryError, match="^not_in_channel$"):
        await sink.post(Message("x", audience=Audience.CHANNEL, to="C3"), team_id="T1", requester="U1")
    with pytest.raises(DeliveryError, match="^no recipient$"):
        await sink.post(Message("x"), team_id="T1", requester=None)


async def test_an_unreachable_slack_is_a_network_delivery_error() -> None:
    client = AsyncWebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/", timeout=2)
    with pytest.raises(DeliveryError, match="^network: "):
        await SlackSink(client).post(ANNOUNCEMENT, team_id="T1", requester=None)


class CountingPool(SessionPool):
    """A SessionPool that counts how often a sink took its session."""

    def __init__(self) -> None:
        super().__init__()
        self.taken = 0

    def session(self) -> aiohttp.ClientSession:
        self.taken += 1
        return super().session()


async def test_with_a_pool_response_url_answers_share_its_connections(fake: FakeSlack, client: AsyncWebClient) -> None:
    pool = CountingPool()
    try:
        for number in (1, 2):
            sink = SlackSink(client, respond=AsyncRespond(response_url=fake.response_url(f"cmd{number}")),
                             channel_id="C1", pool=pool)
            assert await sink.post(Message(f"Room ready {number}."), team_id="T1", requester="U1") is None
        assert [(post.text, post.response_type, post.replace_original)
                for name in ("cmd1", "cmd2") for post in fake.responses_to(name)] == [
            ("Room ready 1.", "ephemeral", False), ("Room ready 2.", "ephemeral", False)]
        assert pool.taken == 2  # both answers went through the pool, not through Bolt's own session
        session = pool.session()
        assert not session.closed
    finally:
        await pool.aclose()
    assert session.closed
