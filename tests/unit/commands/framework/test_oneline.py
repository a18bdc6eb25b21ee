"""commands/framework/oneline.py: the text after ``/meeting new`` as Slack (and the console) deliver it.

Every test uses a fixed ``now``; none reads the real clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from commands.framework.oneline import NewMeetingLine, ParseError, parse_new_line
from commands.framework.when import WhenError, parse_when
from tests.support.sentences import assert_one_sentence_with_example
from tests.unit.commands.framework.test_when import PHRASES_ACCEPTED

ZURICH = ZoneInfo("Europe/Zurich")
NEW_YORK = ZoneInfo("America/New_York")
PROVIDERS = ("whereby", "kmeet", "airmeet", "clickmeeting", "roomful")
# Wednesday 10 June 2026, noon in Zurich.
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=ZURICH)
M, H = timedelta(minutes=1), timedelta(hours=1)


def parse(text: str, **overrides: Any) -> NewMeetingLine:
    arguments: dict[str, Any] = {"now": NOW, "tz": ZURICH, "providers": PROVIDERS} | overrides
    return parse_new_line(text, **arguments)


def at(*args: int, tz: ZoneInfo = ZURICH) -> datetime:
    return datetime(*args, tzinfo=tz)  # type: ignore[misc]


def test_the_full_line() -> None:
    line = parse(
        'whereby "Standup" tomorrow 10:00 for 15m #general @alice @bob remind 1h,10m '
        'room_mode=group is_locked=true password="a b"'
    )
    assert line == NewMeetingLine(
        provider="whereby",
        title="Standup",
        start=at(2026, 6, 11, 10, 0),
        duration=15 * M,
        channel="general",
        invitees=("alice", "bob"),
        reminders=(H, 10 * M),
        options={"room_mode": "group", "is_locked": "true", "password": "a b"},
    )
    assert line.start.tzinfo is ZURICH


def test_as_slack_sends_it_with_smart_quotes_and_escaped_mentions() -> None:
    line = parse(
        "kmeet “Weekly sync” fri 14:30 <#C0123ABC|general> <@U0123ABC|alice> <@U0999XYZ> "
        "<@U0123ABC> remind 1d, 1h"
    )
    assert (line.provider, line.title, line.start) == ("kmeet", "Weekly sync", at(2026, 6, 12, 14, 30))
    assert line.channel == "C0123ABC"
    assert line.invitees == ("U0123ABC", "U0999XYZ")
    assert line.reminders == (24 * H, H)


def test_title_only_starts_now_with_defaults_left_to_the_caller() -> None:
    line = parse("Standup")
    assert line == NewMeetingLine(
        provider=None,
        title="Standup",
        start=NOW,
        duration=timedelta(minutes=30),
        channel=None,
        invitees=(),
        reminders=None,
        options={},
    )


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        # provider: any case, only as the first word, returned as the caller spelled it
        ('WhereBy "Standup"', "provider", "whereby"),
        ("KMEET Standup", "provider", "kmeet"),
        ('"whereby" now', "provider", None),
        ('"whereby" now', "title", "whereby"),
        ("Standup whereby", "provider", None),
        ("Standup whereby", "title", "Standup whereby"),
        # quoted titles keep words that would otherwise be times or keywords
        ('"Plan for tomorrow 10:00 @ HQ" fri 9:00', "title", "Plan for tomorrow 10:00 @ HQ"),
        ("“Retro”", "title", "Retro"),
        ("„Retro“ now", "title", "Retro"),
        ('"  Spaced   out  "', "title", "Spaced out"),
        # unquoted titles end where a time or an option begins
        ("Weekly sync fri 14:30", "title", "Weekly sync"),
        ("Time for coffee in 15m", "title", "Time for coffee"),
        ("Time for coffee", "title", "Time for coffee"),
        ("Friday drinks fri 17:00", "title", "Friday drinks"),
        ("Check in with Bob in 15m", "title", "Check in with Bob"),
        ("Lunch at Joe's at 12:30", "title", "Lunch at Joe's"),
        ("Bob’s 1:1 fri 10:00", "title", "Bob’s 1:1"),
        ("Release 2.0 review tomorrow 9am", "title", "Release 2.0 review"),
        ("Sync #general", "title", "Sync"),
        ("Sync @alice", "title", "Sync"),
        ("Sync for 45m", "title", "Sync"),
        ("Remind the team remind 10m", "title", "Remind the team"),
        ("Sync room_mode=group", "title", "Sync"),
        ("whereby Sync <@U1ABC>", "title", "Sync"),
        # Slack escapes &, < and > in text
        ('"R&amp;D &lt;sync&gt;"', "title", "R&D <sync>"),
        ("R&amp;D sync", "title", "R&D sync"),
        # the start, read in the speaker's zone
        ('"x" 14:30', "start", at(2026, 6, 10, 14, 30)),
        ('"x" in 1h30m', "start", at(2026, 6, 10, 13, 30)),
        ('"x" 2026-12-01T10:00Z', "start", at(2026, 12, 1, 11, 0)),
        ("x Tomorrow At 9", "start", at(2026, 6, 11, 9, 0)),
        # duration
        ('"x" for 45m', "duration", 45 * M),
        ('"x" for 90', "duration", 90 * M),
        ('"x" for 2 hours', "duration", 2 * H),
        ('"x" for 1 hour 30 minutes', "duration", 90 * M),
        ('"x" FOR 1h30m', "duration", 90 * M),
        # reminders: none given (None) differs from "remind off" (no reminders)
        ('"x" remind 10m,1h,10m', "reminders", (H, 10 * M)),
        ('"x" remind 1h, 10m', "reminders", (H, 10 * M)),
        ('"x" remind off', "reminders", ()),
        ('"x" remind none', "reminders", ()),
        ('"x"', "reminders", None),
        # channel
        ('"x" #general', "channel", "general"),
        ('"x" #general,', "channel", "general"),
        ('"x" <#C0123ABC>', "channel", "C0123ABC"),
        ('"x" <#C0123ABC|general>', "channel", "C0123ABC"),
        ('"x" <#C0123ABC|>', "channel", "C0123ABC"),
        ('"x" <#G0PRIVATE|secret>', "channel", "G0PRIVATE"),
        # people: ids from Slack's escapes, names as typed, duplicates dropped in order
        ('"x" @alice @bob @alice', "invitees", ("alice", "bob")),
        ('"x" @alice, @bob', "invitees", ("alice", "bob")),
        ('"x" <@U1ABC|alice> <@U1ABC>', "invitees", ("U1ABC",)),
        ('"x" <@U0123ABC|Alice Smith> @bob', "invitees", ("U0123ABC", "bob")),
        ('"x" <@W0GRIDUSER>', "invitees", ("W0GRIDUSER",)),
        # co-hosts: the mentions right after `cohost`; the others stay invitees
        ('"x" cohost @ana @bo', "cohosts", ("ana", "bo")),
        ('"x" @cy cohost <@U1ANA|ana> @bo @cy', "cohosts", ("U1ANA", "bo", "cy")),
        ('"x" @cy cohost @ana @bo @cy', "invitees", ()),
        ('"x" cohosts @ana #general @cy', "invitees", ("cy",)),
        ('"x" Co-host @ana cohost @bo', "cohosts", ("ana", "bo")),
        ('"x"', "cohosts", ()),
        # options: values may be quoted (straight or smart), Slack links are unwrapped
        ('"x" room_mode=group is_locked=true', "options", {"room_mode": "group", "is_locked": "true"}),
        ('"x" password="a b"', "options", {"password": "a b"}),
        ('"x" password=“a b”', "options", {"password": "a b"}),
        ('"x" password=""', "options", {"password": ""}),
        ('"x" note="R&amp;D"', "options", {"note": "R&D"}),
        ('"x" title="a=b"', "options", {"title": "a=b"}),
        (
            '"x" agenda=<https://example.com/a?b=c|example.com/a>',
            "options",
            {"agenda": "https://example.com/a?b=c"},
        ),
    ],
)
def test_each_part(text: str, field: str, expected: object) -> None:
    assert getattr(parse(text), field) == expected


@pytest.mark.parametrize(
    "text",
    [
        '"Standup" tomorrow 10:00 for 15m #general @alice remind 10m',
        '"Standup" #general for 15m @alice tomorrow 10:00 remind 10m',
        '"Standup" remind 10m @alice for 15m tomorrow 10:00 #general',
        '"Standup" for 15m tomorrow 10:00 @alice #general remind 10m',
        "\t\"Standup\"\u00a0 tomorrow   10:00 for 15m  #general @alice remind 10m ",
    ],
)
def test_parts_after_the_title_come_in_any_order(text: str) -> None:
    line = parse(text)
    assert (line.title, line.start, line.duration) == ("Standup", at(2026, 6, 11, 10, 0), 15 * M)
    assert (line.channel, line.invitees, line.reminders) == ("general", ("alice",), (10 * M,))


def test_cohost_after_an_unquoted_title_and_a_title_starting_with_the_word() -> None:
    line = parse("whereby Standup tomorrow 10:00 cohost @ana @bo", providers={"whereby"})
    assert (line.provider, line.title, line.start, line.cohosts) == ("whereby", "Standup", at(2026, 6, 11, 10, 0),
                                                                     ("ana", "bo"))
    assert parse("Cohost sync tomorrow 10:00").title == "Cohost sync"


def test_cohost_without_a_mention_is_one_sentence() -> None:
    with pytest.raises(ParseError) as caught:
        parse('"x" tomorrow 10:00 cohost #general')
    assert str(caught.value) == "Mention the co-hosts right after `cohost`, e.g. `cohost @ana @bo`."


def test_default_duration_is_the_callers() -> None:
    assert parse('"x"', default_duration=timedelta(minutes=45)).duration == 45 * M
    assert parse('"x" for 1h', default_duration=timedelta(minutes=45)).duration == H


def test_provider_names_are_whatever_the_caller_registered() -> None:
    assert parse("zoom Standup", providers={"Zoom"}).provider == "Zoom"
    line = parse("whereby Standup", providers=())
    assert (line.provider, line.title) == (None, "whereby Standup")


@pytest.mark.parametrize(
    ("tz", "now", "expected_utc"),
    [
        # The case: 10:00 Zurich the day the clocks change, from the day before.
        (ZURICH, at(2026, 3, 28, 10, 0), datetime(2026, 3, 29, 8, 0, tzinfo=timezone.utc)),
        (ZURICH, at(2026, 10, 24, 10, 0), datetime(2026, 10, 25, 9, 0, tzinfo=timezone.utc)),
        (NEW_YORK, at(2026, 3, 7, 10, 0, tz=NEW_YORK), datetime(2026, 3, 8, 14, 0, tzinfo=timezone.utc)),
        (NEW_YORK, at(2026, 10, 31, 10, 0, tz=NEW_YORK), datetime(2026, 11, 1, 15, 0, tzinfo=timezone.utc)),
    ],
)
def test_start_across_dst(tz: ZoneInfo, now: datetime, expected_utc: datetime) -> None:
    line = parse('kmeet "Standup" tomorrow 10:00', now=now, tz=tz)
    assert line.start.tzinfo is tz
    assert line.start.astimezone(timezone.utc) == expected_utc


def test_start_without_a_time_is_now_in_the_speakers_zone() -> None:
    now_utc = datetime(2026, 6, 10, 10, 0, tzinfo=timezone.utc)
    line = parse("Standup", now=now_utc, tz=NEW_YORK)
    assert line.start == now_utc and line.start.tzinfo is NEW_YORK


# --- what is refused -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Tell me what to set up"),
        ("   ", "Tell me what to set up"),
        ("whereby", "`/meeting new whereby \"Standup\" tomorrow 10:00`"),
        ("whereby tomorrow 10:00", "Give the meeting a title"),
        ('"" tomorrow 10:00', "Give the meeting a title"),
        ("#general", "Give the meeting a title"),
        ("Now or never", "in quotes if it could read as a time"),
        # a near-miss provider is a question, not a meeting on the default provider
        ('wherby "Standup"', "did you mean `whereby`"),
        ("clikmeeting Standup", "did you mean `clickmeeting`"),
        ("Roomfull Standup fri 10:00", "did you mean `roomful`"),
        ("airmet Standup", "did you mean `airmeet`"),
        ("meet the team", "did you mean `kmeet`"),
        # quotes
        ('"Standup', "never closed"),
        ("whereby “Standup tomorrow 10:00", "never closed"),
        ('"Standup" password="a b', "never closed"),
        # the time
        ('"Standup" tomorow 10', "I couldn't read 'tomorow 10' as a time"),
        ('"Standup" today 09:00', "That time has already passed"),
        ('"Standup" 2027-03-28 02:30', "clocks jump forward"),
        ("Standup tomorrow", "Add a time to 'tomorrow'"),
        ('"Standup" soon', "I couldn't read 'soon'"),
        # duration and reminders
        ('"Standup" for 25h', "1 minute to 24 hours"),
        ("Standup for 25h", "1 minute to 24 hours"),
        ('"Standup" for', "Say what comes after `for`"),
        ('"Standup" for #general', "Say what comes after `for`"),
        ('"Standup" for soon', "I couldn't read 'soon' as a duration"),
        ('"Standup" for 15m for 30m', "length twice"),
        ('"Standup" remind', "Say what comes after `remind`"),
        ('"Standup" remind 0m', "'0m'"),
        ("Standup remind 40d", "at most 30 days"),
        ('"Standup" remind 1h remind 10m', "`remind` twice"),
        # channel, people, options
        ('"Standup" #a #b', "one channel only (I also found '#b')"),
        ('"Standup" #', "I couldn't read the channel"),
        ('"Standup" <#bogus>', "I couldn't read the channel"),
        ('"Standup" @', "I couldn't read the person"),
        ('"Standup" <@bogus|x>', "I couldn't read the person"),
        ('"Standup" <!here>', "I can't invite '<!here>'"),
        ('"Standup" <!subteam^S0123|@eng>', "mention people one by one"),
        ('"Standup" key=', "Give `key` a value"),
        ('"Standup" a=1 a=2', "You gave `a` twice"),
        # leftovers
        ('"Standup" tomorrow 10:00 #general please', "I didn't understand 'please'"),
        ('"Standup" tomorrow #general 10:00', "I didn't understand '10:00'"),
    ],
)
def test_refused_lines_say_one_actionable_sentence(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    message = str(caught.value)
    assert fragment in message
    assert_one_sentence_with_example(message)


def test_an_option_given_twice_is_refused_without_echoing_its_value() -> None:
    # Found by tests/unit/commands/meeting/test_any_input.py: the refusal quoted the first value,
    # which can be a pasted secret.
    with pytest.raises(ParseError) as caught:
        parse('"Standup" api_key=s3cr3t-Vq81 api_key=s3cr3t-Vq81')
    assert "s3cr3t" not in str(caught.value)
    assert "`api_key`" in str(caught.value)


def test_a_near_miss_provider_can_still_start_a_quoted_title() -> None:
    line = parse('"meet the team" fri 10:00')
    assert (line.provider, line.title, line.start) == (None, "meet the team", at(2026, 6, 12, 10, 0))


def test_time_errors_arrive_as_parse_errors_keeping_the_cause() -> None:
    with pytest.raises(ParseError) as caught:
        parse('"Standup" today 09:00')
    assert isinstance(caught.value.__cause__, WhenError)
    assert issubclass(ParseError, ValueError)


def test_naive_now_is_a_programming_error_not_a_user_error() -> None:
    with pytest.raises(ValueError) as caught:
        parse("Standup", now=datetime(2026, 6, 10, 12, 0))
    assert not isinstance(caught.value, ParseError)


def test_the_result_is_frozen() -> None:
    line = parse("Standup")
    with pytest.raises(ValidationError):  # a pydantic argument model, frozen
        line.title = "Other"  # type: ignore[misc]


# --- the time phrases of issue 8 inside a line ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "start"),
    [
        ("kmeet Planning next monday 10am for 1h", "Planning", at(2026, 6, 15, 10, 0)),
        ("kmeet Next steps next monday 10am", "Next steps", at(2026, 6, 15, 10, 0)),
        ("kmeet Retro 3pm tomorrow #general", "Retro", at(2026, 6, 11, 15, 0)),
        ("kmeet Lunch noon tomorrow", "Lunch", at(2026, 6, 11, 12, 0)),
        ("kmeet Noon walk tomorrow 12:30", "Noon walk", at(2026, 6, 11, 12, 30)),
        ("kmeet May update dec 5 14:00 for 30m", "May update", at(2026, 12, 5, 14, 0)),
        ("kmeet Review 5 dec 14:00", "Review", at(2026, 12, 5, 14, 0)),
        ("kmeet Board 05.12.2026 10:00 remind 1h", "Board", at(2026, 12, 5, 10, 0)),
        ("kmeet Sync 2026-12-05T10:00 @alice", "Sync", at(2026, 12, 5, 10, 0)),
        ("kmeet Call tomorrow 10:00 America/New_York for 30m", "Call", at(2026, 6, 11, 16, 0)),
        ("kmeet Call tomorrow 10:00 EST #general", "Call", at(2026, 6, 11, 17, 0)),
        ('kmeet "x" 2026-10-25 02:30 +01:00', "x", at(2026, 10, 25, 2, 30).replace(fold=1)),
    ],
)
def test_time_phrases_end_where_the_options_start(text: str, title: str, start: datetime) -> None:
    line = parse(text)
    assert (line.title, line.start) == (title, start)
    assert line.start.utcoffset() == start.utcoffset()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('kmeet "x" 9999-12-31 23:59', "too far ahead"),
        ('kmeet "x" 9999-12-31 23:59 for 1h', "too far ahead"),
        ('kmeet "x" yesterday', "Yesterday has already passed"),
        ('kmeet "x" 2026-10-25 02:30', "twice"),
    ],
)
def test_time_phrase_refusals_reach_the_line(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text, tz=NEW_YORK) if "9999" in text else parse(text)
    assert fragment in str(caught.value)
    assert_one_sentence_with_example(str(caught.value))


# --- properties: the time phrase ends where the options begin; any text is a line or one sentence ---

TITLES = st.sampled_from(["Standup", "Weekly sync", "Time for coffee", "Next steps", "Noon walk", '"May 5 review"'])
PHRASES = st.sampled_from([text for text, _ in PHRASES_ACCEPTED] + ["tomorrow 10:00 EST", "fri 9am America/New_York"])
TAILS = st.permutations(["for 45m", "#general", "@alice", "remind 1h"])


@settings(max_examples=200)
@given(TITLES, PHRASES, TAILS)
def test_the_time_phrase_is_read_whole_between_title_and_options(title: str, phrase: str, tail: list[str]) -> None:
    line = parse(f"kmeet {title} {phrase} {' '.join(tail)}")
    assert line.title == title.strip('"')
    assert line.start == parse_when(phrase, now=NOW, tz=ZURICH)
    assert (line.duration, line.channel, line.invitees, line.reminders) == (45 * M, "general", ("alice",), (H,))


@given(st.text(max_size=60))
def test_any_text_after_new_is_a_line_or_one_sentence(text: str) -> None:
    try:
        parse(f"kmeet {text}")
    except ParseError as error:
        message = str(error)
        assert "\n" not in message and message[0].isupper() and message.rstrip("`'").endswith((".", "?")), message
