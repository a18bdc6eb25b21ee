"""Read times, durations and reminder offsets the way a Slack user types them.

    start = parse_when("fri 14:30", now=now, tz=ZoneInfo("Europe/Zurich"))
    length = parse_duration("1h30m")
    offsets = parse_offsets("1d,1h,10m")      # [1 day, 1 hour, 10 minutes]

Accepted times (case-insensitive, in the speaker's time zone ``tz``):

    now
    in 15m | in 2h | in 1h30m | in 90 minutes   elapsed time: "in 2h" is two real hours, even
                                                across a clock change
    today 15:00 | tomorrow 10:00                wall-clock time on that day
    fri 14:30 | friday 14:30 | mon 9am          the next such day; today if the time is still ahead
    14:30 | 2:30pm | at 9am                     today if still ahead, else tomorrow
    2026-12-01 | 2026-12-01 10:00 | 2026-12-01T10:00+02:00 | 2026-12-01T10:00Z
                                                a date alone means 00:00; an explicit offset is
                                                respected, then converted to ``tz``

After a day word (or ``at``) the hour alone is enough: ``tomorrow 10`` is 10:00.

Wall-clock times are built in ``tz`` with zoneinfo, never by adding 24 hours, so "tomorrow 10:00"
is 10:00 local on both sides of a clock change. A wall-clock time inside a spring-forward gap does
not exist and is an error. A time that happens twice (the fall-back hour) means its first
occurrence (``fold=0``, still summer time). "Still ahead" and "already passed" allow one minute of
slack, so typing "14:30" at 14:30:20 means now-ish, not tomorrow.

Every failure is a ``WhenError`` whose message is one sentence with an example that works.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = [
    "WhenError",
    "begins_when",
    "parse_duration",
    "parse_offsets",
    "parse_when",
    "read_duration",
]

# How far in the past a time may be and still count as "now": typing takes a moment.
GRACE = timedelta(minutes=1)
MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(hours=24)
MAX_REMINDER = timedelta(days=30)

_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "tmrw": 1}

# 1d2h30m, 1h30, 2 hours, 90 minutes, 90 (minutes), 1.5h; units in falling order, each once.
_NUMBER = r"\d+(?:\.\d+)?"
_DURATION = re.compile(
    rf"(?:(?P<days>{_NUMBER})\s*(?:d|days?)\s*)?"
    rf"(?:(?P<hours>{_NUMBER})\s*(?:h|hrs?|hours?)\s*)?"
    rf"(?:(?P<minutes>{_NUMBER})\s*(?:m|mins?|minutes?)?)?"
)
# 14:30, 9:05:00, 9am, 2:30pm, 2:30 p.m., 10 (the hour alone only where the caller allows it)
_CLOCK = re.compile(
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"\s*(?P<meridiem>am|pm|a\.m\.|p\.m\.)?"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# An ISO offset after the clock: Z, +02:00, -0500, +05
_ISO_OFFSET = re.compile(r"(?P<clock>.*?)\s*(?P<offset>z|[+-]\d{2}(?::?\d{2})?)")


class WhenError(ValueError):
    """A time, duration or reminder list a user typed that cannot be used; ``str(error)`` is the
    sentence to show them.

        except WhenError as error: reply(str(error))
    """


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment ``text`` names, as an aware datetime in ``tz``.

        parse_when("tomorrow 10:00", now=now, tz=ZoneInfo("Europe/Zurich"))
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    local_now = now.astimezone(tz)
    words = text.lower().replace(",", " ").split()
    if not words:
        raise WhenError(_unreadable_when(text, local_now))
    if words == ["now"]:
        return local_now
    if words[0] == "in":
        return _in(words, text=text, now=local_now)
    if _ISO_DATE.match(words[0]):
        return _iso(words, text=text, now=local_now)
    return _day_and_clock(words, text=text, now=local_now)


def parse_duration(text: str) -> timedelta:
    """How long a meeting lasts: between 1 minute and 24 hours; a bare number means minutes.

        parse_duration("1h30m")  # timedelta(minutes=90)
    """
    length = read_duration(text)
    if length is None:
        raise WhenError(
            f"I couldn't read {_quote(text)} as a duration — try `45m`, `1h30m`, `90` (minutes) "
            "or `2 hours`."
        )
    if not MIN_DURATION <= length <= MAX_DURATION:
        raise WhenError(
            f"A meeting can last from 1 minute to 24 hours, and {_quote(text)} is outside that — "
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
                f"I couldn't read {_quote(part)} as a reminder time — write how long before "
                "the meeting, e.g. `1h,10m` or `1d,1h,10m`."
            )
        if not timedelta(0) < offset <= MAX_REMINDER:
            raise WhenError(
                f"A reminder must come more than 0 minutes and at most 30 days before the "
                f"meeting, and {_quote(part)} does not — try `1d,1h,10m`."
            )
        offsets.add(offset)
    return sorted(offsets, reverse=True)


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
    following = words[1].lower() if len(words) > 1 else None
    followed_by_clock = following is not None and following[:1].isdigit()
    if first == "now" or _ISO_DATE.match(first):
        return True
    if first in ("in", "at"):
        return followed_by_clock
    if first in _RELATIVE_DAYS or first in _WEEKDAYS:
        # "Friday drinks" is a title, "friday 17:00", "friday at 5pm" and a lone "friday" are
        # times (the lone one fails later with a sentence asking for the time).
        return following is None or following == "at" or followed_by_clock
    return _read_clock(first, hour_alone=False) is not None


# --- the phrase shapes ---------------------------------------------------------------------


def _in(words: list[str], *, text: str, now: datetime) -> datetime:
    delta = read_duration(" ".join(words[1:]))
    if delta is None:
        raise WhenError(
            f"I couldn't read {_quote(text)} as a time — after `in` write how long from now, "
            "e.g. `in 15m`, `in 2h` or `in 1h30m`."
        )
    try:
        # Elapsed time, so add in UTC: "in 2h" at 01:30 on spring-forward night is 04:30.
        return (now.astimezone(timezone.utc) + delta).astimezone(now.tzinfo)
    except OverflowError:
        raise WhenError(_too_far(text, now)) from None


def _iso(words: list[str], *, text: str, now: datetime) -> datetime:
    day_text, _, clock_text = words[0].partition("t")
    rest = " ".join(([clock_text] if clock_text else []) + words[1:])
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise WhenError(
            f"There is no date {_quote(day_text)} on the calendar — write it as year-month-day, "
            f"e.g. `{_example_date(now)} 10:00`."
        ) from None
    if not rest:
        return _not_past(_wall_clock(day, time(0), now=now), now=now)
    rest = rest.removeprefix("at ")
    offset_match = _ISO_OFFSET.fullmatch(rest)
    if offset_match:
        at = _clock_or_error(offset_match["clock"], day_word=day_text)
        offset = _fixed_offset(offset_match["offset"], whole=text, now=now)
        moment = datetime.combine(day, at, tzinfo=offset)
        return _not_past(moment.astimezone(now.tzinfo), now=now)
    at = _clock_or_error(rest, day_word=day_text)
    return _not_past(_wall_clock(day, at, now=now), now=now)


def _day_and_clock(words: list[str], *, text: str, now: datetime) -> datetime:
    first = words[0]
    day_word = first if first in _RELATIVE_DAYS or first in _WEEKDAYS else None
    rest = words[1:] if day_word else words
    had_at = bool(rest) and rest[0] == "at"
    if had_at:
        rest = rest[1:]
    if day_word and not rest:
        raise WhenError(
            f"Add a time to {_quote(text)}, like `{day_word} 10:00` or `{day_word} 2:30pm`."
        )
    at = _read_clock(" ".join(rest), hour_alone=bool(day_word) or had_at)
    if at is None:
        if day_word or had_at:
            raise WhenError(_bad_clock(" ".join(rest), day_word or "tomorrow"))
        raise WhenError(_unreadable_when(text, now))

    today = now.date()
    if day_word in _RELATIVE_DAYS:
        day = today + timedelta(days=_RELATIVE_DAYS[day_word])
        return _not_past(_wall_clock(day, at, now=now), now=now)
    if day_word is None:  # a bare time: today if still ahead, else tomorrow
        candidates = [today, today + timedelta(days=1)]
    else:  # the next such weekday; today only if the time is still ahead
        days_ahead = (_WEEKDAYS[day_word] - today.weekday()) % 7
        candidates = [today + timedelta(days=days_ahead)]
        if days_ahead == 0:
            candidates.append(today + timedelta(days=7))
    for day in candidates:
        moment = _wall_clock(day, at, now=now)
        if not _is_past(moment, now):
            return moment
    raise AssertionError("the last candidate day is always ahead")  # pragma: no cover


# --- building blocks -----------------------------------------------------------------------


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


def _read_clock(text: str, *, hour_alone: bool) -> time | None:
    """The time of day ``text`` spells, or None; "10" alone counts only when ``hour_alone``."""
    match = _CLOCK.fullmatch(text.strip().lower())
    if not match:
        return None
    hour, meridiem = int(match["hour"]), match["meridiem"]
    minute, second = int(match["minute"] or 0), int(match["second"] or 0)
    if match["minute"] is None and meridiem is None and not hour_alone:
        return None
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _clock_or_error(text: str, *, day_word: str) -> time:
    at = _read_clock(text, hour_alone=True)
    if at is None:
        raise WhenError(_bad_clock(text, day_word))
    return at


def _wall_clock(day: date, at: time, *, now: datetime) -> datetime:
    """``day`` at ``at`` on the wall clocks of ``now``'s zone; the first occurrence when the hour
    repeats, an error when the clocks skip it."""
    tz = now.tzinfo
    assert isinstance(tz, ZoneInfo)
    moment = datetime.combine(day, at, tzinfo=tz)  # fold=0: the first of two occurrences
    # zoneinfo reads a skipped time with the offset from before the jump, so the round trip
    # through UTC lands on a different wall time exactly when the time does not exist.
    round_trip = moment.astimezone(timezone.utc).astimezone(tz)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise WhenError(
            f"There is no {at:%H:%M} on {day:%a %Y-%m-%d} in {tz.key} because the clocks jump "
            f"forward that night — try `{round_trip:%Y-%m-%d %H:%M}`."
        )
    return moment


def _is_past(moment: datetime, now: datetime) -> bool:
    # Compare in UTC: two datetimes sharing a tzinfo are compared by wall time, ignoring fold.
    return moment.astimezone(timezone.utc) < now.astimezone(timezone.utc) - GRACE


def _not_past(moment: datetime, *, now: datetime) -> datetime:
    if _is_past(moment, now):
        assert isinstance(now.tzinfo, ZoneInfo)
        raise WhenError(
            f"That time has already passed ({moment:%H:%M} on {moment:%a %Y-%m-%d}, "
            f"{now.tzinfo.key}) — pick one ahead, like `in 15m` or `tomorrow {moment:%H:%M}`."
        )
    return moment


def _fixed_offset(text: str, *, whole: str, now: datetime) -> timezone:
    if text == "z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise WhenError(
            f"I couldn't read the offset in {_quote(whole)} — write it like "
            f"`{_example_date(now)}T10:00+02:00` or `{_example_date(now)}T10:00Z`."
        )
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


# --- sentences -----------------------------------------------------------------------------


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def _example_date(now: datetime) -> str:
    return f"{now.date() + timedelta(days=7):%Y-%m-%d}"


def _unreadable_when(text: str, now: datetime) -> str:
    return (
        f"I couldn't read {_quote(text)} as a time — try `tomorrow 10:00`, `in 15m`, "
        f"`fri 14:30` or `{_example_date(now)} 10:00`."
    )


def _bad_clock(text: str, day_word: str) -> str:
    return (
        f"I can't read {_quote(text)} as a time of day — use 24-hour or am/pm, like "
        f"`{day_word} 14:30` or `{day_word} 2:30pm`."
    )


def _too_far(text: str, now: datetime) -> str:
    return (
        f"That is too far ahead ({_quote(text)}) — try something like `in 2h` or "
        f"`{_example_date(now)} 10:00`."
    )
