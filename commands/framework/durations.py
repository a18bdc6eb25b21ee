"""How long a meeting lasts and how long before it to remind, as a Slack user types them.

    parse_duration("1h30m")      # timedelta(minutes=90)
    parse_offsets("1d,1h,10m")   # [1 day, 1 hour, 10 minutes]
    read_duration("coffee")      # None: not a duration (no range check)

Every failure is a ``WhenError`` whose message is one sentence with an example that works.
"""

from __future__ import annotations

import re
from datetime import timedelta

from commands.framework.when_words import WhenError, quote

__all__ = ["MAX_DURATION", "MAX_REMINDER", "MIN_DURATION", "parse_duration", "parse_offsets", "read_duration"]

MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(hours=24)
MAX_REMINDER = timedelta(days=30)

# 1d2h30m, 1h30, 2 hours, 90 minutes, 90 (minutes), 1.5h; units in falling order, each once.
_NUMBER = r"\d+(?:\.\d+)?"
_DURATION = re.compile(
    rf"(?:(?P<days>{_NUMBER})\s*(?:d|days?)\s*)?"
    rf"(?:(?P<hours>{_NUMBER})\s*(?:h|hrs?|hours?)\s*)?"
    rf"(?:(?P<minutes>{_NUMBER})\s*(?:m|mins?|minutes?)?)?"
)


def parse_duration(text: str) -> timedelta:
    """How long a meeting lasts: between 1 minute and 24 hours; a bare number means minutes.

        parse_duration("1h30m")  # timedelta(minutes=90)
    """
    length = read_duration(text)
    if length is None:
        raise WhenError(
            f"I couldn't read {quote(text)} as a duration — try `45m`, `1h30m`, `90` (minutes) "
            "or `2 hours`."
        )
    if not MIN_DURATION <= length <= MAX_DURATION:
        raise WhenError(
            f"A meeting can last from 1 minute to 24 hours, and {quote(text)} is outside that — "
            "try `45m` or `2h`."
        )
    return length


def parse_offsets(text: str) -> list[timedelta]:
    """How long before the start to remind: each more than 0 and at most 30 days, deduplicated,
    longest first.

        parse_offsets("10m,1h,10m")  # [timedelta(hours=1), timedelta(minutes=10)]
    """
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise WhenError(
            "Say how long before the meeting to remind people, e.g. `1h,10m` or `1d,1h,10m`."
        )
    offsets: set[timedelta] = set()
    for part in parts:
        offset = read_duration(part)
        if offset is None:
            raise WhenError(
                f"I couldn't read {quote(part)} as a reminder time — write how long before "
                "the meeting, e.g. `1h,10m` or `1d,1h,10m`."
            )
        if not timedelta(0) < offset <= MAX_REMINDER:
            raise WhenError(
                f"A reminder must come more than 0 minutes and at most 30 days before the "
                f"meeting, and {quote(part)} does not — try `1d,1h,10m`."
            )
        offsets.add(offset)
    return sorted(offsets, reverse=True)


def read_duration(text: str) -> timedelta | None:
    """The duration ``text`` spells with no range check, or None when it is not one; a bare
    number means minutes.

        read_duration("1h30")  # timedelta(minutes=90); read_duration("coffee") is None
    """
    match = _DURATION.fullmatch(text.strip().lower())
    if not match or not any(match.groupdict().values()):
        return None
    amounts = {unit: float(value) for unit, value in match.groupdict().items() if value}
    try:
        return timedelta(**amounts)
    except OverflowError:
        return None
