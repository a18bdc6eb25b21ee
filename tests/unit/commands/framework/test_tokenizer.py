"""commands/framework/tokenizer.py: the one Slack-aware tokenizer every command reads with."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.framework.errors import UserError
from commands.framework.tokenizer import channel_id, field_ref, tokenize, unescape, unlink, user_id


def texts(line: str) -> list[str]:
    return [token.text for token in tokenize(line)]


def options(line: str) -> dict[str, str | None]:
    return {token.key: token.value for token in tokenize(line) if token.key is not None}


@pytest.mark.parametrize(("line", "expected"), [
    ('"Weekly sync" now', ["Weekly sync", "now"]),
    ("“Weekly sync” now", ["Weekly sync", "now"]),
    ("„Weekly sync“ now", ["Weekly sync", "now"]),
    ("«Weekly sync» now", ["Weekly sync", "now"]),
    ("‘Weekly sync’ now", ["Weekly sync", "now"]),
    ("Bob's sync", ["Bob's", "sync"]),  # an apostrophe is no quote in a word
    ("Bob’s sync", ["Bob’s", "sync"]),
    ("<@U1|Ada Lovelace> <#C1|general>", ["<@U1|Ada Lovelace>", "<#C1|general>"]),
    ("  spaced\tout \n words ", ["spaced", "out", "words"]),
    ("", []),
])
def test_words_quotes_and_slack_escapes(line: str, expected: list[str]) -> None:
    assert texts(line) == expected


def test_quoted_words_are_marked_so_they_are_never_keywords() -> None:
    plain, quoted = tokenize('for "for"')
    assert (plain.quoted, quoted.quoted) == (False, True) and quoted.raw == '"for"'


@pytest.mark.parametrize(("line", "expected"), [
    ('password="p w&amp;d"', {"password": "p w&d"}),
    ("password=“a b”", {"password": "a b"}),
    ("password='s k'", {"password": "s k"}),
    ("password=‘s k’", {"password": "s k"}),
    ("password=it's", {"password": "it's"}),  # only a quote that opens the value counts
    ("email=<mailto:bot@acme.com|bot@acme.com>", {"email": "bot@acme.com"}),
    ("url=<https://example.com/a?b=1|example.com>", {"url": "https://example.com/a?b=1"}),
    ("note=a&lt;b&gt;c", {"note": "a<b>c"}),
    ("API_KEY=x", {"api_key": "x"}),  # shouting is the same key
    ("ApiKey=x", {"ApiKey": "x"}),  # mixed case stays as typed (and is never repeated)
    ('title="a=b"', {"title": "a=b"}),
    ('empty=""', {"empty": ""}),
    ("room.name=x", {"room.name": "x"}),
])
def test_key_value_options(line: str, expected: dict[str, str]) -> None:
    assert options(line) == expected


def test_slack_mentions_read_as_ids() -> None:
    assert user_id("<@U0123ABC|ada>") == "U0123ABC" and user_id("<@W1>") == "W1" and user_id("@ada") is None
    assert channel_id("<#C0123ABC|general>") == "C0123ABC" and channel_id("<#G1>") == "G1"
    assert channel_id("#general") is None and channel_id("<@U1>") is None
    assert unlink("<mailto:a@b.c|a@b.c>") == "a@b.c" and unescape("R&amp;D") == "R&D"


@pytest.mark.parametrize("line", ['api_key="sekrit-value', "api_key=“sekrit-value", "api_key='sekrit-value",
                                  '"sekrit-value', "“sekrit value"])
def test_an_open_quote_is_one_sentence_that_never_repeats_the_value(line: str) -> None:
    with pytest.raises(UserError) as error:
        tokenize(line)
    assert "never closed" in str(error.value) and "sekrit" not in str(error.value)


def test_a_key_is_named_only_when_it_looks_like_a_field_name() -> None:
    assert field_ref("api_key") == "`api_key=`"
    assert field_ref("ZGVmYXVsdC1zZWNyZXQ") == "a word before `=`"
    assert field_ref("a" * 40) == "a word before `=`"


# --- properties ----------------------------------------------------------------------------------

PLAIN = st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"),
                      blacklist_characters="\"“”„«»‘’'<>&=\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
WORD = st.text(PLAIN, min_size=1, max_size=20)
KEY = st.from_regex(r"[a-z_][a-z0-9_]{0,15}", fullmatch=True)
VALUE = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\"“”„«»&<>"), max_size=30)
SECRET = st.from_regex(r"[A-Za-z0-9]{12,24}", fullmatch=True)


@given(st.lists(WORD, max_size=8))
def test_plain_words_come_back_as_typed(words: list[str]) -> None:
    assert texts(" ".join(words)) == words


@given(KEY, VALUE)
def test_a_quoted_value_comes_back_whole(key: str, value: str) -> None:
    [token] = tokenize(f'{key}="{value}"')
    assert (token.key, token.value, token.quoted) == (key, value, True)


@given(st.dictionaries(KEY, VALUE, max_size=5), st.lists(WORD, max_size=3))
def test_options_and_words_mix_in_any_order(pairs: dict[str, str], words: list[str]) -> None:
    line = " ".join([*words, *(f'{key}="{value}"' for key, value in pairs.items())])
    assert options(line) == pairs
    assert [t.text for t in tokenize(line) if t.key is None] == words


@given(st.text(max_size=60))
def test_any_text_tokenizes_or_fails_with_one_user_sentence(line: str) -> None:
    try:
        tokens = tokenize(line)
    except UserError as error:
        assert "never closed" in str(error)
    else:
        assert all(token.raw and token.raw in line for token in tokens)


@given(KEY, SECRET, st.sampled_from(['"', "“", "'", "‘"]))
def test_an_unclosed_secret_is_never_repeated(key: str, secret: str, quote: str) -> None:
    with pytest.raises(UserError) as error:
        tokenize(f"whereby {key}={quote}{secret}")
    assert secret not in str(error.value)


def test_echo_never_repeats_a_value_after_an_equals_sign() -> None:
    from commands.framework.tokenizer import echo

    assert echo("api_key=s3cr3t-Vq81 tomorrow") == "api_key=… tomorrow"
    assert echo("x" * 50, limit=10) == "x" * 9 + "…"
    assert echo("  two\nlines ") == "two lines"
