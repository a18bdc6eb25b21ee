"""The app as a whole, through signed requests: signatures, Slack's rate limits, /healthz, every
manifest command wired, secrets encrypted at rest."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlencode

import yaml
from sqlalchemy import text

from tests.paths import REPO_ROOT
from tests.scenario.harness import SlackScenario, sign, slack_app


async def test_bad_signature_and_stale_timestamp_get_401_and_run_nothing(slack: SlackScenario) -> None:
    body = urlencode({"command": "/meeting", "text": "new kmeet Leak", "team_id": "T1", "user_id": "U1",
                      "channel_id": "C1", "response_url": slack.fake.response_url("forged")}).encode()
    forged = sign(body, secret="not-the-secret")
    assert (await slack.post(body, "application/x-www-form-urlencoded", forged)).status_code == 401
    stale = sign(body, timestamp=int(time.time()) - 60 * 10)
    assert (await slack.post(body, "application/x-www-form-urlencoded", stale)).status_code == 401
    await asyncio.sleep(0.3)
    assert slack.fake.calls == [] and slack.fake.responses == []
    with slack.storage.engine.connect() as session:  # a test may block its own loop
        assert session.execute(text("SELECT count(*) FROM meeting")).scalar() == 0


async def test_slack_rate_limit_is_waited_out(slack: SlackScenario) -> None:
    slack.fake.rate_limit_next("chat.postMessage", retry_after=1)
    await slack.command("/meeting new kmeet Standup")
    await slack.fake.wait_for("chat.postMessage", lambda c: c.ok, timeout=8)
    assert [c.status for c in slack.fake.calls_to("chat.postMessage")] == [429, 200]


async def test_healthz(slack: SlackScenario) -> None:
    response = await slack.http.get("/healthz")
    assert response.status_code == 200 and response.json() == {"ok": True, "mode": "single"}


async def test_every_manifest_command_answers_help(slack: SlackScenario) -> None:
    manifest = yaml.safe_load((REPO_ROOT / "manifest.yml").read_text())
    for entry in manifest["features"]["slash_commands"]:
        await slack.command(f"{entry['command']} help")
        reply = await slack.reply()
        assert entry["command"] in reply and "help" in reply


async def test_provider_keys_and_tokens_are_nowhere_in_the_sqlite_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = tmp_path / "meetbot.db"
    async with slack_app(f"sqlite:///{database}") as slack:
        await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-PLAINTEXT-key-4711"})
        (await slack.storage.workspaces.save_installation("T1", bot_token="xoxb-PLAIN42", bot_id="B", bot_user_id="UB",
                                     bot_scopes="commands"))
        await slack.command("/meeting new kmeet Standup")
        await slack.fake.wait_for("chat.postMessage")
        slack.storage.engine.dispose()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("meetbot.db")]
    content = b"".join(p.read_bytes() for p in files)
    assert b"Standup" in content  # the files are the ones the app wrote
    assert b"wb-PLAINTEXT-key-4711" not in content and b"xoxb-PLAIN42" not in content
