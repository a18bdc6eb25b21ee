"""Issue 2's walking skeleton, through signed requests: signatures, help, kMeet rooms, errors."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlencode

from sqlalchemy import text

from tests.scenario.harness import SlackScenario, sign


async def test_bad_signature_and_stale_timestamp_get_401_and_run_nothing(slack: SlackScenario) -> None:
    body = urlencode({"command": "/meeting", "text": "new kmeet Leak", "team_id": "T1", "user_id": "U1",
                      "channel_id": "C1", "response_url": slack.fake.response_url("forged")}).encode()
    forged = sign(body, secret="not-the-secret")
    assert (await slack.post(body, "application/x-www-form-urlencoded", forged)).status_code == 401
    stale = sign(body, timestamp=int(time.time()) - 60 * 10)
    assert (await slack.post(body, "application/x-www-form-urlencoded", stale)).status_code == 401
    await asyncio.sleep(0.3)
    assert slack.fake.calls == [] and slack.fake.responses == []
    with slack.repo.session() as session:
        assert session.execute(text("SELECT count(*) FROM meeting")).scalar() == 0


async def test_help_lists_every_command_with_an_example(slack: SlackScenario) -> None:
    response = await slack.command("/meeting help")
    assert response.status_code == 200
    reply = await slack.reply()
    assert "/meeting new" in reply and "/meeting providers" in reply and "e.g." in reply
    post = slack.fake.responses_to(slack.last_response_name or "")[0]
    assert post.response_type == "ephemeral"


async def test_new_kmeet_posts_a_room_link_with_a_join_button(slack: SlackScenario) -> None:
    await slack.command("/meeting new kmeet Standup")
    call = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
    blocks = call.args["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    button = next(e for b in blocks if b["type"] == "actions" for e in b["elements"])
    assert button["text"]["text"] == "Join"
    assert button["url"].startswith("https://meet.example.test/") and len(button["url"].rsplit("/", 1)[1]) == 26
    assert "Standup" in call.args["text"]
    assert "<!date^" in json.dumps(blocks)  # each reader sees their own time zone
    confirmation = await slack.reply()
    assert "Room ready" in confirmation and "Standup" in confirmation
    [meeting] = slack.repo.upcoming_meetings("T1", after=slack.runtime.services.clock())
    assert meeting.join_url == button["url"] and meeting.announcement_ts == call.response["ts"]
    assert meeting.timezone == "Europe/Zurich"  # from users.info


async def test_unknown_subcommand_suggests_the_closest(slack: SlackScenario) -> None:
    await slack.command("/meeting nwe kmeet Standup")
    reply = await slack.reply()
    assert "Did you mean `/meeting new`?" in reply
    await slack.command("/meeting new wherby Standup")
    assert "`whereby`" in await slack.reply()
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_unconnected_provider_says_how_to_connect(slack: SlackScenario) -> None:
    await slack.command('/meeting new whereby "Board"')
    assert "/meeting connect whereby" in await slack.reply()


async def test_announcement_in_a_channel_without_the_bot_still_lists_the_meeting(slack: SlackScenario) -> None:
    await slack.command("/meeting new kmeet Retro", channel="C2")
    replies = []
    for _ in range(2):
        post = await slack.fake.wait_for_response(slack.last_response_name or "",
                                                  lambda p: p.text not in replies)
        replies.append(post.text)
    assert any("could not post it in <#C2>" in (text or "") for text in replies)
    assert len(slack.repo.upcoming_meetings("T1", after=slack.runtime.services.clock())) == 1


async def test_slack_rate_limit_is_waited_out(slack: SlackScenario) -> None:
    slack.fake.rate_limit_next("chat.postMessage", retry_after=1)
    await slack.command("/meeting new kmeet Standup")
    await slack.fake.wait_for("chat.postMessage", lambda c: c.ok, timeout=8)
    assert [c.status for c in slack.fake.calls_to("chat.postMessage")] == [429, 200]


async def test_healthz(slack: SlackScenario) -> None:
    response = await slack.http.get("/healthz")
    assert response.status_code == 200 and response.json() == {"ok": True, "mode": "single"}


async def test_every_manifest_command_answers_help(slack: SlackScenario) -> None:
    import yaml

    from tests.paths import REPO_ROOT

    manifest = yaml.safe_load((REPO_ROOT / "manifest.yml").read_text())
    for entry in manifest["features"]["slash_commands"]:
        await slack.command(f"{entry['command']} help")
        reply = await slack.reply()
        assert entry["command"] in reply and "help" in reply


async def test_provider_keys_and_tokens_are_nowhere_in_the_sqlite_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.scenario.harness import slack_app

    database = tmp_path / "meetbot.db"
    async with slack_app(f"sqlite:///{database}") as slack:
        slack.repo.save_account("T1", provider="whereby", credentials={"api_key": "wb-PLAINTEXT-key-4711"})
        slack.repo.save_installation("T1", bot_token="xoxb-PLAIN42", bot_id="B", bot_user_id="UB",
                                     bot_scopes="commands")
        await slack.command("/meeting new kmeet Standup")
        await slack.fake.wait_for("chat.postMessage")
        slack.repo.engine.dispose()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("meetbot.db")]
    content = b"".join(p.read_bytes() for p in files)
    assert b"Standup" in content  # the files are the ones the app wrote
    assert b"wb-PLAINTEXT-key-4711" not in content and b"xoxb-PLAIN42" not in content
