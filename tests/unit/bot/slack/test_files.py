"""Files through Slack's API on the fake: the newest CSV someone shared (``SlackFiles``) and the
failed rows' CSV uploaded with ``files_upload_v2`` (``SlackSink.upload``)."""

from __future__ import annotations

import time

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.files import SlackFiles
from bot.slack.sink import SlackSink
from bot.workers.delivery import DeliveryError
from tests.fakes.slack import FakeSlack


def files_for(client: AsyncWebClient | None) -> SlackFiles:
    async def clients(team_id: str) -> AsyncWebClient | None:
        return client

    return SlackFiles(clients)


async def test_the_newest_csv_the_user_shared_here_recently_is_read(fake: FakeSlack, client: AsyncWebClient) -> None:
    now = time.time()
    fake.share_file("C1", user="U1", name="old.csv", content=b"name,email\nOld,o@example.com\n", created=now - 3600)
    fake.share_file("C1", user="U1", name="speakers.csv", content=b"name,email\nAda,ada@example.com\n",
                    created=now - 60)
    fake.share_file("C1", user="U1", name="photo.png", content=b"\x89PNG", filetype="png", created=now - 30)
    fake.share_file("C1", user="U2", name="bobs.csv", content=b"name,email\n", created=now - 10)
    fake.share_file("C2", user="U1", name="elsewhere.csv", content=b"name,email\n", created=now - 10)
    shared = await files_for(client).latest_csv("T1", "C1", "U1")
    assert shared is not None and shared.name == "speakers.csv"
    assert shared.content == b"name,email\nAda,ada@example.com\n"
    assert await files_for(client).latest_csv("T1", "C1", "U3") is None
    assert await files_for(None).latest_csv("T1", "C1", "U1") is None  # no token for that team


async def test_without_files_read_nothing_is_read_and_nothing_raises(fake: FakeSlack) -> None:
    fake.add_token("xoxb-narrow", "T1", scopes=("chat:write",))
    fake.share_file("C1", user="U1", name="speakers.csv", content=b"name,email\n")
    assert await files_for(AsyncWebClient(token="xoxb-narrow", base_url=fake.api_url)).latest_csv("T1", "C1", "U1") \
        is None


async def test_upload_shares_the_file_in_the_channel_with_its_comment(fake: FakeSlack, client: AsyncWebClient) -> None:
    data = "\ufeffrow,reason\n4,email is not a valid e-mail address\n".encode()
    await SlackSink(client).upload(channel="C1", filename="speakers-not-imported.csv", content=data,
                                   comment="Import finished — 3 added, 1 failed.")
    [uploaded] = fake.uploaded_files("C1")
    assert uploaded["name"] == "speakers-not-imported.csv" and uploaded["title"] == "speakers-not-imported.csv"
    assert uploaded["content"].startswith("row,reason\n4,")
    assert uploaded["initial_comment"] == "Import finished — 3 added, 1 failed."
    assert [c.method for c in fake.calls if c.method.startswith("files.")] == [
        "files.getUploadURLExternal", "files.completeUploadExternal"]


async def test_an_upload_slack_refuses_is_a_delivery_error(fake: FakeSlack) -> None:
    fake.add_token("xoxb-narrow", "T1", scopes=("chat:write",))
    with pytest.raises(DeliveryError, match="missing_scope"):
        await SlackSink(AsyncWebClient(token="xoxb-narrow", base_url=fake.api_url)).upload(
            channel="C1", filename="x.csv", content=b"a\n", comment="c")
