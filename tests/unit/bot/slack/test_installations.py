"""OAuth installations and state values in our database, as slack_sdk's stores (any replica finishes an install)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.slack.installations import DbInstallationStore, DbStateStore
from commands.framework.replies import Audience, Message
from commands.lifecycle import outbox_entry
from db.storage import Storage

INSTALLATION = Installation(user_id="U1", team_id="T1", team_name="Acme", bot_token="xoxb-inst1", bot_id="B1",
                            bot_user_id="U0BOT", bot_scopes=["commands", "chat:write"])


async def test_a_saved_installation_is_found_as_bot_and_installation(storage: Storage) -> None:
    store = DbInstallationStore(storage)
    await store.async_save(INSTALLATION)
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-inst1" and bot.bot_scopes == ["commands", "chat:write"]
    found = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U7")
    assert found is not None and found.user_id == "U7" and found.team_name == "Acme"
    assert await store.async_find_bot(enterprise_id=None, team_id="T2") is None
    assert await store.async_find_installation(enterprise_id=None, team_id=None) is None


async def test_an_installation_without_a_bot_token_is_refused(storage: Storage) -> None:
    with pytest.raises(ValueError, match="bot token"):
        await DbInstallationStore(storage).async_save(Installation(user_id="U1", team_id="T1", user_token="xoxp-1"))


async def test_deleting_the_bot_keeps_the_workspace_deleting_the_installation_forgets_it(storage: Storage) -> None:
    store = DbInstallationStore(storage)
    await store.async_save(INSTALLATION)
    await store.async_delete_bot(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert (await storage.workspaces.get("T1")) is not None
    await store.async_save(INSTALLATION)
    await store.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U1")  # one user: kept
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is not None
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-key"})
    await store.async_delete_installation(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert (await storage.accounts.all("T1")) == []  # provider credentials go with the installation


async def test_a_state_is_consumed_once(storage: Storage) -> None:
    states = DbStateStore(storage)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
    assert await states.async_consume("forged") is False


ROTATING = Installation(user_id="U1", team_id="T1", team_name="Acme", bot_token="xoxe.xoxb-1-a", bot_id="B1",
                        bot_user_id="U0BOT", bot_scopes=["commands"], bot_refresh_token="xoxe-1-r",
                        bot_token_expires_in=43_200)
ORG_WIDE = Installation(user_id="U1", team_id=None, enterprise_id="E1", enterprise_name="Org", bot_token="xoxb-org",
                        bot_id="B9", bot_user_id="U0BOT", bot_scopes=["commands"], is_enterprise_install=True)


async def test_a_rotating_installation_comes_back_with_its_refresh_token_and_expiry(storage: Storage) -> None:
    store = DbInstallationStore(storage)
    await store.async_save(ROTATING)
    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_refresh_token == "xoxe-1-r"
    assert found.bot_token_expires_at == ROTATING.bot_token_expires_at
    await store.async_delete_bot(enterprise_id=None, team_id="T1")  # tokens_revoked: both tokens go
    workspace = await storage.workspaces.get("T1")
    assert workspace is not None and workspace.bot_token is None and workspace.bot_refresh_token is None


async def test_an_org_wide_installation_serves_each_workspace_of_the_org(storage: Storage) -> None:
    store = DbInstallationStore(storage)
    await store.async_save(ORG_WIDE)
    org = await store.async_find_installation(enterprise_id="E1", team_id="T7", is_enterprise_install=True)
    assert org is not None and org.bot_token == "xoxb-org" and org.team_id is None and org.is_enterprise_install
    member = await storage.workspaces.get("T7")
    assert member is not None and member.enterprise_id == "E1" and member.bot_token is None
    # Outside a request only the team is known: its link leads to the organisation's token.
    later = await store.async_find_installation(enterprise_id=None, team_id="T7")
    assert later is not None and later.bot_token == "xoxb-org"
    assert await store.async_find_installation(enterprise_id=None, team_id="T8") is None
    await storage.accounts.save("T7", provider="whereby", credentials={"api_key": "k"})
    await store.async_delete_all(enterprise_id="E1", team_id=None)
    assert await storage.workspaces.get("E1") is None and await storage.workspaces.get("T7") is None
    assert await storage.accounts.all("T7") == []


async def test_a_reinstall_sends_again_what_the_revoked_token_stopped(storage: Storage) -> None:
    now = datetime.now(UTC)
    entries = [outbox_entry(Message(key, audience=Audience.CHANNEL, to="C1"), team_id=team, key=key, not_before=due)
               for team, key, due in (("T1", "fresh", now), ("T1", "hours-old", now - timedelta(hours=3)),
                                      ("T2", "other", now))]
    await storage.outbox.enqueue(entries)
    await storage.outbox.stop_workspace("T1", reason="token_revoked")
    await storage.outbox.stop_workspace("T2", reason="token_revoked")
    await DbInstallationStore(storage).async_save(INSTALLATION)
    assert await storage.outbox.stopped_reason("T1") is None
    assert await storage.outbox.stopped_reason("T2") == "token_revoked"  # another workspace stays stopped
    # The fresh row is queued again; one due hours ago is past the reminder grace and stays stopped.
    assert await storage.outbox.counts() == {"pending": 1, "stopped": 2}
