"""The one logging set-up of every ``meetbot`` command, with secrets taken out of every record.

    configure(level="info", json_lines=False)     # `meetbot serve`: MEETBOT_LOG_LEVEL, MEETBOT_LOG_FORMAT
    configure(level="warning", quiet=True)        # the console and the one-shot commands: short lines
    redact("GET /socket/?sessionId=abc")          # "GET /socket/?sessionId=[redacted]"

Redaction happens where records are made (a log record factory), not in one handler: uvicorn
installs handlers of its own, pytest and operators add theirs, and a secret must reach none of
them. Third-party loggers (engineio, socketio, slack_bolt, slack_sdk, httpx, apscheduler, ...)
stay at WARNING unless the level is ``debug``; their debug lines are redacted the same way.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
THIRD_PARTY = ("engineio", "socketio", "slack_bolt", "slack_sdk", "httpx", "httpcore", "apscheduler", "aiohttp",
               "hpack")
# slack_sdk's clients build their debug lines (a post's whole body, its answer's headers and body)
# whenever their own logger's level is unset, whatever the level they would be logged at, and
# logging then drops them: ~0.05 ms of the event loop per post. These loggers get the level too.
BUILDS_DEBUG_LINES = ("slack_sdk.web.async_base_client", "slack_sdk.web.base_client",
                      "slack_sdk.web.legacy_base_client", "slack_sdk.webhook.async_client", "slack_sdk.webhook.client")
# Rows the database hands back are decrypted: their secrets have no shape a pattern could know.
NEVER_BELOW_WARNING = ("sqlalchemy", "aiosqlite", "alembic")
REDACTED = "[redacted]"

# Words whose value is a secret wherever it shows as ``key=value``, ``key: value`` or a JSON/dict
# item: Slack and provider credentials, Roomful's socket ``sessionId``, Whereby's host ``roomKey``,
# the OAuth exchange, our own ciphertext columns.
SECRET_KEYS = (
    r"(?:access_|refresh_|bot_|app_|user_|session_?|auth_|id_)?token|api[_-]?key|apikey|x-api-key|access[_-]?key"
    r"|secret(?:[_-]?key)?|client[_-]?secret|signing[_-]?secret|password|passwd|session_?id|roomkey"
    r"|host_?(?:room_?)?url|credentials|authorization|signature|x-slack-signature|secret_keys|token_cache"
)
# Query-string parameters that are secrets only there (``l=`` is ClickMeeting's auto-login hash).
QUERY_KEYS = r"l|code|state|hash"

PATTERNS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # A request or response body, and what follows it, is never logged (Bolt's signature failure
    # line, slack_sdk's debug lines): it may hold anything a user typed, e.g. `api_key=`.
    (re.compile(r"(?i)\b(\w*body\w*|payload)(\s*[:=]\s*)(?!None\b|\{\}).*", re.S), rf"\1\2{REDACTED}"),
    # slack_sdk's and Bolt's debug lines name a body ``data:``, ``json:``, ``params:``, ``request:``:
    # redacted when a structure follows (a sentence like "stored data: duplicate key" stays).
    (re.compile(r"(?i)\b(data|json|params|request)(\s*[:=]\s*)(?=[\[{'\"]|b')(?!\{\}).*", re.S), rf"\1\2{REDACTED}"),
    (re.compile(r"(?i)(for the request )\(.*\)", re.S), rf"\1({REDACTED})"),
    (re.compile(r"(?i)(\bbearer|\bbasic)\s+[\w.~+/=-]+"), rf"\1 {REDACTED}"),
    # Quoted values ('api_key': 'a b', "token":"x") first, then bare ones up to a separator.
    (re.compile(rf"(?i)([\"']?\b(?:{SECRET_KEYS})\b[\"']?\s*[:=]\s*)([\"'])(.*?)\2"), rf"\1\2{REDACTED}\2"),
    (re.compile(rf"(?i)([\"']?\b(?:{SECRET_KEYS})\b[\"']?\s*[:=]\s*)(?![\"'\[])[^\s&,;)}}\]\"']+"), rf"\1{REDACTED}"),
    (re.compile(rf"(?i)([?&;](?:{QUERY_KEYS})=)[^&\s\"'#]+"), rf"\1{REDACTED}"),
    # Slack tokens (xoxb-, xoxp-, rotating xoxe.xoxb- and xoxe- refresh tokens, xapp-) and Fernet
    # ciphertext wherever they stand, even with no key in front.
    (re.compile(r"\bx(?:ox[a-z]?|app)[-.][\w.-]+"), REDACTED),
    (re.compile(r"\bgAAAAA[\w-]{20,}=*"), REDACTED),
)


# Each pattern above needs one of these in the text (its key word, "=" before a query parameter, a
# token's prefix), so a text holding none of them is left as it is without running the ten: most
# lines, uvicorn's access line of every request among them (~0.1 ms a record otherwise).
# tests/unit/bot/test_logs.py checks that nothing this skips would have been changed.
SECRET_HINTS = ("body", "payload", "data", "json", "params", "request", "bearer", "basic", "token", "api",
                "access", "secret", "passw", "session", "roomkey", "host", "credentials", "authorization",
                "signature", "=", "xox", "xapp", "gaaaaa")


def may_hold_secrets(text: str) -> bool:
    """Whether any pattern could change ``text``: ``may_hold_secrets('GET /health 200')`` -> False."""
    lowered = text.lower()
    return any(hint in lowered for hint in SECRET_HINTS)


def redact(text: str) -> str:
    """``text`` with every secret we know the shape of replaced by ``[redacted]``."""
    if not may_hold_secrets(text):
        return text
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _clean(value: Any) -> Any:
    """A log argument with its secrets gone; numbers and None stay themselves (``%d`` needs them)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else str(value)
    cleaned = redact(text)
    return value if cleaned == text and not isinstance(value, str) else cleaned


def scrub(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a record in place: its message, its arguments, its traceback and stack."""
    if isinstance(record.args, Mapping):
        record.args = {key: _clean(value) for key, value in record.args.items()}
    elif record.args:
        record.args = tuple(_clean(value) for value in record.args)
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed call: keep only the redacted template
        record.msg, record.args = redact(str(record.msg)), ()
    else:  # the arguments stay apart (uvicorn's formatter reads them) unless the joined text needs redacting
        if redact(message) != message:
            record.msg, record.args = redact(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class _Factory:
    """The log record factory that scrubs every record; installed once, over whatever was there."""

    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return scrub(self.inner(*args, **kwargs))


def install_redaction() -> None:
    """Make every log record from now on redacted (idempotent)."""
    if not isinstance(logging.getLogRecordFactory(), _Factory):
        logging.setLogRecordFactory(_Factory(logging.getLogRecordFactory()))


class JsonLines(logging.Formatter):
    """One JSON object a line: ``{"time", "level", "logger", "message"[, "error"]}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time (as logging's last resort does)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


MARK = "meetbot_handler"


def configure(*, level: str = "info", json_lines: bool = False, quiet: bool = False,
              stream: TextIO | None = None) -> logging.Handler:
    """Set up the root logger once more (replacing the handler a previous call added); returns the handler.

    ``quiet``: warnings and errors only, one ``meetbot: WARNING: …`` line each (the console, migrate).
    """
    install_redaction()
    root = logging.getLogger()
    for previous in [h for h in root.handlers if getattr(h, MARK, False)]:
        root.removeHandler(previous)
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    setattr(handler, MARK, True)
    number = LEVELS.get(level.lower(), logging.INFO)
    if quiet:
        number = max(number, logging.WARNING)
        handler.setFormatter(logging.Formatter("meetbot: %(levelname)s: %(message)s"))
    elif json_lines:
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(number)
    # Third parties' INFO lines carry URLs with secrets (engineio's ?sessionId=).
    for name in (*THIRD_PARTY, *BUILDS_DEBUG_LINES):
        logging.getLogger(name).setLevel(logging.NOTSET if number == logging.DEBUG else max(number, logging.WARNING))
    for name in NEVER_BELOW_WARNING:
        logging.getLogger(name).setLevel(max(number, logging.WARNING))
    return handler
