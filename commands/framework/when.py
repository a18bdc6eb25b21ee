"""Read times, durations and reminder offsets the way a Slack user types them.

    start = parse_when("fri 14:30", now=now, tz=ZoneInfo("Europe/Zurich"))
    length = parse_duration("1h30m")
    offsets = parse_offsets("1d,1h,10m")      # [1 day, 1 hour, 10 minutes]

Accepted times (case-insensitive, in the speaker's time zone ``tz``):

    now
    in 15m | in 2h | in 1h30m | in 90 minutes   elapsed time: "in 2h" is two real hours, even
                                                across a clock change
    today 15:00 | tomorrow 10:00 | 3pm tomorrow wall-clock time on that day (the day may come
                                                before or after the time; "on friday" too)
    fri 14:30 | friday 14:30 | mon 9am          the next such day; today if the time is still ahead
    next monday 10am | this friday 9am          "next": never today; "this": like the day alone
    dec 5 14:00 | 5th december 2026 9am         the next 5 December (today included) or that year's
    05.12.2026 10:00 | 5.12. 10:00              day.month.year, as most of Europe writes it
    14:30 | 2:30pm | at 9am | noon | midnight    today if still ahead, else tomorrow
    2026-12-01 | 2026-12-01 10:00 | 2026-12-01T10:00+02:00 | 2026-12-01T10:00Z
                                                a date alone means 00:00
    … 10:00 EST | … America/New_York | … UTC | … +02:00
                                                a last word naming a zone reads the phrase on that
                                                zone's clocks (abbreviations are fixed offsets)

After a day word (or ``at``) the hour alone is enough: ``tomorrow 10`` is 10:00. Refused, each in
one sentence with an example: a time already passed (``yesterday 10:00``), more than a year ahead
(``9999-12-31 23:59``), a wall-clock time inside a spring-forward gap (it does not exist), and a
time the clocks show twice on fall-back night unless the offset says which (``02:30 +01:00``) or
only one of the two is still ahead. Slashed dates (5/12) are not read: which way round is a guess.

Wall-clock times are built with zoneinfo, never by adding 24 hours, so "tomorrow 10:00" is 10:00
local on both sides of a clock change. "Still ahead" and "already passed" allow one minute of
slack, so typing "14:30" at 14:30:20 means now-ish, not tomorrow. The words themselves (clocks,
days, months, zones) are read in ``when_words.py``; durations and reminder offsets are read in
``durations.py`` (both re-exported here).

Every failure is a ``WhenError`` whose message is one sentence with an example that works.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from commands.framework.durations import (
    MAX_DURATION,
    MAX_REMINDER,
    MIN_DURATION,
    parse_duration,
    parse_offsets,
    read_duration,
)
from commands.framework.when_words import (
    MONTHS,
    NAMED_CLOCKS,
    RELATIVE_DAYS,
    WEEKDAYS,
    Day,
    TooFarAhead,
    WhenError,
    quote,
    read_clock,
    read_day,
    read_zone,
    zone_name,
)

__all__ = [  # durations and errors re-exported: callers need one import for what a user types
    "MAX_AHEAD",
    "MAX_DURATION",
    "MAX_REMINDER",
    "MIN_DURATION",
    "TooFarAhead",
    "WhenError",
    "begins_when",
    "parse_duration",
    "parse_offsets",
    "parse_when",
    "read_duration",
]

# How far in the past a time may be and still count as "now": typing takes a moment.
GRACE = timedelta(minutes=1)
# How far ahead a meeting may start: a year (a leap year's worth).
MAX_AHEAD = timedelta(days=366)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# An ISO offset after the clock: Z, +02:00, -0500, +05
_ISO_OFFSET = re.compile(r"(?P<clock>.*?)\s*(?P<offset>z|[+-]\d{2}(?::?\d{2})?)")
_DAY_NUMBER = re.compile(r"\d{1,2}(?:st|nd|rd|th)?")
_DOTTED_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{4})?")


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment ``text`` names, as an aware datetime in ``tz``.

        parse_when("tomorrow 10:00", now=now, tz=ZoneInfo("Europe/Zurich"))
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    local_now = now.astimezone(tz)
    words = text.lower().replace(",", " ").split()
    zone = read_zone(words[-1]) if len(words) > 1 else None
    if zone is not None:  # "10:00 EST": read on that zone's clocks, answer on the speaker's
        words = words[:-1]
    elif len(words) > 1 and "/" in words[-1] and re.search("[a-z]", words[-1]):
        raise WhenError(
            f"I don't know the time zone {quote(text.split()[-1])} — name one like "
            "`America/New_York`, `Europe/Zurich` or `UTC`, e.g. `tomorrow 10:00 America/New_York`."
        )
    try:
        moment = _read(words, text=text, now=local_now.astimezone(zone) if zone else local_now)
        result = moment.astimezone(tz)
    except OverflowError:  # past the year 9999 or before the year 1 in some zone
        raise WhenError(_too_far(text, local_now)) from None
    if result.astimezone(timezone.utc) > now.astimezone(timezone.utc) + MAX_AHEAD:
        raise TooFarAhead(_too_far(text, local_now))
    return result


def begins_when(words: Sequence[str]) -> bool:
    """Whether a time phrase starts with ``words[0]`` (``words[1]``, if given, is the next word).

    The one-line parser uses this to find where an unquoted title ends. It looks at the shape
    only; ``parse_when`` still decides whether the phrase is valid.

        begins_when(["fri", "14:30"])   # True
        begins_when(["friday", "drinks"])  # False
    """
    if not words:
        return False
    first = words[0].lower().rstrip(",")
    following = words[1].lower().rstrip(",") if len(words) > 1 else None
    followed_by_clock = following is not None and (following[:1].isdigit() or following in NAMED_CLOCKS)
    if first == "now" or _ISO_DATE.match(first) or _DOTTED_DATE.fullmatch(first):
        return True
    if first in ("in", "at"):
        return followed_by_clock
    if first in RELATIVE_DAYS or first in WEEKDAYS:
        # "Friday drinks" is a title, "friday 17:00", "friday at 5pm" and a lone "friday" are
        # times (the lone one fails later with a sentence asking for the time).
        return following is None or following == "at" or followed_by_clock
    if first in ("next", "this"):  # "next monday 10am", but "Next steps"
        return following in WEEKDAYS
    if first in NAMED_CLOCKS:  # "noon", "noon tomorrow", but "Noon walk"
        return following is None or following in RELATIVE_DAYS or following in WEEKDAYS or following == "on"
    if first in MONTHS:  # "dec 5", but "May update"
        return following is not None and _DAY_NUMBER.fullmatch(following) is not None
    if _DAY_NUMBER.fullmatch(first) and following in MONTHS:  # "5 dec", but "5 people"
        return True
    return read_clock(first, hour_alone=False) is not None


# --- the phrase shapes ---------------------------------------------------------------------


def _read(words: list[str], *, text: str, now: datetime) -> datetime:
    """``words`` (lower case, the zone word gone) read on the clocks of ``now``'s zone."""
    if not words:
        raise WhenError(_unreadable_when(text, now))
    if words == ["now"]:
        return now
    if words[0] == "in":
        return _in(words, text=text, now=now)
    if _ISO_DATE.match(words[0]):
        return _iso(words, text=text, now=now)
    return _day_and_clock(words, text=text, now=now)


def _in(words: list[str], *, text: str, now: datetime) -> datetime:
    delta = read_duration(" ".join(words[1:]))
    if delta is None:
        raise WhenError(
            f"I couldn't read {quote(text)} as a time — after `in` write how long from now, "
            "e.g. `in 15m`, `in 2h` or `in 1h30m`."
        )
    if delta > MAX_AHEAD:
        raise TooFarAhead(_too_far(text, now))
    # Elapsed time, so add in UTC: "in 2h" at 01:30 on spring-forward night is 04:30.
    return (now.astimezone(timezone.utc) + delta).astimezone(now.tzinfo)


def _iso(words: list[str], *, text: str, now: datetime) -> datetime:
    day_text, _, clock_text = words[0].partition("t")
    rest = " ".join(([clock_text] if clock_text else []) + words[1:])
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise WhenError(
            f"There is no date {quote(day_text)} on the calendar — write it as year-month-day, "
            f"e.g. `{_example_date(now)} 10:00`."
        ) from None
    _within_reach(day, text=text, now=now)
    if not rest:
        return _not_past(_wall_clock(day, time(0), now=now), now=now)
    rest = rest.removeprefix("at ")
    offset_match = _ISO_OFFSET.fullmatch(rest)
    if offset_match:  # 2026-12-01T10:00+02:00, the offset written onto the clock
        at = _clock_or_error(offset_match["clock"], day_word=day_text)
        offset = read_zone(offset_match["offset"])
        if offset is None:
            raise WhenError(
                f"I couldn't read the offset in {quote(text)} — write it like "
                f"`{_example_date(now)}T10:00+02:00` or `{_example_date(now)}T10:00Z`."
            )
        return _not_past(datetime.combine(day, at, tzinfo=offset), now=now)
    at = _clock_or_error(rest, day_word=day_text)
    return _not_past(_wall_clock(day, at, now=now), now=now)


def _day_and_clock(words: list[str], *, text: str, now: datetime) -> datetime:
    day, day_text, rest = _split_day(words)
    had_at = bool(rest) and rest[0] == "at"
    if had_at:
        rest = rest[1:]
    if day is not None and not rest:
        if day.offset is not None and day.offset < 0:
            raise WhenError(
                f"Yesterday has already passed — pick a day ahead, like `tomorrow 10:00` or "
                f"`{_example_date(now)} 10:00`."
            )
        raise WhenError(f"Add a time to {quote(text)}, like `{day_text} 10:00` or `{day_text} 2:30pm`.")
    at = read_clock(" ".join(rest), hour_alone=day is not None or had_at)
    if at is None:
        if day is not None or had_at:
            raise WhenError(_bad_clock(" ".join(rest), day_text or "tomorrow"))
        raise WhenError(_unreadable_when(text, now))
    today = now.date()
    try:
        days = day.dates(today) if day is not None else [today, today + timedelta(days=1)]
    except ValueError:
        raise WhenError(
            f"There is no {quote(day_text)} on the calendar — pick a day that exists, e.g. "
            f"`{_example_date(now)} 10:00`."
        ) from None
    for candidate in days:
        _within_reach(candidate, text=text, now=now)
        moment = _wall_clock(candidate, at, now=now)
        if not _is_past(moment, now):
            return moment
    return _not_past(moment, now=now)  # every candidate has passed: say so


def _split_day(words: list[str]) -> tuple[Day | None, str, list[str]]:
    """The day named at the start (``tomorrow 3pm``) or else the end (``3pm tomorrow``, ``3pm on
    friday``) of ``words``, as typed, and the words left for the clock."""
    for size in (3, 2, 1):
        day = read_day(words[:size]) if len(words) >= size else None
        if day is not None:
            return day, " ".join(words[:size]), words[size:]
    for size in (3, 2, 1):
        day = read_day(words[-size:]) if len(words) > size else None
        if day is not None:
            rest = words[:-size]
            return day, " ".join(words[-size:]), rest[:-1] if rest[-1] == "on" and len(rest) > 1 else rest
    return None, "", words


def _clock_or_error(text: str, *, day_word: str) -> time:
    at = read_clock(text, hour_alone=True)
    if at is None:
        raise WhenError(_bad_clock(text, day_word))
    return at


def _within_reach(day: date, *, text: str, now: datetime) -> None:
    """Refuse a day far in the past or more than a year ahead before any arithmetic on it (so
    the year 9999 never overflows)."""
    if day > now.date() + MAX_AHEAD:
        raise TooFarAhead(_too_far(text, now))
    if day < now.date() - timedelta(days=1):
        raise WhenError(
            f"That time has already passed ({day:%a %Y-%m-%d}) — pick one ahead, like "
            f"`tomorrow 10:00` or `{_example_date(now)} 10:00`."
        )


def _wall_clock(day: date, at: time, *, now: datetime) -> datetime:
    """``day`` at ``at`` on the wall clocks of ``now``'s zone; an error when the clocks skip it
    or show it twice, unless only one of the two is still ahead."""
    tz = now.tzinfo
    assert tz is not None
    first = datetime.combine(day, at, tzinfo=tz)
    if not isinstance(tz, ZoneInfo):  # a fixed offset (EST, +02:00) has no clock changes
        return first
    # zoneinfo reads a skipped time with the offset from before the jump, so the round trip
    # through UTC lands on a different wall time exactly when the time does not exist.
    round_trip = first.astimezone(timezone.utc).astimezone(tz)
    if round_trip.replace(tzinfo=None) != first.replace(tzinfo=None):
        raise WhenError(
            f"There is no {at:%H:%M} on {day:%a %Y-%m-%d} in {tz.key} because the clocks jump "
            f"forward that night — try `{round_trip:%Y-%m-%d %H:%M}`."
        )
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    ahead = [moment for moment in (first, second) if not _is_past(moment, now)]
    if len(ahead) == 1:
        return ahead[0]
    if not ahead:
        return first  # the caller says it has passed
    raise WhenError(
        f"On {day:%a %d %b} the clocks in {tz.key} show {at:%H:%M} twice — add {_offset(first)} for "
        f"the first or {_offset(second)} for the second, e.g. `{day:%Y-%m-%d} {at:%H:%M} {_offset(first)}`."
    )


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")  # +0200
    return f"{text[:3]}:{text[3:]}"


def _is_past(moment: datetime, now: datetime) -> bool:
    # Compare in UTC: two datetimes sharing a tzinfo are compared by wall time, ignoring fold.
    return moment.astimezone(timezone.utc) < now.astimezone(timezone.utc) - GRACE


def _not_past(moment: datetime, *, now: datetime) -> datetime:
    if _is_past(moment, now):
        assert now.tzinfo is not None
        raise WhenError(
            f"That time has already passed ({moment:%H:%M} on {moment:%a %Y-%m-%d}, "
            f"{zone_name(now.tzinfo)}) — pick one ahead, like `in 15m` or `tomorrow {moment:%H:%M}`."
        )
    return moment


# --- sentences -----------------------------------------------------------------------------


def _example_date(now: datetime) -> str:
    return f"{now.date() + timedelta(days=7):%Y-%m-%d}"


def _unreadable_when(text: str, now: datetime) -> str:
    return (
        f"I couldn't read {quote(text)} as a time — try `tomorrow 10:00`, `in 15m`, "
        f"`fri 14:30` or `{_example_date(now)} 10:00`."
    )


def _bad_clock(text: str, day_word: str) -> str:
    return (
        f"I can't read {quote(text)} as a time of day — use 24-hour or am/pm, like "
        f"`{day_word} 14:30` or `{day_word} 2:30pm`."
    )


def _too_far(text: str, now: datetime) -> str:
    return (
        f"That is too far ahead ({quote(text)}) — a meeting can start at most a year from now, e.g. "
        f"`{_example_date(now)} 10:00` or `in 2h`."
    )
