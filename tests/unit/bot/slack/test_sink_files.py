"""SlackSink with a file: files_upload_v2 into a DM (opened first) or a channel, never as an ephemeral."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.sink import SlackSink
from bot.workers.delivery import DeliveryError
from commands.framework.replies import Attachment, Audience, Message
from tests.fakes.slack import FakeSlack

CSV = b"email,minutes\nada@example.com,42\n"


async def test_a_dm_with_a_file_uploads_it_into_the_dm(fake: FakeSlack, client: AsyncWebClient) -> None:
    message = Message("The *attendance* of Town hall: 1 row.", audience=Audience.DM, to="U1",
                      attachment=Attachment("attendance.csv", CSV, title="Attendance"))

    assert await SlackSink(client).post(message, team_id="T1", requester=None) is None

    dm = fake.dm_channel("T1", "U1")
    assert dm is not None
    [shared] = fake.uploaded_files(dm)
    assert (shared["name"], shared["title"], shared["content"]) == ("attendance.csv", "Attendance", CSV.decode())
    assert shared["initial_comment"] == "The attendance of Town hall: 1 row."
    assert [c.method for c in fake.calls][-3:] == ["conversations.open", "files.getUploadURLExternal",
                                                     "files.completeUploadExternal"]


async def test_a_file_is_never_ephemeral(fake: FakeSlack, client: AsyncWebClient) -> None:
    message = Message("x", attachment=Attachment("a.csv", CSV))

    with pytest.raises(DeliveryError):
        await SlackSink(client).post(message, team_id="T1", requester="U1")
    assert fake.calls_to("files.getUploadURLExternal") == []


async def test_a_refused_upload_is_a_delivery_error(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("files.completeUploadExternal", "not_in_channel")
    message = Message("x", audience=Audience.CHANNEL, to="C1", attachment=Attachment("a.csv", CSV))

    with pytest.raises(DeliveryError) as caught:
        await SlackSink(client).post(message, team_id="T1", requester=None)
    assert str(caught.value) == "not_in_channel"
