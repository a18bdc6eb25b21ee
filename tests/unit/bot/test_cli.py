"""The command line: the console end to end, and startup errors as one clear sentence (exit 2)."""

from __future__ import annotations

import io
import logging
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import configure_logging, main
from bot.console import ConsoleDirectory, run_console
from bot.runtime import StartupError, build_runtime
from bot.settings import Settings
from commands.framework.context import Context, Person
from tests.paths import REPO_ROOT
from tests.support.sentences import assert_one_sentence

SLACK_VARIABLES = ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET",
                   "SLACK_APP_TOKEN", "MEETBOT_SECRET_KEYS", "DATABASE_URL")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working directory with no Slack or key settings in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SLACK_VARIABLES}
    clean.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env={**clean, "PYTHONPATH": str(REPO_ROOT)}, timeout=60)


async def test_console_runs_commands_from_piped_input(workdir: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{workdir / 'm.db'}", kmeet_host="meet.example.test")
    speaker = Person(id="U1", name="Ada", tz="Europe/Zurich")
    runtime = build_runtime(settings, purpose="console", directory=ConsoleDirectory(speaker))
    ctx = Context(team_id="T1", user_id="U1", channel_id="C1", user_tz="Europe/Zurich")
    source = io.StringIO("# a comment\n\n/meeting help\n/meeting new kmeet Standup\n/meeting nwe\nhello\n")
    out = io.StringIO()
    assert await run_console(runtime, ctx, source=source, out=out) == 0
    text = out.getvalue()
    assert "/meeting new" in text and "e.g." in text
    assert "[in #C1]" in text and "https://meet.example.test/" in text and "Room ready" in text
    assert "Did you mean `/meeting new`?" in text
    assert "Type a slash command" in text
    assert "CET" in text  # times in the speaker's zone
    assert len((await runtime.storage.meetings.upcoming("T1", after=runtime.services.clock())).items) == 1


def test_start_without_slack_opens_the_console_and_says_so(workdir: Path) -> None:
    result = run_cli("start", "--tz", "Europe/Zurich", stdin="/meeting new kmeet Standup\n", cwd=workdir)
    assert result.returncode == 0, result.stderr
    first = result.stderr.splitlines()[0]
    assert "starting `meetbot console`" in first
    assert "Generated a development encryption key in .meetbot-secret.key" in result.stderr
    assert stat.S_IMODE((workdir / ".meetbot-secret.key").stat().st_mode) == 0o600
    assert "Room ready" in result.stdout
    again = run_cli("console", stdin="", cwd=workdir)
    assert "Using a development encryption key" in again.stderr and again.returncode == 0


TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
MISTAKES = (
    "/meeting nwe\n"
    '/meeting new kmeet "x" 9999-12-31 23:59\n'
    "/meeting new kmeet Retro yesterday\n"
    "/meeting cancel 99\n"
    "/meeting new kmeet Standup tomorrow 10:00\n"
)


def test_console_prints_only_replies_and_each_notice_once_on_stderr(workdir: Path) -> None:
    result = run_cli("console", "--tz", "America/New_York", stdin=MISTAKES, cwd=workdir)
    assert result.returncode == 0, result.stderr
    notices = ["Generated a development encryption key", "Created the tables"]
    for notice in notices:
        assert notice not in result.stdout
        assert result.stderr.count(notice) == 1, result.stderr
    # Every stdout line belongs to a reply: a header, or an indented line of it.
    assert all(line.startswith(("[", "  ")) for line in result.stdout.splitlines()), result.stdout
    assert "too far ahead" in result.stdout and "Yesterday has already passed" in result.stdout
    assert "Did you mean `/meeting new`?" in result.stdout and "Room ready" in result.stdout
    # The user's mistakes were answered, not logged: stderr is the two notices and nothing else.
    assert len(result.stderr.splitlines()) == 2, result.stderr
    assert not TIMESTAMP.search(result.stderr) and "WARNING" not in result.stderr
    assert "Something went wrong" not in result.stdout


def test_console_logging_shows_real_problems_without_timestamps(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("console", force=True)
    try:
        logging.getLogger("commands.meeting.connect").info("connect: the provider refused the credentials")
        logging.getLogger("bot.workers.delivery").warning("could not post a channel message")
        err = capsys.readouterr().err
        assert err == "meetbot: WARNING: could not post a channel message\n"
    finally:  # leave logging as pytest set it up
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


@pytest.mark.parametrize(
    ("env", "named", "not_named"),
    [
        ({"SLACK_SIGNING_SECRET": "sig-7Qx"}, ["SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"], []),
        ({"SLACK_BOT_TOKEN": "xoxb-9Kq"}, ["SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"], ["SLACK_BOT_TOKEN"]),
        ({"SLACK_SIGNING_SECRET": "sig-7Qx", "SLACK_CLIENT_ID": "cid-3Lm"}, ["SLACK_CLIENT_SECRET"],
         ["SLACK_BOT_TOKEN", "SLACK_CLIENT_ID"]),
        ({"SLACK_CLIENT_ID": "cid-3Lm", "SLACK_CLIENT_SECRET": "csec-8Rt"}, ["SLACK_SIGNING_SECRET"], ["SLACK_BOT_TOKEN"]),
        ({"SLACK_APP_TOKEN": "xapp-2Zp"}, ["SLACK_BOT_TOKEN"], ["SLACK_SIGNING_SECRET"]),
    ],
)
@pytest.mark.parametrize("command", ["start", "serve"])
def test_partial_slack_settings_name_what_is_missing_and_exit_2(
    workdir: Path, command: str, env: dict[str, str], named: list[str], not_named: list[str]
) -> None:
    result = run_cli(command, stdin="/meeting help\n", cwd=workdir, env=env)
    assert result.returncode == 2
    assert result.stdout == ""  # no console was started
    [sentence] = result.stderr.splitlines()
    assert sentence.startswith("meetbot: Slack is only partly configured: set ")
    assert all(name in sentence for name in named) and not any(f"set {name}" in sentence for name in not_named)
    assert not any(value in sentence for value in env.values())  # names only, never a value
    assert_one_sentence(sentence.removeprefix("meetbot: "))


def test_a_blank_slack_variable_is_unset(workdir: Path) -> None:
    result = run_cli("start", stdin="", cwd=workdir, env={"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": " "})
    assert result.returncode == 0 and "starting `meetbot console`" in result.stderr


SLACK_FIELDS = st.sets(st.sampled_from(["slack_signing_secret", "slack_bot_token", "slack_client_id",
                                        "slack_client_secret", "slack_app_token"]))


@given(SLACK_FIELDS)
def test_any_slack_settings_are_complete_absent_or_named_missing(present: set[str]) -> None:
    settings = Settings(_env_file=None, **{name: "x" for name in present})  # type: ignore[arg-type]
    missing = settings.slack_missing()
    if not present or settings.slack_mode() is not None:
        assert missing is None
    else:
        assert missing and all(f"{name.upper()} " not in f"{missing} " for name in present), missing


def test_serve_without_slack_exits_2_naming_the_variables(workdir: Path) -> None:
    result = run_cli("serve", cwd=workdir)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_on_postgres_refuses_to_start_without_a_key(workdir: Path) -> None:
    result = run_cli("serve", cwd=workdir, env={"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1",
                                               "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode == 2
    assert "MEETBOT_SECRET_KEYS must be set" in result.stderr and "Traceback" not in result.stderr


def test_malformed_key_and_unreachable_database_are_one_sentence(workdir: Path) -> None:
    bad_key = run_cli("console", cwd=workdir, env={"MEETBOT_SECRET_KEYS": "not-a-key"})
    assert bad_key.returncode == 2 and "key #1 is not a valid Fernet key" in bad_key.stderr
    assert "Traceback" not in bad_key.stderr
    no_db = run_cli("console", cwd=workdir, env={"MEETBOT_SECRET_KEYS": Fernet.generate_key().decode(),
                                                 "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert no_db.returncode == 2 and "Cannot reach the database" in no_db.stderr
    assert "Traceback" not in no_db.stderr


def test_key_file_readable_by_others_is_refused(workdir: Path) -> None:
    key_file = workdir / ".meetbot-secret.key"
    key_file.write_text(Fernet.generate_key().decode())
    key_file.chmod(0o644)
    with pytest.raises(StartupError, match="chmod 600"):
        build_runtime(Settings(_env_file=None, database_url=f"sqlite:///{workdir / 'm.db'}"), purpose="console")


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "serve" in out and "console" in out


def test_a_setting_of_the_wrong_type_is_one_sentence(workdir: Path) -> None:
    result = run_cli("serve", cwd=workdir, env={"PORT": "abc"})
    assert result.returncode == 2 and "PORT" in result.stderr and "Traceback" not in result.stderr
