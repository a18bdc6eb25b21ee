"""What meetbot's log redaction costs per record, next to the same records without it, in one run.

    .venv/bin/python benchmarks/log_records.py

`meetbot serve` redacts every log record (bot.logs: secrets of known shapes become [redacted]);
uvicorn writes one access line per request, on the event loop that acks Slack. This times, per
record, uvicorn's access line of a Slack request, the same with an OAuth code in its query, and
httpx's line of a provider call: through logging as `meetbot serve` sets it up (uvicorn's own
logging configuration, meetbot's redaction), and with the redaction taken out (the baseline).
Records go to an in-memory stream. Nothing leaves the process.
"""

from __future__ import annotations

import io
import logging
import logging.config
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from the repo root
    sys.path.insert(0, str(ROOT))

import uvicorn.config  # noqa: E402

from bot.logs import configure  # noqa: E402

RECORDS = {
    "access line, Slack request": ("uvicorn.access", '%s - "%s %s HTTP/%s" %d',
                                   ("10.0.0.7:51234", "POST", "/slack/events", "1.1", 200)),
    "access line, OAuth redirect": ("uvicorn.access", '%s - "%s %s HTTP/%s" %d',
                                    ("10.0.0.7:51234", "GET", "/slack/oauth_redirect?code=4321.abc&state=s1", "1.1", 302)),
    "httpx provider call": ("httpx", 'HTTP Request: %s %s "%s %d %s"',
                            ("POST", "https://api.whereby.dev/v1/meetings", "HTTP/1.1", 201, "Created")),
}
NUMBER = 20000


def microseconds(logger: logging.Logger, message: str, args: tuple[object, ...]) -> float:
    """Best of five, microseconds per record."""
    return min(timeit.repeat(lambda: logger.info(message, *args), number=NUMBER, repeat=5)) / NUMBER * 1e6


def main() -> None:
    configure(level="info", stream=io.StringIO())  # meetbot's set-up (it installs the redaction) ...
    logging.config.dictConfig(uvicorn.config.LOGGING_CONFIG)  # ... then uvicorn's, as `meetbot serve` does
    logging.getLogger("uvicorn.access").setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.INFO)  # meetbot keeps it at warning; timed as if it logged
    for name in ("uvicorn.access", "httpx"):
        for handler in logging.getLogger(name).handlers or logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(io.StringIO())
    redacting = logging.getLogRecordFactory()
    print("Microseconds per log record (best of 5 x 20,000):")
    print(f"  {'record':30s} {'redacted':>9s} {'not redacted':>13s}")
    for label, (name, message, args) in RECORDS.items():
        logger = logging.getLogger(name)
        with_redaction = microseconds(logger, message, args)
        logging.setLogRecordFactory(logging.LogRecord)
        try:
            without = microseconds(logger, message, args)
        finally:
            logging.setLogRecordFactory(redacting)
        print(f"  {label:30s} {with_redaction:9.1f} {without:13.1f}")


if __name__ == "__main__":
    main()
