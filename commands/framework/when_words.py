"""The words of a time phrase, read one part at a time: clocks, days, zones (``when.py`` combines them).

    read_clock("2:30pm", hour_alone=False)    # time(14, 30)
    read_day(["next", "monday"])              # Day(weekday=0, strictly_after_today=True)
    read_zone("america/new_york")             # ZoneInfo("America/New_York")

Nothing here looks at the clock: each reader answers None when the words are not its kind, and
``when.py`` decides what the words mean relative to now. ``WhenError`` lives here so that
``when.py`` and ``durations.py`` share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from commands.framework.tokenizer import echo

__all__ = [
    "MONTHS", "NAMED_CLOCKS", "RELATIVE_DAYS", "WEEKDAYS", "Day", "TooFarAhead", "WhenError",
    "quote", "read_clock", "read_day", "read_zone", "zone_name",
]

WEEKDAYS = {
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
MONTHS = {
    name: index + 1
    for index, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ]
    )
    for name in names
}
RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1, "tmrw": 1}
NAMED_CLOCKS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}

# 14:30, 9:05:00, 9am, 2:30pm, 2:30 p.m., 10 (the hour alone only where the caller allows it)
_CLOCK = re.compile(
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"\s*(?P<meridiem>am|pm|a\.m\.|p\.m\.)?"
)
_DAY_NUMBER = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?")
_YEAR = re.compile(r"\d{4}")
# 05.12.2026 or 5.12. (day.month., the way most of Europe writes it); never 5/12 (which way round?)
_DOTTED = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})?")
# +02:00, -0500, +05 as a word of its own
_OFFSET = re.compile(r"[+-]\d{2}(?::?\d{2})?")

# Abbreviations people type after a time. Each names a fixed offset (EST is always UTC-5, even in
# July: that is what "EST" says); ambiguous ones (IST, BST outside the UK…) are left out, and
# CST is the North American one.
_ABBREVIATIONS = {
    "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 1, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "akst": -9, "akdt": -8, "hst": -10, "jst": 9, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
}


class WhenError(ValueError):
    """A time, duration or reminder list a user typed that cannot be used; ``str(error)`` is the
    sentence to show them.

        except WhenError as error: reply(str(error))
    """


class TooFarAhead(WhenError):
    """The time is more than ``MAX_AHEAD`` away (a form shows it on the day, not the time)."""


@dataclass(frozen=True)
class Day:
    """A day as typed, not yet placed on the calendar: exactly one way of naming it is set.

        Day(offset=1)                         # tomorrow
        Day(weekday=4)                        # friday: today if the time is still ahead
        Day(weekday=0, strictly_after_today=True)  # next monday
        Day(month=12, day=5)                  # dec 5: the next 5 December, today included
        Day(month=12, day=5, year=2026)       # 05.12.2026
    """

    offset: int | None = None
    weekday: int | None = None
    strictly_after_today: bool = False
    month: int | None = None
    day: int | None = None
    year: int | None = None

    def dates(self, today: date) -> list[date]:
        """The days this may mean from ``today``, in order: the first whose time is ahead wins.
        Raises ``ValueError`` when the calendar has no such day (31 April)."""
        if self.offset is not None:
            return [today + timedelta(days=self.offset)]
        if self.weekday is not None:
            ahead = (self.weekday - today.weekday()) % 7
            if self.strictly_after_today:
                return [today + timedelta(days=ahead or 7)]
            return [today + timedelta(days=ahead)] + ([today + timedelta(days=7)] if ahead == 0 else [])
        assert self.month is not None and self.day is not None
        if self.year is not None:
            return [date(self.year, self.month, self.day)]
        year = today.year if (self.month, self.day) >= (today.month, today.day) else today.year + 1
        return [date(year, self.month, self.day)]


def read_day(words: list[str]) -> Day | None:
    """The day ``words`` (all of them, lower case) name, or None: ``tomorrow``, ``fri``,
    ``next monday``, ``dec 5``, ``5th december 2026``, ``05.12.2026``."""
    if len(words) == 1:
        word = words[0]
        if word in RELATIVE_DAYS:
            return Day(offset=RELATIVE_DAYS[word])
        if word in WEEKDAYS:
            return Day(weekday=WEEKDAYS[word])
        dotted = _DOTTED.fullmatch(word)
        if dotted and 1 <= int(dotted["month"]) <= 12 and 1 <= int(dotted["day"]) <= 31:
            year = int(dotted["year"]) if dotted["year"] else None
            return Day(month=int(dotted["month"]), day=int(dotted["day"]), year=year)
        return None
    if len(words) == 2 and words[0] in ("next", "this") and words[1] in WEEKDAYS:
        return Day(weekday=WEEKDAYS[words[1]], strictly_after_today=words[0] == "next")
    if len(words) not in (2, 3):
        return None
    year = None
    if len(words) == 3:
        if not _YEAR.fullmatch(words[2]):
            return None
        year = int(words[2])
    first, second = words[0], words[1]
    month_word, number = (first, second) if first in MONTHS else (second, first)
    match = _DAY_NUMBER.fullmatch(number)
    if month_word not in MONTHS or not match or not 1 <= int(match["day"]) <= 31:
        return None
    return Day(month=MONTHS[month_word], day=int(match["day"]), year=year)


def read_clock(text: str, *, hour_alone: bool) -> time | None:
    """The time of day ``text`` spells, or None; "10" alone counts only when ``hour_alone``."""
    text = text.strip().lower()
    if text in NAMED_CLOCKS:
        return NAMED_CLOCKS[text]
    match = _CLOCK.fullmatch(text)
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


def read_zone(word: str) -> tzinfo | None:
    """The zone a word after the time names (any case), or None: ``UTC``, ``EST``,
    ``America/New_York``, ``+02:00``. An offset beyond ±23:59 is None too."""
    word = word.lower()
    if word in _ABBREVIATIONS:
        hours = _ABBREVIATIONS[word]
        return timezone.utc if hours == 0 else timezone(timedelta(hours=hours), word.upper())
    if _OFFSET.fullmatch(word):
        digits = word[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            return None
        sign = -1 if word[0] == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    key = zone_keys().get(word)
    return ZoneInfo(key) if key else None


def zone_name(zone: tzinfo) -> str:
    """How a sentence names a zone: ``Europe/Zurich``, ``EST``, ``UTC``, ``UTC+02:00``."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    return str(zone)


@cache
def zone_keys() -> dict[str, str]:
    """Every IANA zone by its lower-case name: ``zone_keys()["europe/zurich"]`` -> ``"Europe/Zurich"``.

    Read once per process from the zone files (30 ms warm, 120 ms with a cold disk cache): the served
    app reads it at startup, off the event loop, so the first command naming a zone does not stall
    the acks of the commands around it."""
    return {key.lower(): key for key in available_timezones()}


def quote(text: str, limit: int = 40) -> str:
    """Typed text inside a sentence, in single quotes (``tokenizer.echo``: never a value after ``=``);
    a quote typed inside becomes ’ so the quoting stays whole (``'? '0'`` read as two sentences)."""
    return "'" + echo(text, limit=limit).replace("'", "’") + "'"
