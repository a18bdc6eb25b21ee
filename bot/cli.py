"""``meetbot``: serve Slack, or talk to the same core on the console.

    meetbot serve              # HTTP on $PORT (Socket Mode when SLACK_APP_TOKEN is set)
    meetbot console --user U1  # slash commands from standard input
    meetbot start              # serve if Slack is configured, else the console (what `make run` does)
    meetbot migrate            # upgrade DATABASE_URL's schema to this version (before `serve`)
    meetbot rotate-keys        # re-encrypt every stored secret with the newest MEETBOT_SECRET_KEYS key
    meetbot purge --team T123  # delete everything stored for one workspace (asks, or --yes)
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys

from pydantic import ValidationError

from bot.settings import Settings

QUIET_COMMANDS = ("console", "start", "migrate", "rotate-keys", "purge")
NO_SLACK = (
    "Slack is not configured: set SLACK_SIGNING_SECRET with SLACK_BOT_TOKEN (one workspace), or with "
    "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth, many workspaces); add SLACK_APP_TOKEN for Socket Mode."
)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="meetbot", description="Run meetings on five providers from Slack.")
    sub = root.add_subparsers(dest="command", metavar="{serve,console,start,migrate,rotate-keys,purge}")
    serve = sub.add_parser("serve", help="serve Slack over HTTP (or Socket Mode when SLACK_APP_TOKEN is set)")
    serve.add_argument("--port", type=int, help="overrides PORT (default 3000)")
    console = sub.add_parser("console", help="type slash commands; replies print as text")
    add_console_options(console)
    start = sub.add_parser("start", help="serve if Slack is configured, otherwise the console")
    add_console_options(start)
    sub.add_parser("migrate", help="upgrade the database schema (DATABASE_URL) to this version")
    sub.add_parser("rotate-keys", help="re-encrypt every stored secret with the first key of MEETBOT_SECRET_KEYS")
    purge = sub.add_parser("purge", help="delete everything stored for one workspace, as uninstalling does")
    purge.add_argument("--team", required=True, help="the workspace id (T…, as in Slack's URLs)")
    purge.add_argument("--yes", action="store_true", help="delete without asking")
    return root


def add_console_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--team", default="T0CONSOLE", help="workspace id (default T0CONSOLE)")
    command.add_argument("--user", default="U0CONSOLE", help="who is speaking (default U0CONSOLE)")
    command.add_argument("--name", default="console user", help="the speaker's name")
    command.add_argument("--channel", default="C0CONSOLE", help="where they speak (default C0CONSOLE)")
    command.add_argument("--email", default=None, help="the speaker's e-mail (for personal links)")
    command.add_argument("--tz", default="UTC", help="the speaker's IANA time zone (default UTC)")
    command.add_argument("--admin", action=argparse.BooleanOptionalAction, default=True,
                         help="treat the speaker as a workspace admin (default yes)")


def run_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import ConsoleDirectory, run_console as console_loop
    from bot.runtime import build_runtime
    from commands.framework.context import Context, Person

    speaker = Person(id=args.user, name=args.name, email=args.email, tz=args.tz, is_admin=args.admin)
    runtime = build_runtime(settings, purpose="console", directory=ConsoleDirectory(speaker))
    for notice in runtime.notices:  # stdout carries the replies only
        print(notice, file=sys.stderr, flush=True)
    ctx = Context(team_id=args.team, user_id=args.user, channel_id=args.channel, user_tz=args.tz, user_name=args.name)
    return asyncio.run(console_loop(runtime, ctx))


def partly_configured(settings: Settings) -> str | None:
    """The sentence for a Slack configuration with variables missing, or None."""
    missing = settings.slack_missing()
    if missing is None:
        return None
    return (f"meetbot: Slack is only partly configured: set {missing}, or unset the Slack variables "
            "to use the console.")


TEAM_ID = re.compile(r"T[A-Z0-9]+")


def run_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Asks first (or needs ``--yes`` when nobody can answer), then prints what was deleted."""
    from bot.runtime import purge_team

    if not TEAM_ID.fullmatch(args.team):
        print(f"meetbot: {args.team!r} is not a Slack workspace id; give one like T0123ABCD.", file=sys.stderr)
        return 2
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"meetbot: add --yes to delete everything stored for {args.team} without being asked.",
                  file=sys.stderr)
            return 2
        answer = input(f"Delete every token, credential, meeting and reminder stored for {args.team}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return 1
    print(purge_team(settings, args.team), flush=True)
    return 0


def run_serve(settings: Settings, port: int | None) -> int:
    if settings.slack_mode() is None:
        print(partly_configured(settings) or NO_SLACK, file=sys.stderr)
        return 2
    from bot.http.app import serve

    return serve(settings, port=port or settings.port)


def configure_logging(command: str | None, *, force: bool = False, settings: Settings | None = None) -> None:
    """The server logs from ``MEETBOT_LOG_LEVEL`` (INFO) with timestamps, or as JSON lines; the console
    and the one-shot commands show only warnings and errors on stderr, one short line each (their own
    output is what the operator reads, and a user's mistake is answered, not logged, there). Secrets
    are redacted either way (bot.logs). ``force`` is kept for callers: a call always replaces the last."""
    from bot.logs import configure

    level = settings.meetbot_log_level if settings else "info"
    json_lines = settings is not None and settings.meetbot_log_format == "json"
    configure(level=level, json_lines=json_lines, quiet=command in QUIET_COMMANDS)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``meetbot`` script and ``python -m bot``."""
    from bot.runtime import StartupError

    args = parser().parse_args(argv)
    configure_logging(args.command)
    if args.command is None:
        parser().print_help()
        return 2
    try:
        settings = Settings()
        configure_logging(args.command, settings=settings)
        if args.command == "migrate":
            from bot.runtime import migrate

            print(migrate(settings), flush=True)
            return 0
        if args.command == "rotate-keys":
            from bot.runtime import rotate_keys

            print(rotate_keys(settings), flush=True)
            return 0
        if args.command == "purge":
            return run_purge(args, settings)
        if args.command == "serve":
            return run_serve(settings, args.port)
        if args.command == "start":
            if settings.slack_mode() is not None:
                print("Slack is configured: starting `meetbot serve`.", flush=True)
                configure_logging("serve", settings=settings)
                return run_serve(settings, None)
            partial = partly_configured(settings)
            if partial:
                print(partial, file=sys.stderr)
                return 2
            print("Slack is not configured (see README.md): starting `meetbot console`. "
                  "Type `/meeting help`; end with Ctrl-D.", file=sys.stderr, flush=True)
        return run_console(args, settings)
    except StartupError as error:
        print(f"meetbot: {error}", file=sys.stderr)
        return 2
    except ValidationError as error:  # a setting of the wrong type, e.g. PORT=abc
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        print(f"meetbot: a setting is invalid: {problems}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
