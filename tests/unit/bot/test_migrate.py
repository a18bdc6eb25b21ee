"""`meetbot migrate`, and start-up against a schema behind head (serve refuses, the console upgrades SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from cryptography.fernet import Fernet

from bot.cli import main
from bot.runtime import StartupError, build_runtime
from bot.settings import Settings
from db import schema
from db.engine import make_engine

SETTINGS_VARIABLES = ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET",
                      "SLACK_APP_TOKEN", "MEETBOT_SECRET_KEYS", "DATABASE_URL")


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def at_first_revision(url: str) -> str:
    engine = make_engine(url, vault=None)
    with engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), "0001")
    engine.dispose()
    return url


def settings_for(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, meetbot_secret_keys=Fernet.generate_key().decode())  # type: ignore[call-arg]


def test_migrate_upgrades_then_says_there_is_nothing_to_do(
    blank_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", at_first_revision(blank_database_url))
    assert main(["migrate"]) == 0
    head = schema.head_revision()
    assert capsys.readouterr().out == f"Upgraded the database from schema 0001 to {head}.\n"
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out == f"The database is already at schema {head}; nothing to do.\n"


def test_migrate_failure_is_one_sentence_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["migrate"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("meetbot: Cannot reach the database at postgresql")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_serve_refuses_a_schema_behind_head(blank_database_url: str) -> None:
    with pytest.raises(StartupError, match=r"behind this meetbot .* run `meetbot migrate` before `meetbot serve`"):
        build_runtime(settings_for(at_first_revision(blank_database_url)), purpose="serve")


def test_serve_refuses_on_the_command_line_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", at_first_revision(f"sqlite:///{tmp_path / 'old.db'}"))
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "run `meetbot migrate`" in err and len(err.strip().splitlines()) == 1


def test_a_new_empty_database_gets_its_tables_only_on_sqlite(blank_database_url: str) -> None:
    if blank_database_url.startswith("sqlite"):
        runtime = build_runtime(settings_for(blank_database_url), purpose="serve")
        assert any("Created the tables" in notice for notice in runtime.notices)
    else:  # replicas would race to create it: an operator runs `meetbot migrate` once
        with pytest.raises(StartupError, match="run `meetbot migrate`"):
            build_runtime(settings_for(blank_database_url), purpose="serve")


def test_the_console_upgrades_sqlite_and_says_so(tmp_path: Path) -> None:
    url = at_first_revision(f"sqlite:///{tmp_path / 'old.db'}")
    runtime = build_runtime(Settings(_env_file=None, database_url=url), purpose="console")  # type: ignore[call-arg]
    assert any("Upgraded the SQLite database from schema 0001" in notice for notice in runtime.notices)
    assert not schema.check(runtime.storage.engine).behind
