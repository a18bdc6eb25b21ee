"""Issue 11, finding 2: a whole scenario at DEBUG, and not one log line holds a secret it used.

OAuth install (bot token, client secret, the code), connecting Whereby through the form (its API
key), a meeting with a host link (``roomKey``), ``/meeting link``, a forged request whose body
carries a typed ``api_key=``, the uninstall. Every line the one logging set-up wrote is read.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from bot.logs import configure
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby
from tests.scenario.app.test_oauth import OAUTH, install
from tests.scenario.harness import SIGNING_SECRET, SlackScenario, sign, slack_app
from tests.scenario.views import opened_view, submission
from tests.support.eventually import eventually
from tests.support.logs import captured_logs

WHEREBY_KEY = "wb-log-key-Hq83nZ0p"
# Shaped like a Slack bot token, so the redaction of that shape is what is tested; made per run,
# not committed as a literal that looks like a credential.
BOT_TOKEN = "-".join(("xoxb", "logs", secrets.token_hex(4)))
TYPED_KEY = "typed-in-key-Vb71Lx"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the meetbot handler writes at DEBUG."""
    with captured_logs(level="debug") as buffer:
        yield buffer


async def test_no_log_line_of_a_full_scenario_holds_a_secret(database_url: str, log_lines: io.StringIO) -> None:
    whereby = FakeWhereby(api_key=WHEREBY_KEY)
    with serve(whereby.app) as url:
        async with slack_app(database_url, **OAUTH, whereby_api_url=f"{url}/v1") as slack:
            await install(slack, team="T1", token=BOT_TOKEN)
            await slack.command("/meeting connect whereby")
            view = await opened_view(slack)
            await slack.interact(submission(slack, view, api_key=WHEREBY_KEY, account="default"))
            assert "Whereby is connected" in (await slack.fake.wait_for("chat.postEphemeral")).args["text"]

            await slack.command('/meeting new whereby "Standup" tomorrow 10:00 for 15m')
            dm = await slack.fake.wait_for("chat.postMessage", lambda c: "roomKey=" in str(c.args))
            [host_link] = re.findall(r"https://\S+roomKey=[\w-]+", str(dm.args))
            meeting_id = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items[0].id
            await slack.command(f"/meeting link {meeting_id}")
            assert host_link in await slack.reply()

            forged = urlencode({"command": "/meeting", "text": f"connect whereby api_key={TYPED_KEY}",
                                "team_id": "T1", "user_id": "U1"}).encode()
            response = await slack.post(forged, "application/x-www-form-urlencoded",
                                        headers=sign(forged, secret="not-the-signing-secret"))
            assert response.status_code == 401

            await slack.event({"type": "app_uninstalled", "event_ts": "1.2"})
            await eventually(lambda: accounts_gone(slack))
            keys = slack.settings.meetbot_secret_keys
            assert keys is not None
            secrets = {
                "bot token": BOT_TOKEN, "Whereby key": WHEREBY_KEY, "host link": host_link,
                "roomKey": host_link.rpartition("roomKey=")[2], "typed key": TYPED_KEY,
                "signing secret": SIGNING_SECRET, "client secret": OAUTH["slack_client_secret"],
                "OAuth code": "code-T1", "Fernet key": keys.get_secret_value(),
            }
    lines = log_lines.getvalue().splitlines()
    assert len(lines) > 50, "the scenario logged at DEBUG"  # the grep below read something real
    assert any("slack_sdk" in line for line in lines) and any("chat.postMessage" in line for line in lines)
    for name, secret in secrets.items():
        leaks = [line for line in lines if secret in line]
        assert not leaks, f"{name} in the log: {leaks[:3]}"


async def accounts_gone(slack: SlackScenario) -> bool:
    return not await slack.storage.accounts.all("T1")


def test_at_the_default_level_third_party_info_lines_are_not_written(log_lines: io.StringIO) -> None:
    configure(level="info", stream=log_lines)
    logging.getLogger("engineio.client").info("Attempting WebSocket connection to ws://x/socket/?sessionId=s3cr3t")
    logging.getLogger("httpx").info("HTTP Request: GET https://x/v1/meetings?api_key=k3y")
    logging.getLogger("bot.http.app").info("serving on port %d", 3000)
    assert log_lines.getvalue().endswith("bot.http.app: serving on port 3000\n")
    assert "s3cr3t" not in log_lines.getvalue() and "k3y" not in log_lines.getvalue()


def test_at_debug_a_third_party_line_is_written_redacted(log_lines: io.StringIO) -> None:
    logging.getLogger("engineio.client").info(
        "Attempting WebSocket connection to ws://x/socket/?sessionId=s3cr3t&transport=websocket&EIO=3")
    written = log_lines.getvalue()
    assert "sessionId=[redacted]&transport=websocket" in written and "s3cr3t" not in written


def test_json_lines_are_one_object_each(log_lines: io.StringIO) -> None:
    import json

    configure(level="info", json_lines=True, stream=log_lines)
    try:
        raise ValueError(f"token={BOT_TOKEN}")
    except ValueError:
        logging.getLogger("bot.x").exception("failed for %s", "U1")
    [line] = log_lines.getvalue().splitlines()
    entry = json.loads(line)
    assert (entry["level"], entry["logger"], entry["message"]) == ("error", "bot.x", "failed for U1")
    assert "ValueError" in entry["error"] and BOT_TOKEN not in entry["error"]
