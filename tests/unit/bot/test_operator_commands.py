"""Issue 11: the operator's commands. ``serve`` never makes a new key for an existing database;
``rotate-keys`` re-encrypts with the newest key; ``purge --team`` deletes a workspace's data."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cli import main
from bot.runtime import StartupError, build_runtime
from bot.settings import Settings
from db.crypto import Vault
from db.storage import Storage
from tests.support.logs import captured_logs
from tests.support.sentences import assert_one_sentence
from tests.unit.bot.test_cli import workdir  # noqa: F401  (the fixture)

SLACK = {"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}


@pytest.fixture(autouse=True)
def logging_put_back() -> Iterator[None]:
    """``main`` sets logging up for a process; the tests after these get pytest's set-up back."""
    with captured_logs(level="warning"):
        yield


def settings(workdir: Path, **values: str) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{workdir / 'm.db'}", **values)  # type: ignore[arg-type]


async def console_made_a_database(workdir: Path) -> None:
    """The console's first start: a new database and a development key file, then a secret stored."""
    runtime = build_runtime(settings(workdir), purpose="console")
    await runtime.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-1"})
    await runtime.storage.close()


async def test_serve_refuses_an_existing_sqlite_database_when_its_key_is_gone(workdir: Path) -> None:
    await console_made_a_database(workdir)
    (workdir / ".meetbot-secret.key").unlink()
    with pytest.raises(StartupError) as refused:
        build_runtime(settings(workdir, **{k.lower(): v for k, v in SLACK.items()}), purpose="serve")
    assert_one_sentence(str(refused.value))
    assert "MEETBOT_SECRET_KEYS" in str(refused.value) and "m.db" in str(refused.value)
    assert not (workdir / ".meetbot-secret.key").exists()  # no new key was made


async def test_a_database_without_secrets_still_gets_a_development_key(workdir: Path) -> None:
    runtime = build_runtime(settings(workdir), purpose="console")  # tables, but no secret stored
    await runtime.storage.close()
    (workdir / ".meetbot-secret.key").unlink()
    again = build_runtime(settings(workdir), purpose="serve")
    await again.storage.close()
    assert "Generated" in again.notices[0]


async def test_a_new_database_still_gets_a_development_key(workdir: Path) -> None:
    runtime = build_runtime(settings(workdir), purpose="serve")
    await runtime.storage.close()
    assert (workdir / ".meetbot-secret.key").exists() and "Generated" in runtime.notices[0]


async def test_rotate_keys_reports_counts_and_the_old_key_can_go(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{workdir / 'm.db'}")
    monkeypatch.setenv("MEETBOT_SECRET_KEYS", old)
    runtime = build_runtime(Settings(_env_file=None), purpose="console")
    await runtime.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-1"})
    await runtime.storage.accounts.save("T2", provider="whereby", credentials={"api_key": "wb-2"})
    await runtime.storage.close()

    monkeypatch.setenv("MEETBOT_SECRET_KEYS", f"{new},{old}")
    assert main(["rotate-keys"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Re-encrypted 2 secrets with the newest key: provideraccount.credentials 2.")
    storage = Storage.open(f"sqlite:///{workdir / 'm.db'}", vault=Vault.from_keys([new]))
    assert [a.credentials["api_key"] for a in await storage.accounts.all("T2")] == ["wb-2"]
    await storage.close()

    monkeypatch.setenv("MEETBOT_SECRET_KEYS", Fernet.generate_key().decode())  # neither key
    assert main(["rotate-keys"]) == 2
    err = capsys.readouterr().err
    assert "cannot be decrypted with any key" in err and "Traceback" not in err


def test_rotate_keys_needs_the_keys_setting(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rotate-keys"]) == 2
    assert "rotate-keys needs MEETBOT_SECRET_KEYS" in capsys.readouterr().err


async def installed(workdir: Path, monkeypatch: pytest.MonkeyPatch, *teams: str) -> None:
    """A database set by the environment, with an installation and a Whereby account for each team."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{workdir / 'm.db'}")
    monkeypatch.setenv("MEETBOT_SECRET_KEYS", Fernet.generate_key().decode())
    runtime = build_runtime(Settings(_env_file=None), purpose="console")
    for team in teams:
        await runtime.storage.workspaces.save_installation(team, bot_token=f"xoxb-{team}", bot_id="B",
                                                           bot_user_id="UB", bot_scopes="commands")
        await runtime.storage.accounts.save(team, provider="whereby", credentials={"api_key": "k"})
    await runtime.storage.close()


async def test_purge_asks_for_yes_then_deletes_one_workspace_and_reports(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await installed(workdir, monkeypatch, "T1", "T2")

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["purge", "--team", "T1"]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert main(["purge", "--team", "robert'); drop table", "--yes"]) == 2
    assert "not a Slack workspace id" in capsys.readouterr().err

    assert main(["purge", "--team", "T1", "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Deleted everything meetbot held for T1: 2 rows (")
    assert "workspace 1" in out and "provideraccount 1" in out
    with sqlite3.connect(workdir / "m.db") as db:
        left = db.execute("SELECT team_id FROM workspace UNION ALL SELECT team_id FROM provideraccount").fetchall()
    assert sorted(left) == [("T2",), ("T2",)]
    assert main(["purge", "--team", "T1", "--yes"]) == 0
    assert "holds nothing for T1" in capsys.readouterr().out


async def test_purge_asks_on_a_terminal(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await installed(workdir, monkeypatch, "T1")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["purge", "--team", "T1"]) == 1
    assert "Nothing was deleted." in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert main(["purge", "--team", "T1"]) == 0
    assert "provideraccount 1" in capsys.readouterr().out
