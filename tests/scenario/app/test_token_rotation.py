"""Issue 11, operations: Slack token rotation and Enterprise Grid org-wide installs, through signed
requests against the fake Slack issuing expiring tokens and org-wide grants."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.scenario.app.test_oauth import OAUTH, install
from tests.scenario.harness import SlackScenario, slack_app
from tests.support.eventually import eventually

TWELVE_HOURS = 43_200


def stored(slack: SlackScenario, team: str) -> tuple[str, str]:
    with slack.storage.engine.connect() as session:  # a test may block its own loop
        row = session.execute(text("SELECT bot_token, bot_refresh_token FROM workspace WHERE team_id = :t"),
                              {"t": team}).one()
    return row[0], row[1]


async def test_a_rotating_install_keeps_its_refresh_token_encrypted_and_its_expiry(database_url: str) -> None:
    async with slack_app(database_url, **OAUTH) as slack:
        await install(slack, team="T1", token="xoxe.xoxb-1-first", expires_in=TWELVE_HOURS)
        workspace = await slack.storage.workspaces.get("T1")
        assert workspace is not None and workspace.bot_token == "xoxe.xoxb-1-first"
        assert workspace.bot_refresh_token and workspace.bot_refresh_token.startswith("xoxe-1-")
        assert workspace.bot_token_expires_at is not None
        assert abs(workspace.bot_token_expires_at.timestamp() - (time.time() + TWELVE_HOURS)) < 60
        token, refresh = stored(slack, "T1")
        assert "xoxe" not in token and "xoxe" not in refresh  # ciphertext at rest, both

        await slack.command("/meeting new kmeet Standup")  # 12 hours left: nothing to rotate yet
        call = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
        assert call.ok and call.token == "xoxe.xoxb-1-first"
        assert [c for c in slack.fake.calls_to("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"] == []


async def test_a_token_about_to_expire_is_rotated_before_a_request_and_for_the_workers(database_url: str) -> None:
    async with slack_app(database_url, **OAUTH) as slack:
        await install(slack, team="T1", token="xoxe.xoxb-1-short", expires_in=3600)  # < Bolt's 2 hours
        first_refresh = (await slack.storage.workspaces.get("T1")).bot_refresh_token  # type: ignore[union-attr]

        await slack.command("/meeting new kmeet Standup")
        post = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
        [rotation] = [c for c in slack.fake.calls_to("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"]
        assert rotation.ok and rotation.args["refresh_token"] == first_refresh
        assert post.ok and post.token == rotation.response["access_token"] != "xoxe.xoxb-1-short"
        workspace = await slack.storage.workspaces.get("T1")
        assert workspace is not None and workspace.bot_token == post.token
        assert workspace.bot_refresh_token == rotation.response["refresh_token"] != first_refresh

        # 11 hours on (the stored expiry says so): the reminder tick has no request, and its client
        # is rotated the same way before it is used.
        with slack.storage.engine.begin() as session:
            session.execute(text("UPDATE workspace SET bot_token_expires_at = :soon WHERE team_id = 'T1'"),
                            {"soon": datetime.now(UTC) + timedelta(minutes=30)})
        slack.fake.expire_token(post.token)
        client = await slack.app_shell.clients("T1")
        assert client is not None and client.token not in (post.token, "xoxe.xoxb-1-short")
        assert (await client.auth_test())["ok"] is True
        assert len([c for c in slack.fake.calls_to("oauth.v2.access") if c.args.get("grant_type")]) == 2
        again = await slack.app_shell.clients("T1")  # fresh for 12 hours: no third rotation
        assert again is not None and again.token == client.token
        assert len([c for c in slack.fake.calls_to("oauth.v2.access") if c.args.get("grant_type")]) == 2


async def test_a_revoked_refresh_token_leaves_the_worker_without_a_client_not_a_traceback(database_url: str) -> None:
    async with slack_app(database_url, **OAUTH) as slack:
        await install(slack, team="T1", token="xoxe.xoxb-1-gone", expires_in=60)
        slack.fake.fail_next("oauth.v2.access", "invalid_refresh_token")
        assert await slack.app_shell.clients("T1") is None


ORG = {"enterprise_id": "E1", "is_enterprise_install": "true", "enterprise_name": "Org E1"}


async def test_an_org_wide_install_serves_its_workspaces_and_its_uninstall_deletes_their_data(
    database_url: str,
) -> None:
    async with slack_app(database_url, **OAUTH) as slack:
        await install(slack, team="T1", token="xoxb-org-E1", enterprise_id="E1", org_wide=True)
        org = await slack.storage.workspaces.get("E1")
        assert org is not None and org.is_enterprise_install and org.bot_token == "xoxb-org-E1"
        assert await slack.storage.workspaces.get("T1") is None  # nothing of T1's yet

        await slack.command("/meeting new kmeet Standup", extra=ORG)
        post = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
        assert post.ok and post.token == "xoxb-org-E1"
        member = await slack.storage.workspaces.get("T1")
        assert member is not None and member.enterprise_id == "E1" and member.bot_token is None  # linked
        client = await slack.app_shell.clients("T1")  # the reminder tick finds the org's token
        assert client is not None and client.token == "xoxb-org-E1"

        await slack.event({"type": "app_uninstalled", "event_ts": "1.2"}, extra={**ORG, "is_enterprise_install": True})
        await eventually(lambda: gone(slack, "E1"))
        with slack.storage.engine.connect() as session:
            left = session.execute(text("SELECT count(*) FROM meeting WHERE team_id = 'T1'")).scalar()
        assert left == 0 and await slack.storage.workspaces.get("T1") is None


async def gone(slack: SlackScenario, team: str) -> bool:
    return await slack.storage.workspaces.get(team) is None
