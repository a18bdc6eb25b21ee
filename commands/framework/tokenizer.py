"""The one Slack-aware tokenizer: what a user typed after a slash command, as tokens.

    tokens = tokenize('whereby "Weekly sync" <#C1|general> <@U2|bob> api_key="a b"')
    [t.text for t in tokens]        # ['whereby', 'Weekly sync', '<#C1|general>', '<@U2|bob>', 'api_key=a b']
    tokens[-1].key, tokens[-1].value  # ('api_key', 'a b')

Rules, the same for every command:

- Words split on whitespace. A double quote (``"`` or the typographic ``“ ” „ « »`` Slack and
  phones substitute; any of them closes any other) or ``‘…’`` opens a quoted stretch anywhere in
  a word; a straight ``'`` does not, so "Bob's sync" stays a word.
- Slack's escapes stay one token even with spaces in their label: ``<@U1|Ada Lovelace>``,
  ``<#C1|general>``, ``<https://x|label>``, ``<mailto:a@b|a@b>``; ``user_id``/``channel_id``/
  ``unlink`` read them.
- ``key=value``: the value may be quoted with any quote above or a straight ``'`` (only a quote
  that opens the value counts, so ``password=it's`` stays whole), may be a Slack link, and has
  ``&amp; &lt; &gt;`` and links undone. ``API_KEY=`` is ``api_key=``; a mixed-case key (a pasted
  base64 secret before ``=``) stays as typed and is never repeated in an error (``field_ref``).

Errors are ``UserError`` sentences that never repeat a value: a value may be a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.framework.errors import UserError

DOUBLE_QUOTES = '"“”„«»'
# What a quote at the start of a value may be, and what closes it.
_VALUE_CLOSERS = {"'": "'", "‘": "’'", "’": "’'", **{quote: DOUBLE_QUOTES for quote in DOUBLE_QUOTES}}
# Inside a word only double quotes and ‘ open a stretch: ' and ’ are apostrophes there.
_WORD_CLOSERS = {"‘": "’", **{quote: DOUBLE_QUOTES for quote in DOUBLE_QUOTES}}
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*)=")
_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SLACK_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")
# A typed key is repeated in a reply only when it looks like a name we asked for.
_SAFE_NAME = re.compile(r"[a-z][a-z_]{0,23}")


@dataclass(frozen=True)
class Token:
    """One typed word: ``text`` without its quotes, ``raw`` as typed; ``key``/``value`` for key=value."""

    text: str
    raw: str
    quoted: bool = False  # some part was inside quotes: never a keyword, a time or a sigil
    key: str | None = None
    value: str | None = None  # unescaped (Slack escapes and links undone)


def field_ref(key: str) -> str:
    """How a reply names a typed ``key=``: as typed when it looks like a field name, else vaguely."""
    return f"`{key}=`" if _SAFE_NAME.fullmatch(key) else "a word before `=`"


def echo(text: str, *, limit: int = 40) -> str:
    """Typed text that is safe to repeat in a reply: one line, at most ``limit`` characters, and
    never what follows a ``=`` (``api_key=…`` pasted in the wrong place must not come back).

        echo("api_key=s3cr3t") == "api_key=…"
    """
    text = " ".join(re.sub(r"=\S+", "=…", text).split())
    return text[: limit - 1] + "…" if len(text) > limit else text


def unescape(text: str) -> str:
    """Undo Slack's escaping of &, < and > (only these three, as Slack documents)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def unlink(value: str) -> str:
    """``<mailto:a@b|a@b>`` → ``a@b``, ``<https://x|x>`` → ``https://x``; then Slack's escapes undone."""
    link = _SLACK_LINK.fullmatch(value)
    if link:
        value = link[1].removeprefix("mailto:")
    return unescape(value)


def user_id(raw: str) -> str | None:
    """``<@U1|ada>`` → ``U1``; None when ``raw`` is not a Slack user mention."""
    match = _SLACK_USER.fullmatch(raw)
    return match[1] if match else None


def channel_id(raw: str) -> str | None:
    """``<#C1|general>`` → ``C1``; None when ``raw`` is not a Slack channel mention."""
    match = _SLACK_CHANNEL.fullmatch(raw)
    return match[1] if match else None


def tokenize(text: str) -> list[Token]:
    """Split what was typed into tokens (see the module docstring); ``UserError`` on an open quote."""
    tokens: list[Token] = []
    position, end = 0, len(text)
    while position < end:
        if text[position].isspace():
            position += 1
            continue
        key_match = _KEY.match(text, position)
        if key_match is not None:
            token, position = _read_option(text, position, key_match)
        else:
            token, position = _read_word(text, position)
        tokens.append(token)
    return tokens


def _read_option(text: str, start: int, key_match: re.Match[str]) -> tuple[Token, int]:
    typed = key_match[1]
    key = typed.lower() if typed.isupper() else typed  # API_KEY= is api_key=; mixed case stays (never shown)
    position, end = key_match.end(), len(text)
    pieces: list[str] = []
    quoted = False
    if position < end and text[position] == "<" and ">" in text[position:]:
        close = text.index(">", position)  # Slack's <mailto:…|…> may hold spaces in its label
        pieces.append(text[position : close + 1])
        position = close + 1
    elif position < end and text[position] in _VALUE_CLOSERS:
        closers = _VALUE_CLOSERS[text[position]]
        close = next((i for i in range(position + 1, end) if text[i] in closers), -1)
        if close < 0:
            raise UserError(f'The quote after {field_ref(key)} is never closed — write values like `name="…"`.')
        pieces.append(text[position + 1 : close])
        position, quoted = close + 1, True
    while position < end and not text[position].isspace():
        pieces.append(text[position])
        position += 1
    value = "".join(pieces)
    return Token(text=f"{key}={value}", raw=text[start:position], quoted=quoted, key=key, value=unlink(value)), position


def _read_word(text: str, start: int) -> tuple[Token, int]:
    position, end = start, len(text)
    pieces: list[str] = []
    quoted = False
    while position < end and not text[position].isspace():
        char = text[position]
        if char in _WORD_CLOSERS:
            closers = _WORD_CLOSERS[char]
            close = next((i for i in range(position + 1, end) if text[i] in closers), -1)
            if close < 0:
                raise UserError('A quote is never closed — put a title between two quotes, like `"Weekly sync"`.')
            pieces.append(text[position + 1 : close])
            position, quoted = close + 1, True
        elif char == "<" and position == start and ">" in text[position:]:
            # Slack's escapes (<@U1|Alice Smith>) may hold spaces in their label.
            close = text.index(">", position)
            pieces.append(text[position : close + 1])
            position = close + 1
        else:
            pieces.append(char)
            position += 1
    return Token(text="".join(pieces), raw=text[start:position], quoted=quoted), position
