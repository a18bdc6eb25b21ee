"""``/airmeet speaker add <event> bulk`` through the real ASGI app: a CSV shared in the channel, the
preview, the Import button, the import worker posting and editing its progress message through the
outbox and uploading the failed rows, all against the fake Slack and the Airmeet fake."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bot.runtime import import_kinds
from bot.workers.imports import tick
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.server import serve
from tests.scenario.harness import SlackScenario, block_text, slack_app
from tests.support.eventually import eventually
from tests.support.storage import meeting_record

CSV = b"Name,Email\r\nAda Lovelace,ada@example.com\r\nNo Mail,\r\nGrace Hopper,grace@example.com\r\n"


@pytest.fixture
def airmeet() -> Iterator[tuple[FakeAirmeet, str]]:
    fake = FakeAirmeet(access_key="ak", secret_key="sk")
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
async def slack(database_url: str, airmeet: tuple[FakeAirmeet, str]) -> AsyncIterator[SlackScenario]:
    async with slack_app(database_url, airmeet_api_url=airmeet[1]) as scenario:
        await scenario.storage.accounts.save("T1", provider="airmeet",
                                             credentials={"access_key": "ak", "secret_key": "sk"})
        yield scenario


def button(body: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(element for block in body.get("blocks") or [] for element in block.get("elements", [])
                if element.get("action_id") == action_id)


async def test_a_shared_csv_is_previewed_imported_with_progress_and_its_failed_rows_uploaded(
    slack: SlackScenario, airmeet: tuple[FakeAirmeet, str]
) -> None:
    fake, _ = airmeet
    event = fake.add_event("Summit")
    meeting = await slack.storage.meetings.add(meeting_record("T1", provider="airmeet", title="Summit",
                                                              room_id=event.uuid, join_url="https://a.example/e"))
    slack.fake.share_file("C1", user="U1", name="speakers.csv", content=CSV)

    await slack.command(f"/airmeet speaker add {meeting.id} bulk")
    preview = await slack.fake.wait_for_response(slack.last_response_name or "")
    assert "2 rows ready*, 1 with errors (row 3: email is empty)" in block_text(preview.body)
    assert preview.response_type == "ephemeral" and event.speakers == {}

    start = button(preview.body, "airmeet_import_start")
    response_url = slack.fake.response_url("import")
    await slack.interact({
        "type": "block_actions", "user": {"id": "U1", "username": "ada", "name": "ada", "team_id": "T1"},
        "api_app_id": "A0MEETBOT1", "token": "verification_token",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C1", "is_ephemeral": True},
        "trigger_id": slack.fake.new_trigger_id(), "team": {"id": "T1", "domain": "acme"},
        "channel": {"id": "C1", "name": "general"}, "response_url": response_url,
        "actions": [{**start, "block_id": "b", "type": "button", "action_ts": f"{time.time():.6f}"}],
    })
    assert "Importing into *Summit*" in block_text((await slack.fake.wait_for_response("import")).body)

    shell = slack.app_shell
    waits: list[float] = []

    async def wait(seconds: float) -> None:  # the last edit's pause (2 s after the one before), not slept
        waits.append(seconds)

    assert await tick(slack.runtime.services, import_kinds(), shell.sink_for_team, outbox=shell.outbox,
                      sleep=wait) is not None
    assert sorted(event.speakers) == ["ada@example.com", "grace@example.com"]
    # The progress message and its edits went through the outbox, one row per key, each sent once.
    keys = [f"import:{start['value']}:{step}" for step in ("start", "progress:final", "summary")]

    async def start_and_final_sent_no_summary_row() -> bool:
        rows = await slack.storage.outbox.find("T1", keys)
        return {key.rsplit(":", 1)[-1]: row.status for key, row in rows.items()} == {"start": "sent", "final": "sent"}

    # The final edit may wait for the edit lane's pacing (the outbox loop posts it, as in `meetbot serve`).
    await eventually(start_and_final_sent_no_summary_row)
    assert len(slack.fake.calls_to("chat.postMessage")) == 1  # the summary rode the CSV upload
    [progress] = [m for m in slack.fake.messages_in("C1") if m["text"].startswith("Imported speakers into")]
    assert "2 done, 0 failed, 0 remaining" in block_text(progress) and "100%" in block_text(progress)
    assert "airmeet_import_cancel" not in str(progress.get("blocks"))  # finished: no Cancel button any more
    assert len(slack.fake.calls_to("chat.update")) >= 1
    [uploaded] = slack.fake.uploaded_files("C1")
    assert uploaded["name"] == "speakers-not-imported.csv"
    assert uploaded["content"].splitlines()[:2] == ["row,reason,name,email", "3,email is empty,No Mail,"]
    assert "Import finished — speakers into *Summit*: 2 added, 1 with errors in the file, 0 failed." in \
        uploaded["initial_comment"]
