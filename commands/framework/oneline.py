"""Parse the text after ``/meeting new`` into a ``NewMeetingLine``.

    line = parse_new_line('whereby "Standup" tomorrow 10:00 for 15m #general @alice remind 10m',
                          now=now, tz=ZoneInfo("Europe/Zurich"), providers={"whereby", "kmeet"})

The shape is

    [provider] "<title>" [when] [for <duration>] [#channel] [@people…] [cohost @people…] [remind 1h,10m] [key=value…]

- ``provider`` is the first word when it names one of ``providers`` (any case). A first word
  that is only close to one ("wherby") is an error asking "did you mean", because a meeting on
  the default provider named "wherby …" is the worse surprise.
- The title is quoted ("…" or the “…” Slack turns them into) or runs, unquoted, up to the first
  word that starts a time (``tomorrow 10:00``, ``in 15m``, ``14:30`` …) or an option. ``for`` and
  ``remind`` end an unquoted title only when a duration follows them, so "Time for coffee" stays
  whole. Without a time the meeting starts now.
- After the title the parts may come in any order. Slack escapes mentions when the command has
  ``should_escape``: ``<#C0123ABC|general>`` and ``<@U0123ABC|alice>`` keep only the ids;
  a plain ``#general`` or ``@alice`` (the console) is kept as typed, without the sigil.
- ``cohost @ana @bo`` (or ``cohosts``) makes the people mentioned right after it co-hosts; other
  mentions are invitees.
- ``remind off`` (or ``none``) means no reminders; no ``remind`` at all leaves ``reminders`` None
  so the caller can apply the workspace default.
- ``key=value`` options are passed through for the provider; values may be quoted.

Every failure is a ``ParseError`` (a ``WhenError`` from the time phrase is wrapped) whose message is
one sentence with an example that works.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from enum import Enum
from typing import TypeVar
from zoneinfo import ZoneInfo

from commands.framework.arguments import Arguments, positional
from commands.framework.errors import UserError
from commands.framework.tokenizer import DOUBLE_QUOTES, Token, channel_id, tokenize, unescape, user_id
from commands.framework.when import (
    WhenError,
    begins_when,
    parse_duration,
    parse_offsets,
    parse_when,
    read_duration,
)
from commands.framework.when_words import quote

__all__ = ["NewMeetingLine", "ParseError", "parse_new_line"]

_T = TypeVar("_T")

# Straight quotes and the typographic ones Slack and phones substitute; any of them closes any
# other; ‘…’ too. A straight single quote is no quote here: "Bob's sync" must not open a string.
_QUOTES = frozenset(DOUBLE_QUOTES + "‘")
# "1 hour 30 minutes" is the longest duration spelled over separate words.
_MAX_DURATION_WORDS = 4
_EXAMPLE = '`/meeting new whereby "Standup" tomorrow 10:00 for 15m #general @alice`'
_NO_REMINDERS = frozenset({"off", "none", "no"})
_COHOST_WORDS = frozenset({"cohost", "cohosts", "co-host", "co-hosts"})


class ParseError(UserError, ValueError):
    """A ``/meeting new`` line that cannot be used; ``str(error)`` is the sentence to show.

        except ParseError as error: reply(str(error))
    """


class NewMeetingLine(Arguments):
    """What ``/meeting new …`` asked for, before any defaults or provider calls: the subcommand's
    argument model (its usage line comes from the fields), built by ``parse_new_line``.

        NewMeetingLine(provider="kmeet", title="Standup", start=start, duration=timedelta(minutes=15),
                       channel="C0123ABC", invitees=("U0123ABC",), cohosts=(), reminders=None, options={})
    """

    provider: str | None = positional(None, metavar="provider")
    title: str = positional(metavar="title", usage='"<title>"')
    start: datetime = positional(metavar="when", usage="[when]")
    duration: timedelta = positional(metavar="duration", usage="[for <duration>]")
    channel: str | None = positional(None, metavar="channel", usage="[#channel]")
    invitees: tuple[str, ...] = positional((), metavar="people", usage="[@people]")
    cohosts: tuple[str, ...] = positional((), metavar="cohosts", usage="[cohost @people]")
    reminders: tuple[timedelta, ...] | None = positional(None, metavar="reminders", usage="[remind 1h,10m]")
    options: dict[str, str] = positional({}, metavar="options", usage="[key=value…]")


def parse_new_line(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    providers: Collection[str],
    default_duration: timedelta = timedelta(minutes=30),
) -> NewMeetingLine:
    """Parse the text after ``/meeting new``; times are read in ``tz`` relative to ``now``.

        parse_new_line('kmeet "Retro" fri 14:30', now=now, tz=tz, providers={"kmeet"})
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    try:
        tokens = tokenize(text)
    except UserError as error:
        raise ParseError(str(error)) from None
    provider, position = _provider(tokens, providers)
    title, position = _title(tokens, position, provider=provider)
    parts = _Parts()
    when_tokens: list[Token] = []
    when_finished = False  # a second, separate run of plain words is an error
    while position < len(tokens):
        token = tokens[position]
        kind = _kind(token)
        if kind is _Kind.WORD:
            if when_finished:
                raise ParseError(
                    f"I didn't understand {quote(token.text)} — after the title write the time, "
                    "then options like `for 45m`, `#general`, `@alice` or `remind 1h,10m`."
                )
            when_tokens.append(token)
            position += 1
            continue
        when_finished = bool(when_tokens)
        position = parts.take(kind, tokens, position)

    if when_tokens:
        try:
            start = parse_when(" ".join(t.text for t in when_tokens), now=now, tz=tz)
        except WhenError as error:
            raise ParseError(str(error)) from error
    else:
        start = now.astimezone(tz)
    return NewMeetingLine(
        provider=provider,
        title=title,
        start=start,
        duration=parts.duration or default_duration,
        channel=parts.channel,
        invitees=tuple(dict.fromkeys(p for p in parts.invitees if p not in parts.cohosts)),
        cohosts=tuple(dict.fromkeys(parts.cohosts)),
        reminders=parts.reminders,
        options=parts.options,
    )


# --- tokens --------------------------------------------------------------------------------


class _Kind(Enum):
    WORD = "word"  # part of the title or the time
    FOR = "for"
    REMIND = "remind"
    COHOST = "cohost"
    CHANNEL = "channel"
    PERSON = "person"
    OPTION = "option"
    SLACK_SPECIAL = "special"  # <!here>, <!subteam^…>: nothing we can invite


def _kind(token: Token) -> _Kind:
    raw = token.raw
    if token.key is not None:
        return _Kind.OPTION
    if raw.startswith(("#", "<#")):
        return _Kind.CHANNEL
    if raw.startswith(("@", "<@")):
        return _Kind.PERSON
    if raw.startswith("<!"):
        return _Kind.SLACK_SPECIAL
    if not token.quoted and raw.lower() in ("for", "remind"):
        return _Kind(raw.lower())
    if not token.quoted and raw.lower() in _COHOST_WORDS:
        return _Kind.COHOST
    return _Kind.WORD


def _next_keyword(tokens: list[Token], start: int) -> int:
    keywords = (i for i in range(start, len(tokens)) if _kind(tokens[i]) is not _Kind.WORD)
    return next(keywords, len(tokens))


# --- provider and title --------------------------------------------------------------------


def _provider(tokens: list[Token], providers: Collection[str]) -> tuple[str | None, int]:
    if not tokens:
        raise ParseError(f"Tell me what to set up, e.g. {_EXAMPLE}.")
    first = tokens[0]
    if first.quoted or _kind(first) is not _Kind.WORD:
        return None, 0
    by_lower = {name.lower(): name for name in providers}
    word = first.text.lower()
    if word in by_lower:
        return by_lower[word], 1
    if word.isalpha() and not begins_when([t.text for t in tokens[:2]]):
        close = difflib.get_close_matches(word, list(by_lower), n=1, cutoff=0.75)
        if close:
            suggestion = by_lower[close[0]]
            raise ParseError(
                f"I don't know a provider called {quote(first.text)} — did you mean "
                f'`{suggestion}` (or, if that word starts the title, put the title in quotes like '
                f'`"{first.text} …"`)?'
            )
    return None, 0


def _title(tokens: list[Token], start: int, *, provider: str | None) -> tuple[str, int]:
    if start < len(tokens) and tokens[start].raw[:1] in _QUOTES:
        title, end = tokens[start].text, start + 1
    else:
        end = start
        while end < len(tokens) and not _ends_title(tokens, end):
            end += 1
        title = " ".join(token.text for token in tokens[start:end])
    title = " ".join(unescape(title).split())
    if not title:
        example = f'/meeting new {provider + " " if provider else ""}"Standup" tomorrow 10:00'
        raise ParseError(
            f"Give the meeting a title before the time and options, in quotes if it could read "
            f"as a time, e.g. `{example}`."
        )
    return title, end


def _ends_title(tokens: list[Token], index: int) -> bool:
    token = tokens[index]
    kind = _kind(token)
    if kind in (_Kind.FOR, _Kind.REMIND):
        # "Time for coffee": `for` ends the title only when a duration follows it.
        return _starts_argument(tokens, index)
    if kind is _Kind.COHOST:  # "Cohost sync" stays a title: only a mention after it makes it the keyword
        return index + 1 < len(tokens) and _kind(tokens[index + 1]) is _Kind.PERSON
    if kind is not _Kind.WORD:
        return True
    if token.quoted:
        return False
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    words = [token.text]
    if following is not None and _kind(following) is _Kind.WORD:
        words.append(following.text)
    return begins_when(words)


# --- the parts after the title -------------------------------------------------------------


class _Parts:
    """Collects ``for``, ``remind``, channel, people and options, each from its own tokens."""

    def __init__(self) -> None:
        self.duration: timedelta | None = None
        self.reminders: tuple[timedelta, ...] | None = None
        self.channel: str | None = None
        self.invitees: list[str] = []
        self.cohosts: list[str] = []
        self.options: dict[str, str] = {}

    def take(self, kind: _Kind, tokens: list[Token], index: int) -> int:
        """Consume the part starting at ``tokens[index]``; returns the index after it."""
        token = tokens[index]
        if kind is _Kind.FOR:
            if self.duration is not None:
                raise ParseError("You gave the length twice — keep one, e.g. `for 45m`.")
            self.duration, end = _argument(tokens, index, parse_duration)
            return end
        if kind is _Kind.REMIND:
            if self.reminders is not None:
                raise ParseError(
                    "You gave `remind` twice — list every time in one, e.g. `remind 1d,1h,10m`."
                )
            following = tokens[index + 1].text.lower() if index + 1 < len(tokens) else ""
            if following in _NO_REMINDERS:
                self.reminders = ()
                return index + 2
            offsets, end = _argument(tokens, index, parse_offsets)
            self.reminders = tuple(offsets)
            return end
        if kind is _Kind.COHOST:
            end = index + 1
            while end < len(tokens) and _kind(tokens[end]) is _Kind.PERSON:
                self.cohosts.append(_person(tokens[end]))
                end += 1
            if end == index + 1:
                raise ParseError(f"Mention the co-hosts right after `{token.text}`, e.g. `cohost @ana @bo`.")
            return end
        if kind is _Kind.CHANNEL:
            if self.channel is not None:
                raise ParseError(
                    f"Give one channel only (I also found {quote(token.text)}), e.g. `#general`."
                )
            self.channel = _channel(token)
        elif kind is _Kind.PERSON:
            self.invitees.append(_person(token))
        elif kind is _Kind.OPTION:
            key, value = _option(token)
            if key in self.options:
                # Never the value: an option can carry a secret (a pasted key), and replies are not for secrets.
                raise ParseError(f"You gave `{key}` twice — keep one of the two `{key}=…`.")
            self.options[key] = value
        else:  # _Kind.SLACK_SPECIAL
            raise ParseError(
                f"I can't invite {quote(token.text)} — mention people one by one, e.g. `@alice @bob`."
            )
        return index + 1


def _argument(tokens: list[Token], index: int, parse: Callable[[str], _T]) -> tuple[_T, int]:
    """Read what follows ``for``/``remind`` at ``tokens[index]``: the longest run of words that
    parses, so ``for 1 hour 30 minutes tomorrow 10:00`` leaves the time for the when-phrase."""
    keyword = tokens[index].text.lower()
    start, stop = index + 1, _next_keyword(tokens, index + 1)
    if keyword == "for":
        stop = min(stop, start + _MAX_DURATION_WORDS)
    if start == stop:
        example = "for 45m" if keyword == "for" else "remind 1h,10m"
        raise ParseError(f"Say what comes after `{keyword}`, e.g. `{example}`.")
    for end in range(stop, start, -1):
        try:
            return parse(" ".join(t.text for t in tokens[start:end])), end
        except WhenError as error:
            if end == start + 1:  # nothing longer worked: report the first word's problem
                raise ParseError(str(error)) from error
    raise AssertionError("unreachable")  # pragma: no cover


def _starts_argument(tokens: list[Token], index: int) -> bool:
    """Whether the word after ``for``/``remind`` reads as its argument (range not checked, so
    ``for 25h`` still ends the title and then fails with a sentence about the range)."""
    following = tokens[index + 1].text.lower() if index + 1 < len(tokens) else ""
    if tokens[index].text.lower() == "remind" and following in _NO_REMINDERS:
        return True
    parts = [part for part in following.split(",") if part.strip()]
    return bool(parts) and all(read_duration(part) is not None for part in parts)


def _channel(token: Token) -> str:
    return _mention(token, sigil="#", read=channel_id, what="channel", example="name it like `#general`")


def _person(token: Token) -> str:
    return _mention(token, sigil="@", read=user_id, what="person", example="mention them like `@alice`")


def _mention(token: Token, *, sigil: str, read: Callable[[str], str | None], what: str, example: str) -> str:
    """The id in Slack's ``<#C1|general>`` / ``<@U1|ada>``, or the name typed after ``#`` / ``@``."""
    raw = token.raw.rstrip(",;")
    name = (read(raw) or "") if raw.startswith("<" + sigil) else raw[1:]
    if not name:
        raise ParseError(f"I couldn't read the {what} {quote(token.text)} — {example}.")
    return name


def _option(token: Token) -> tuple[str, str]:
    assert token.key is not None and token.value is not None  # _kind() said OPTION
    if not token.value and not token.quoted:
        raise ParseError(f"Give `{token.key}` a value, e.g. `{token.key}=value` or `{token.key}=\"two words\"`.")
    return token.key, token.value


# --- text helpers --------------------------------------------------------------------------
