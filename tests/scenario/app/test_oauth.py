"""Many workspaces through Slack OAuth: install stores an encrypted token, uninstall deletes it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text

from tests.scenario.harness import SlackScenario, slack_app
from tests.support.eventually import eventually

OAUTH = {"slack_bot_token": None, "slack_client_id": "1111.2222", "slack_client_secret": "fake-client-secret"}


async def install(slack: SlackScenario, *, team: str, token: str, **grant: Any) -> None:
    """Install through /slack/install and /slack/oauth_redirect; ``grant``: the fake's add_oauth_code
    options (``expires_in`` for token rotation, ``enterprise_id`` and ``org_wide``)."""
    slack.fake.add_oauth_code(f"code-{team}", team_id=team, bot_token=token, team_name=f"Team {team}", **grant)
    page = await slack.http.get("/slack/install")
    assert page.status_code == 200
    state = re.search(r"state=([\w-]+)", page.text).group(1)  # type: ignore[union-attr]
    # The client keeps Bolt's state cookie, as the installing admin's browser would.
    done = await slack.http.get("/slack/oauth_redirect", params={"code": f"code-{team}", "state": state})
    assert done.status_code == 200, done.text


async def bot_token_gone(slack: SlackScenario, team: str) -> bool:
    workspace = await slack.storage.workspaces.get(team)
    return workspace is not None and workspace.bot_token is None


async def test_install_stores_an_encrypted_token_and_serves_that_workspace(database_url: str) -> None:
    async with slack_app(database_url, **OAUTH) as slack:
        await install(slack, team="T1", token="xoxb-inst1")
        assert slack.fake.calls_to("oauth.v2.access")[-1].ok
        with slack.storage.engine.connect() as session:  # a test may block its own loop
            stored = session.execute(text("SELECT bot_token FROM workspace WHERE team_id = 'T1'")).scalar()
        assert stored and "xoxb-inst1" not in stored
        workspace = await slack.storage.workspaces.get("T1")
        assert workspace is not None and workspace.bot_token == "xoxb-inst1"

        await slack.command("/meeting new kmeet Standup")
        call = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
        assert call.token == "xoxb-inst1"


async def test_install_with_a_forged_state_stores_nothing(database_url: str) -> None:
    async with slack_app(database_url, **OAUTH) as slack:
        slack.fake.add_oauth_code("code-x", team_id="T1", bot_token="xoxb-x")
        response = await slack.http.get("/slack/oauth_redirect", params={"code": "code-x", "state": "forged"})
        assert response.status_code >= 400
        assert (await slack.storage.workspaces.get("T1")) is None
        assert slack.fake.calls_to("oauth.v2.access") == []


async def workspace_gone(slack: SlackScenario, team: str) -> bool:
    return await slack.storage.workspaces.get(team) is None


async def test_uninstall_deletes_the_workspaces_data(database_url: str) -> None:
    async with slack_app(database_url, **OAUTH) as slack:
        await install(slack, team="T1", token="xoxb-inst1")
        await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-key"})
        await slack.command("/meeting new kmeet Standup tomorrow 10:00 remind 10m")
        assert "Room ready" in await slack.reply()
        response = await slack.event({"type": "app_uninstalled", "event_ts": "1.2"})
        assert response.status_code == 200
        await eventually(lambda: workspace_gone(slack, "T1"))
        assert (await slack.storage.accounts.all("T1")) == []
        with slack.storage.engine.connect() as session:  # a test may block its own loop
            left = {name: session.execute(text(f"SELECT count(*) FROM {name} WHERE team_id = 'T1'")).scalar()
                    for name in ("meeting", "reminder", "meetingparticipant", "workspace", "provideraccount")}
        assert left == dict.fromkeys(left, 0)


async def test_tokens_revoked_forgets_the_bot_token(database_url: str) -> None:
    async with slack_app(database_url, **OAUTH) as slack:
        await install(slack, team="T1", token="xoxb-inst1")
        await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-key"})
        await slack.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}, "event_ts": "1.2"})
        await eventually(lambda: bot_token_gone(slack, "T1"))
        assert (await slack.storage.accounts.get("T1", "whereby")) is not None  # only the token is gone
