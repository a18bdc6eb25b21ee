"""Workspaces and OAuth states on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from db.storage import Storage
from tests.support.storage import raw_rows


async def test_ensure_creates_once_and_keeps_the_row(storage: Storage) -> None:
    first = await storage.workspaces.ensure("T1", team_name="Acme")
    await storage.workspaces.set_default_reminders("T1", "1h,10m")
    again = await storage.workspaces.ensure("T1", team_name="ignored")
    assert (first.team_name, again.team_name, again.default_reminders) == ("Acme", "Acme", "1h,10m")
    assert await storage.workspaces.get("T2") is None


async def test_workspaces_asked_for_together_are_read_once_and_the_new_made_once(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    await storage.workspaces.ensure("T1", team_name="Acme")
    await storage.workspaces.set_default_reminders("T1", "1h")
    batches: list[list[tuple[str, str | None]]] = []
    many = storage.workspaces.ensure_many
    monkeypatch.setattr(storage.workspaces._ensured, "many", lambda asked: batches.append(asked) or many(asked))
    asks = [("T1", None), ("T2", "Beta"), ("T2", "ignored"), ("T1", "ignored"), ("T3", None)]
    together = await asyncio.gather(*(storage.workspaces.ensure(team, team_name=name) for team, name in asks))
    assert [(w.team_id, w.team_name, w.default_reminders) for w in together] == [
        ("T1", "Acme", "1h"), ("T2", "Beta", "10m"), ("T2", "Beta", "10m"), ("T1", "Acme", "1h"), ("T3", None, "10m")]
    assert len(batches) == 1  # one transaction for the five
    assert await raw_rows(storage, "SELECT team_id FROM workspace ORDER BY team_id") == [("T1",), ("T2",), ("T3",)]


async def test_installation_token_is_ciphertext_and_uninstall_forgets_it(storage: Storage) -> None:
    await storage.workspaces.save_installation("T1", bot_token="xoxb-plain7", bot_id="B1", bot_user_id="UB",
                                               bot_scopes="commands", team_name="Acme")
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "k"})
    [(token,)] = await raw_rows(storage, "SELECT bot_token FROM workspace")
    assert "xoxb-plain7" not in token and token.startswith("gAAAA")
    workspace = await storage.workspaces.get("T1")
    assert workspace is not None and workspace.bot_token == "xoxb-plain7" and "xoxb" not in repr(workspace)
    await storage.workspaces.forget("T1")
    assert await storage.workspaces.get("T1") is None
    assert await storage.accounts.all("T1") == []


async def test_revoked_tokens_keep_the_rest(storage: Storage) -> None:
    await storage.workspaces.save_installation("T1", bot_token="xoxb-1", bot_id="B1", bot_user_id="UB",
                                               bot_scopes="commands")
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "k"})
    await storage.workspaces.forget_bot_token("T1")
    workspace = await storage.workspaces.get("T1")
    assert workspace is not None and workspace.bot_token is None and workspace.bot_id == "B1"
    assert len(await storage.accounts.all("T1")) == 1


async def test_uninstalling_one_workspace_leaves_the_others(storage: Storage) -> None:
    await storage.accounts.save("T2", provider="whereby", credentials={"api_key": "k2"})
    await storage.workspaces.forget("T1")
    assert await storage.accounts.get("T2", "whereby") is not None


async def test_oauth_state_is_single_use_and_expires(storage: Storage) -> None:
    state = await storage.oauth_states.issue()
    assert await storage.oauth_states.consume(state) is True
    assert await storage.oauth_states.consume(state) is False
    assert await storage.oauth_states.consume("forged") is False
    stale = await storage.oauth_states.issue(ttl=timedelta(seconds=-1))
    assert await storage.oauth_states.consume(stale) is False
    assert await raw_rows(storage, "SELECT state FROM oauthstate") == []
