"""commands/framework/when.py: times, durations and reminder offsets as Slack users type them.

Every test uses a fixed ``now``; none reads the real clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.framework.when import (
    MAX_AHEAD,
    TooFarAhead,
    WhenError,
    begins_when,
    parse_duration,
    parse_offsets,
    parse_when,
)
from tests.support.sentences import assert_one_sentence_with_example

ZURICH = ZoneInfo("Europe/Zurich")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
AUCKLAND = ZoneInfo("Pacific/Auckland")
UTC = timezone.utc

# Wednesday 10 June 2026, noon in Zurich (summer time, UTC+2).
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=ZURICH)


def local(tz: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=tz, fold=fold)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def assert_same_instant_in(result: datetime, expected_utc: datetime, tz: ZoneInfo) -> None:
    assert result.tzinfo is tz
    assert result.astimezone(UTC) == expected_utc


# --- the accepted forms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", (2026, 6, 10, 12, 0)),
        ("NOW", (2026, 6, 10, 12, 0)),
        ("in 15m", (2026, 6, 10, 12, 15)),
        ("in 2h", (2026, 6, 10, 14, 0)),
        ("in 1h30m", (2026, 6, 10, 13, 30)),
        ("in 90 minutes", (2026, 6, 10, 13, 30)),
        ("in 1 hour 30 minutes", (2026, 6, 10, 13, 30)),
        ("in 1.5h", (2026, 6, 10, 13, 30)),
        ("In 2d", (2026, 6, 12, 12, 0)),
        ("today 15:00", (2026, 6, 10, 15, 0)),
        ("Today 3pm", (2026, 6, 10, 15, 0)),
        ("tomorrow 10:00", (2026, 6, 11, 10, 0)),
        ("tomorrow at 10", (2026, 6, 11, 10, 0)),
        ("TOMORROW 9:05", (2026, 6, 11, 9, 5)),
        ("tmrw 8am", (2026, 6, 11, 8, 0)),
        ("fri 14:30", (2026, 6, 12, 14, 30)),
        ("friday 14:30", (2026, 6, 12, 14, 30)),
        ("Fri, 14:30", (2026, 6, 12, 14, 30)),
        ("mon 9am", (2026, 6, 15, 9, 0)),
        ("tue 2:30pm", (2026, 6, 16, 14, 30)),
        ("sat 2:30 p.m.", (2026, 6, 13, 14, 30)),
        ("thurs 12 pm", (2026, 6, 11, 12, 0)),
        ("sun 12am", (2026, 6, 14, 0, 0)),
        ("wed 13:00", (2026, 6, 10, 13, 0)),  # today, still ahead
        ("wednesday 11:00", (2026, 6, 17, 11, 0)),  # today has passed: a week on
        ("wed 12:00", (2026, 6, 10, 12, 0)),  # right now counts as ahead
        ("14:30", (2026, 6, 10, 14, 30)),
        ("2:30pm", (2026, 6, 10, 14, 30)),
        ("at 9pm", (2026, 6, 10, 21, 0)),
        ("11:59", (2026, 6, 10, 11, 59)),  # a minute ago is still "now"
        ("11:58", (2026, 6, 11, 11, 58)),  # more than that: tomorrow
        ("2026-12-01", (2026, 12, 1, 0, 0)),
        ("2026-12-01 10:00", (2026, 12, 1, 10, 0)),
        ("2026-12-01T10:00", (2026, 12, 1, 10, 0)),
        ("2026-12-01t10:00:00", (2026, 12, 1, 10, 0)),
        ("2026-12-01 at 9am", (2026, 12, 1, 9, 0)),
    ],
)
def test_accepted_forms_in_zurich(text: str, expected: tuple[int, ...]) -> None:
    result = parse_when(text, now=NOW, tz=ZURICH)
    want = local(ZURICH, *expected)
    assert result.tzinfo is ZURICH
    assert result.replace(tzinfo=None) == want.replace(tzinfo=None)
    assert result.utcoffset() == want.utcoffset()


@pytest.mark.parametrize(
    ("text", "tz", "expected_utc", "expected_local_hour"),
    [
        ("2026-12-01T10:00Z", ZURICH, utc(2026, 12, 1, 10, 0), 11),
        ("2026-12-01T10:00z", AUCKLAND, utc(2026, 12, 1, 10, 0), 23),
        ("2026-12-01T10:00+05:30", ZURICH, utc(2026, 12, 1, 4, 30), 5),
        ("2026-12-01 10:00-05:00", NEW_YORK, utc(2026, 12, 1, 15, 0), 10),
        ("2026-07-01T10:00+0200", KOLKATA, utc(2026, 7, 1, 8, 0), 13),
        ("2026-07-01T10:00+02", NEW_YORK, utc(2026, 7, 1, 8, 0), 4),
    ],
)
def test_explicit_offset_is_respected_then_converted(
    text: str, tz: ZoneInfo, expected_utc: datetime, expected_local_hour: int
) -> None:
    result = parse_when(text, now=NOW, tz=tz)
    assert_same_instant_in(result, expected_utc, tz)
    assert result.hour == expected_local_hour


@pytest.mark.parametrize(
    ("tz", "text", "expected_utc"),
    [
        # The same instant (12:00 UTC) is a different local day and hour in each zone.
        (ZURICH, "tomorrow 10:00", utc(2026, 6, 11, 8, 0)),
        (NEW_YORK, "tomorrow 10:00", utc(2026, 6, 11, 14, 0)),
        (KOLKATA, "tomorrow 10:00", utc(2026, 6, 11, 4, 30)),
        (AUCKLAND, "tomorrow 10:00", utc(2026, 6, 11, 22, 0)),  # it is already 11 June there
        (AUCKLAND, "today 15:00", utc(2026, 6, 11, 3, 0)),
        (KOLKATA, "18:00", utc(2026, 6, 10, 12, 30)),  # 17:30 there: still ahead today
        (NEW_YORK, "7:00", utc(2026, 6, 11, 11, 0)),  # 08:00 there: tomorrow
        (AUCKLAND, "fri 9am", utc(2026, 6, 11, 21, 0)),  # Thursday there, so Friday 12 June
        (NEW_YORK, "now", utc(2026, 6, 10, 12, 0)),
        (KOLKATA, "in 45m", utc(2026, 6, 10, 12, 45)),
    ],
)
def test_read_in_the_speakers_time_zone(tz: ZoneInfo, text: str, expected_utc: datetime) -> None:
    result = parse_when(text, now=utc(2026, 6, 10, 12, 0), tz=tz)
    assert_same_instant_in(result, expected_utc, tz)


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        # Saturday 13 June 2026, 12:00
        (local(ZURICH, 2026, 6, 13, 12, 0), "fri 10:00", (2026, 6, 19, 10, 0)),
        (local(ZURICH, 2026, 6, 13, 12, 0), "sat 10:00", (2026, 6, 20, 10, 0)),
        (local(ZURICH, 2026, 6, 13, 12, 0), "sat 13:00", (2026, 6, 13, 13, 0)),
        (local(ZURICH, 2026, 6, 13, 12, 0), "sun 10:00", (2026, 6, 14, 10, 0)),
        # Sunday 14 June 2026, late evening: Monday is tomorrow, Sunday a week on
        (local(ZURICH, 2026, 6, 14, 23, 30), "mon 9am", (2026, 6, 15, 9, 0)),
        (local(ZURICH, 2026, 6, 14, 23, 30), "sunday 9am", (2026, 6, 21, 9, 0)),
        (local(ZURICH, 2026, 6, 14, 23, 30), "14:30", (2026, 6, 15, 14, 30)),
        # New Year's Eve: the wrap also crosses the year
        (local(ZURICH, 2026, 12, 31, 18, 0), "thu 17:00", (2027, 1, 7, 17, 0)),
        (local(ZURICH, 2026, 12, 31, 18, 0), "fri 9:00", (2027, 1, 1, 9, 0)),
        (local(ZURICH, 2026, 12, 31, 18, 0), "tomorrow 9:00", (2027, 1, 1, 9, 0)),
    ],
)
def test_weekday_and_bare_time_wrap_around(now: datetime, text: str, expected: tuple[int, ...]) -> None:
    result = parse_when(text, now=now, tz=ZURICH)
    assert result.replace(tzinfo=None) == datetime(*expected)


# --- clock changes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "now", "text", "expected_utc"),
    [
        # Zurich springs forward on Sun 29 March 2026 (02:00 -> 03:00).
        # From Saturday (UTC+1) "tomorrow 10:00" is 10:00 summer time: 08:00 UTC, not 09:00.
        (ZURICH, local(ZURICH, 2026, 3, 28, 10, 0), "tomorrow 10:00", utc(2026, 3, 29, 8, 0)),
        # The day after the change, 10:00 is still 08:00 UTC.
        (ZURICH, local(ZURICH, 2026, 3, 29, 12, 0), "tomorrow 10:00", utc(2026, 3, 30, 8, 0)),
        (ZURICH, local(ZURICH, 2026, 3, 27, 12, 0), "mon 10:00", utc(2026, 3, 30, 8, 0)),
        # Zurich falls back on Sun 25 October 2026 (03:00 -> 02:00): 10:00 is 09:00 UTC again.
        (ZURICH, local(ZURICH, 2026, 10, 24, 10, 0), "tomorrow 10:00", utc(2026, 10, 25, 9, 0)),
        (ZURICH, local(ZURICH, 2026, 10, 25, 12, 0), "tomorrow 10:00", utc(2026, 10, 26, 9, 0)),
        (ZURICH, local(ZURICH, 2026, 10, 23, 12, 0), "mon 10:00", utc(2026, 10, 26, 9, 0)),
        # New York: 8 March 2026 forward, 1 November 2026 back.
        (NEW_YORK, local(NEW_YORK, 2026, 3, 7, 10, 0), "tomorrow 10:00", utc(2026, 3, 8, 14, 0)),
        (NEW_YORK, local(NEW_YORK, 2026, 3, 8, 12, 0), "tomorrow 10:00", utc(2026, 3, 9, 14, 0)),
        (NEW_YORK, local(NEW_YORK, 2026, 10, 31, 10, 0), "tomorrow 10:00", utc(2026, 11, 1, 15, 0)),
        (NEW_YORK, local(NEW_YORK, 2026, 11, 1, 12, 0), "tomorrow 10:00", utc(2026, 11, 2, 15, 0)),
        # Auckland (southern hemisphere): back on 5 April, forward on 27 September 2026.
        (AUCKLAND, local(AUCKLAND, 2026, 4, 4, 10, 0), "tomorrow 10:00", utc(2026, 4, 4, 22, 0)),
        (AUCKLAND, local(AUCKLAND, 2026, 9, 26, 10, 0), "tomorrow 10:00", utc(2026, 9, 26, 21, 0)),
    ],
)
def test_wall_clock_across_dst(tz: ZoneInfo, now: datetime, text: str, expected_utc: datetime) -> None:
    result = parse_when(text, now=now, tz=tz)
    assert_same_instant_in(result, expected_utc, tz)
    assert (result.hour, result.minute) == (10, 0)


@pytest.mark.parametrize(
    ("now", "text", "expected_utc", "expected_local"),
    [
        # "in" is elapsed time: two real hours from 01:30 on spring-forward night is 04:30.
        (local(ZURICH, 2026, 3, 29, 1, 30), "in 2h", utc(2026, 3, 29, 2, 30), (4, 30)),
        # ... and on fall-back night 01:30 + 2h is the second 02:30 (winter time).
        (local(ZURICH, 2026, 10, 25, 1, 30), "in 2h", utc(2026, 10, 25, 1, 30), (2, 30)),
        (local(ZURICH, 2026, 3, 28, 12, 0), "in 1d", utc(2026, 3, 29, 11, 0), (13, 0)),
    ],
)
def test_in_counts_elapsed_time_across_dst(
    now: datetime, text: str, expected_utc: datetime, expected_local: tuple[int, int]
) -> None:
    result = parse_when(text, now=now, tz=ZURICH)
    assert_same_instant_in(result, expected_utc, ZURICH)
    assert (result.hour, result.minute) == expected_local


@pytest.mark.parametrize(
    ("tz", "now", "text", "suggestion"),
    [
        (ZURICH, NOW, "2027-03-28 02:30", "`2027-03-28 03:30`"),
        (ZURICH, local(ZURICH, 2026, 3, 29, 0, 30), "today 02:30", "`2026-03-29 03:30`"),
        (ZURICH, local(ZURICH, 2026, 3, 28, 12, 0), "tomorrow 02:00", "`2026-03-29 03:00`"),
        (ZURICH, local(ZURICH, 2026, 3, 27, 12, 0), "sun 2:30am", "`2026-03-29 03:30`"),
        (ZURICH, local(ZURICH, 2026, 3, 29, 0, 30), "2:59", "`2026-03-29 03:59`"),
        (NEW_YORK, local(NEW_YORK, 2026, 3, 1, 12, 0), "2026-03-08 02:30", "`2026-03-08 03:30`"),
        (AUCKLAND, local(AUCKLAND, 2026, 9, 20, 12, 0), "2026-09-27 02:15", "`2026-09-27 03:15`"),
    ],
)
def test_time_in_spring_forward_gap_is_an_error(
    tz: ZoneInfo, now: datetime, text: str, suggestion: str
) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=now, tz=tz)
    message = str(caught.value)
    assert "There is no" in message and "clocks jump forward" in message and tz.key in message and suggestion in message
    assert_one_sentence_with_example(message)


@pytest.mark.parametrize(
    ("tz", "now", "text", "offsets", "example"),
    [
        # 02:30 happens twice in Zurich on 25 October 2026 (+02:00, then +01:00): asked, not guessed.
        (ZURICH, NOW, "2026-10-25 02:30", ("+02:00", "+01:00"), "`2026-10-25 02:30 +02:00`"),
        (ZURICH, local(ZURICH, 2026, 10, 24, 12, 0), "tomorrow 02:30", ("+02:00", "+01:00"), None),
        (ZURICH, local(ZURICH, 2026, 10, 20, 12, 0), "sun 2:30am", ("+02:00", "+01:00"), None),
        (ZURICH, local(ZURICH, 2026, 10, 20, 12, 0), "oct 25 02:30", ("+02:00", "+01:00"), None),
        (NEW_YORK, NOW, "2026-11-01 01:30", ("-04:00", "-05:00"), "`2026-11-01 01:30 -04:00`"),
        (AUCKLAND, NOW, "2027-04-04 02:30", ("+13:00", "+12:00"), None),
    ],
)
def test_ambiguous_time_asks_which_one(
    tz: ZoneInfo, now: datetime, text: str, offsets: tuple[str, str], example: str | None
) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=now, tz=tz)
    message = str(caught.value)
    assert "twice" in message and tz.key in message and offsets[0] in message and offsets[1] in message
    assert message.index(offsets[0]) < message.index(offsets[1])
    if example:
        assert example in message
    assert_one_sentence_with_example(message)


@pytest.mark.parametrize(
    ("tz", "now", "text", "expected_utc"),
    [
        # The offset the question asked for picks one of the two.
        (ZURICH, NOW, "2026-10-25 02:30 +02:00", utc(2026, 10, 25, 0, 30)),
        (ZURICH, NOW, "2026-10-25 02:30 +01:00", utc(2026, 10, 25, 1, 30)),
        (ZURICH, NOW, "2026-10-25T02:30+01:00", utc(2026, 10, 25, 1, 30)),
        (ZURICH, local(ZURICH, 2026, 10, 20, 12, 0), "sun 02:30 +01:00", utc(2026, 10, 25, 1, 30)),
        # At 02:10 in the *repeated* hour the first 02:30 is 40 minutes gone: only the second one
        # is still ahead, so there is nothing to ask.
        (ZURICH, local(ZURICH, 2026, 10, 25, 2, 10, fold=1), "02:30", utc(2026, 10, 25, 1, 30)),
        (ZURICH, local(ZURICH, 2026, 10, 25, 2, 10, fold=1), "today 02:30", utc(2026, 10, 25, 1, 30)),
    ],
)
def test_ambiguous_time_with_an_offset_or_one_left_is_read(
    tz: ZoneInfo, now: datetime, text: str, expected_utc: datetime
) -> None:
    assert_same_instant_in(parse_when(text, now=now, tz=tz), expected_utc, tz)


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (NOW, "today 09:00"),
        (NOW, "today 11:58"),
        (NOW, "2026-06-10 11:00"),
        (NOW, "2026-06-10"),  # midnight today
        (NOW, "2026-01-01 10:00"),
        (NOW, "2026-06-10T09:00Z"),  # 11:00 in Zurich
        # Second pass through 02:xx on fall-back night: both 02:05 have gone.
        (local(ZURICH, 2026, 10, 25, 2, 10, fold=1), "today 02:05"),
    ],
)
def test_past_time_is_an_error(now: datetime, text: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=now, tz=ZURICH)
    message = str(caught.value)
    assert message.startswith("That time has already passed")
    assert_one_sentence_with_example(message)


@pytest.mark.parametrize("text", ["today 11:59", "2026-06-10T11:59:30", "2026-06-10T09:59:01Z"])
def test_up_to_a_minute_ago_still_counts_as_now(text: str) -> None:
    assert parse_when(text, now=NOW, tz=ZURICH) <= NOW


# --- what is refused -----------------------------------------------------------------------


def test_unreadable_time_message_names_the_input_and_working_examples() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("tomorow 10", now=NOW, tz=ZURICH)
    assert str(caught.value) == (
        "I couldn't read 'tomorow 10' as a time — try `tomorrow 10:00`, `in 15m`, "
        "`fri 14:30` or `2026-06-17 10:00`."
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "I couldn't read"),
        ("next week", "'next week'"),
        ("now please", "'now please'"),
        ("10", "'10'"),  # a lone number is not a time of day
        ("in", "after `in`"),
        ("in soon", "'in soon'"),
        ("in -5m", "'in -5m'"),
        ("in 5000000d", "too far ahead"),
        ("tomorrow", "Add a time"),
        ("Fri", "`fri 10:00`"),
        ("25:00", "'25:00'"),
        ("tomorrow 25:00", "I can't read '25:00' as a time of day"),
        ("tomorrow 13pm", "I can't read '13pm' as a time of day"),
        ("today 10:60", "'10:60'"),
        ("2026-02-30", "There is no date '2026-02-30'"),
        ("2026-13-01 10:00", "There is no date '2026-13-01'"),
        ("2026-12-01 banana", "'banana'"),
        ("2026-12-01T10:00+25:00", "offset"),
    ],
)
def test_unusable_time_is_one_actionable_sentence(text: str, fragment: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=NOW, tz=ZURICH)
    message = str(caught.value)
    assert fragment in message
    assert_one_sentence_with_example(message)


def test_when_error_is_a_value_error() -> None:
    assert issubclass(WhenError, ValueError)


def test_naive_now_is_a_programming_error_not_a_user_error() -> None:
    with pytest.raises(ValueError) as caught:
        parse_when("now", now=datetime(2026, 6, 10, 12, 0), tz=ZURICH)
    assert not isinstance(caught.value, WhenError)


# --- begins_when (used to find where an unquoted title ends) -----------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["now"], True),
        (["in", "15m"], True),
        (["in", "with"], False),
        (["in"], False),
        (["tomorrow", "10:00"], True),
        (["tomorrow"], True),  # fails later with "Add a time"
        (["friday", "drinks"], False),
        (["Friday", "at"], True),
        (["fri", "9am"], True),
        (["14:30"], True),
        (["2:30pm", "x"], True),
        (["1:1"], False),
        (["2026-12-01"], True),
        (["2026-12-01T10:00Z"], True),
        (["at", "9"], True),
        (["at", "Joe's"], False),
        (["Standup"], False),
        (["2.0"], False),
        ([], False),
    ],
)
def test_begins_when(words: list[str], expected: bool) -> None:
    assert begins_when(words) is expected


# --- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45m", 45),
        ("1h", 60),
        ("1h30m", 90),
        ("1h30", 90),
        ("1h 30m", 90),
        ("90", 90),
        ("90min", 90),
        ("90 mins", 90),
        ("2 hours", 120),
        ("2 HOURS", 120),
        ("1 hour 30 minutes", 90),
        ("1.5h", 90),
        ("1m", 1),
        ("24h", 24 * 60),
        ("1d", 24 * 60),
    ],
)
def test_parse_duration(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "as a duration"),
        ("abc", "'abc' as a duration"),
        ("1x", "'1x'"),
        ("30m1h", "'30m1h'"),
        ("-5m", "'-5m'"),
        ("1h 1h", "'1h 1h'"),
        ("0", "1 minute to 24 hours"),
        ("0.5m", "1 minute to 24 hours"),
        ("25h", "1 minute to 24 hours"),
        ("24h1m", "1 minute to 24 hours"),
        ("99999999999d", "as a duration"),
    ],
)
def test_parse_duration_refuses(text: str, fragment: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_duration(text)
    assert fragment in str(caught.value)
    assert_one_sentence_with_example(str(caught.value))


# --- reminder offsets ----------------------------------------------------------------------

H, M, D = timedelta(hours=1), timedelta(minutes=1), timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1h,10m", [H, 10 * M]),
        ("10m,1h", [H, 10 * M]),
        ("1d,1h,10m", [D, H, 10 * M]),
        ("10m,1h,10m", [H, 10 * M]),
        ("60m,1h", [H]),  # the same offset spelled twice
        ("1h, 10m", [H, 10 * M]),
        ("1h,", [H]),
        ("5", [5 * M]),
        ("30d", [30 * D]),
        ("1h30m,2d", [2 * D, 90 * M]),
    ],
)
def test_parse_offsets_sorted_longest_first_without_duplicates(
    text: str, expected: list[timedelta]
) -> None:
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "how long before"),
        (",", "how long before"),
        ("soon", "'soon'"),
        ("1h,x", "'x'"),
        ("0m", "'0m'"),
        ("1h,0", "'0'"),
        ("31d", "at most 30 days"),
        ("30d1m", "at most 30 days"),
        ("? '0", "'? ’0'"),  # a typed quote stays inside the quoting (found by the form's property test)
    ],
)
def test_parse_offsets_refuses(text: str, fragment: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_offsets(text)
    assert fragment in str(caught.value)
    assert_one_sentence_with_example(str(caught.value))


# --- time phrases as people type them (issue 8) ---------------------------------------------

# Wednesday 10 June 2026, 12:00 in Zurich (10:00 UTC).
PHRASES_ACCEPTED = [
    ("next monday 10am", (2026, 6, 15, 10, 0)),
    ("next wednesday 13:00", (2026, 6, 17, 13, 0)),  # "next" is never today
    ("this wednesday 13:00", (2026, 6, 10, 13, 0)),
    ("10am next monday", (2026, 6, 15, 10, 0)),
    ("3pm tomorrow", (2026, 6, 11, 15, 0)),
    ("3pm on friday", (2026, 6, 12, 15, 0)),
    ("noon", (2026, 6, 10, 12, 0)),  # right now counts as ahead
    ("at noon", (2026, 6, 10, 12, 0)),
    ("noon tomorrow", (2026, 6, 11, 12, 0)),
    ("tomorrow at noon", (2026, 6, 11, 12, 0)),
    ("midnight", (2026, 6, 11, 0, 0)),
    ("dec 5 14:00", (2026, 12, 5, 14, 0)),
    ("Dec 5, 14:00", (2026, 12, 5, 14, 0)),
    ("5 dec 14:00", (2026, 12, 5, 14, 0)),
    ("december 5th 2pm", (2026, 12, 5, 14, 0)),
    ("5th december 2026 9am", (2026, 12, 5, 9, 0)),
    ("dec 5 2026 14:00", (2026, 12, 5, 14, 0)),
    ("14:00 dec 5", (2026, 12, 5, 14, 0)),
    ("jun 10 13:00", (2026, 6, 10, 13, 0)),  # today, still ahead
    ("jun 9 10:00", (2027, 6, 9, 10, 0)),  # passed this year: next year's
    ("05.12.2026 10:00", (2026, 12, 5, 10, 0)),
    ("5.12. 10:00", (2026, 12, 5, 10, 0)),
    ("2026-12-05T10:00", (2026, 12, 5, 10, 0)),
]


@pytest.mark.parametrize(("text", "expected"), PHRASES_ACCEPTED)
def test_time_phrases_people_type(text: str, expected: tuple[int, ...]) -> None:
    result = parse_when(text, now=NOW, tz=ZURICH)
    assert result.tzinfo is ZURICH
    assert result.replace(tzinfo=None) == datetime(*expected)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected_utc"),
    [
        ("tomorrow 10:00 EST", utc(2026, 6, 11, 15, 0)),  # EST is UTC-5 even in June
        ("tomorrow 10:00 edt", utc(2026, 6, 11, 14, 0)),
        ("tomorrow 10:00 America/New_York", utc(2026, 6, 11, 14, 0)),
        ("tomorrow 10:00 america/new_york", utc(2026, 6, 11, 14, 0)),
        ("tomorrow 10:00 UTC", utc(2026, 6, 11, 10, 0)),
        ("2026-12-05 10:00 Asia/Kolkata", utc(2026, 12, 5, 4, 30)),
        ("dec 5 10:00 +05:30", utc(2026, 12, 5, 4, 30)),
        ("10:00 EST", utc(2026, 6, 10, 15, 0)),  # 05:00 in New York: still ahead today there
        ("10:00 UTC", utc(2026, 6, 11, 10, 0)),  # two minutes ago in UTC: tomorrow's
        ("3pm tomorrow Europe/London", utc(2026, 6, 11, 14, 0)),
    ],
)
def test_a_zone_word_overrides_the_speakers_zone(text: str, expected_utc: datetime) -> None:
    result = parse_when(text, now=NOW + timedelta(minutes=2), tz=ZURICH)
    assert_same_instant_in(result, expected_utc, ZURICH)


PHRASES_REFUSED = [
    ("yesterday", "Yesterday has already passed"),
    ("yesterday 10:00", "That time has already passed"),
    ("9999-12-31 23:59", "too far ahead"),
    ("9999-12-31 23:59 America/New_York", "too far ahead"),
    ("31.12.9999 23:59", "too far ahead"),
    ("dec 31 9999 23:59", "too far ahead"),
    ("2027-06-12 10:00", "too far ahead"),  # a year and two days
    ("in 400d", "too far ahead"),
    ("0001-01-01 00:00", "already passed"),
    ("0001-01-01 00:00 +14:00", "already passed"),
    ("feb 30 10:00", "There is no 'feb 30'"),
    ("31.04.2026 10:00", "There is no '31.04.2026'"),
    ("5/12 10:00", "I couldn't read"),  # day/month or month/day: not guessed
    ("next week", "I couldn't read"),
    ("next monday", "Add a time"),
    ("dec 5", "Add a time"),
    ("noon walk", "I couldn't read"),
    ("10:00 Mars/Olympus", "I don't know the time zone 'Mars/Olympus'"),
    ("2027-03-28 02:30 Europe/Zurich", "clocks jump forward"),
]


@pytest.mark.parametrize(("text", "fragment"), PHRASES_REFUSED)
def test_time_phrases_refused_in_one_sentence(text: str, fragment: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=NOW, tz=ZURICH)
    assert fragment in str(caught.value)
    assert_one_sentence_with_example(str(caught.value))


def test_more_than_a_year_ahead_is_its_own_error_and_a_year_is_fine() -> None:
    assert parse_when("2027-06-10 10:00", now=NOW, tz=ZURICH).year == 2027
    with pytest.raises(TooFarAhead):
        parse_when("9999-12-31 23:59", now=NOW, tz=NEW_YORK)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["next", "monday"], True),
        (["next", "steps"], False),
        (["this", "friday"], True),
        (["this", "week's"], False),
        (["noon"], True),
        (["noon", "tomorrow"], True),
        (["noon", "walk"], False),
        (["dec", "5"], True),
        (["may", "update"], False),
        (["5", "dec"], True),
        (["5", "people"], False),
        (["05.12.2026"], True),
        (["3pm", "tomorrow"], True),
        (["yesterday"], True),
        (["at", "noon"], True),
    ],
)
def test_begins_when_knows_the_new_phrases(words: list[str], expected: bool) -> None:
    assert begins_when(words) is expected


# --- any text: a time or one sentence, never a crash -----------------------------------------

VOCABULARY = st.sampled_from(
    "now in at on next this today tomorrow yesterday noon midnight mon fri sunday dec may 5 31 5th "
    "9999 2026 0001 10 14:00 2:30pm 02:30 25:00 10am 12pm 1h 90 2026-10-25 9999-12-31 0001-01-01T00:00 "
    "05.12.2026 31.12.9999 5.12. 29.02. est utc z +02:00 -05:00 +14:00 america/new_york europe/zurich a/b "
    "5/12".split()
)
ZONES = st.sampled_from([ZURICH, NEW_YORK, KOLKATA, AUCKLAND, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12")])
NOWS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC))


def _check(text: str, now: datetime, tz: ZoneInfo, *, strict: bool) -> None:
    try:
        result = parse_when(text, now=now, tz=tz)
    except WhenError as error:
        message = str(error)
        if strict:  # typed words carry no quotes or backticks of their own
            assert_one_sentence_with_example(message)
        else:
            assert "\n" not in message and message[0].isupper() and message.endswith(".") and "`" in message
    else:
        assert result.tzinfo is tz
        assert now - timedelta(minutes=1) <= result <= now + MAX_AHEAD


@settings(max_examples=300)
@given(st.lists(VOCABULARY, min_size=1, max_size=5), NOWS, ZONES)
def test_phrases_of_time_words_parse_or_fail_with_one_sentence(words: list[str], now: datetime, tz: ZoneInfo) -> None:
    _check(" ".join(words), now, tz, strict=True)


@given(st.text(max_size=40), NOWS, ZONES)
def test_any_text_parses_or_fails_with_one_sentence(text: str, now: datetime, tz: ZoneInfo) -> None:
    _check(text, now, tz, strict=False)
