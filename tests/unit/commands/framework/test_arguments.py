"""commands/framework/arguments.py: one pydantic model per subcommand gives its usage line, its
reading (words, key=value, flags), its error sentences and its console key=value form."""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ConfigDict

from commands.framework.arguments import Arguments, console_form, flag, key_values, option, positional, read, usage
from commands.framework.errors import UserError
from commands.framework.oneline import NewMeetingLine
from commands.meeting.connect import ConnectArgs
from commands.meeting.default import DefaultArgs
from commands.meeting.disconnect import DisconnectArgs
from commands.meeting.listing import ListQuery
from commands.meeting.lookup import MeetingId
from tests.support.sentences import assert_one_sentence, assert_one_sentence_with_example

COMMAND = "/airmeet speaker add"


class SpeakerArgs(Arguments):
    """What a nested subcommand of a provider group will look like."""

    event: str = positional(metavar="event id")
    name: str | None = positional(None, metavar="name")
    email: str | None = option(metavar="address")
    password: str | None = option(metavar="password", secret=True)
    role: Literal["speaker", "host"] = option("speaker", metavar="role")
    seats: int = option(1, metavar="n")
    notify: bool = flag("--notify", "—notify")


def speaker(line: str) -> SpeakerArgs:
    return read(SpeakerArgs, line, command=COMMAND)


def error_of(line: str) -> str:
    with pytest.raises(UserError) as error:
        speaker(line)
    return str(error.value)


@pytest.mark.parametrize(("name", "model", "line"), [
    ("disconnect", DisconnectArgs, "disconnect <provider> [account|all]"),
    ("default", DefaultArgs, "default [provider|none] [--channel] [account=<name>]"),
    ("connect", ConnectArgs, "connect <provider> [key=value…] [account=<name>]"),
    ("list", ListQuery, "list [past] [all|mine|#channel] [page <n>]"),
    ("cancel", MeetingId, "cancel <id>"),
    ("new", NewMeetingLine,
     'new [provider] "<title>" [when] [for <duration>] [#channel] [@people] [cohost @people] [remind 1h,10m] [key=value…]'),
    ("add", SpeakerArgs, "add <event id> [name] [email=<address>] [password=<password>] [role=<role>] "
                         "[seats=<n>] [--notify]"),
])
def test_the_usage_line_comes_from_the_model(name: str, model: type[Arguments], line: str) -> None:
    assert usage(name, model) == line


def test_words_keys_and_flags_fill_the_model() -> None:
    args = speaker('ev1 "Ada Lovelace" email=<mailto:ada@x.io|ada@x.io> role=host seats=3 —notify')
    assert args == SpeakerArgs(event="ev1", name="Ada Lovelace", email="ada@x.io", role="host", seats=3, notify=True)
    assert speaker("event=ev1 name=Ada") == SpeakerArgs(event="ev1", name="Ada")  # the console's key=value form
    assert speaker("name=Ada ev1") == SpeakerArgs(event="ev1", name="Ada")  # a word fills the next free field


@pytest.mark.parametrize(("line", "expected"), [
    ("", "Give `<event id>` — write it like"),
    ("ev1 Ada extra", "takes 2 words"),
    ("ev1 role=guest", "Check `role=`: choose one of: speaker, host"),
    ("ev1 seats=many", "Check `seats=`: seats must be a whole number"),
    ("ev1 colour=red", "Only `event=`, `name=`, `email=`, `password=`, `role=`, `seats=` work with `/airmeet speaker add`, not `colour=`"),
    ("ev1 seats=1 seats=2", "You gave `seats=` twice"),
    ('ev1 name="Ada', "never closed"),
])
def test_every_argument_error_is_one_sentence_naming_the_field(line: str, expected: str) -> None:
    sentence = error_of(line)
    assert expected in sentence
    assert_one_sentence(sentence)


def test_errors_that_show_the_usage_carry_it_as_the_example() -> None:
    for line in ("", "ev1 Ada extra", "ev1 role=guest"):
        sentence = error_of(line)
        assert_one_sentence_with_example(sentence) if "`" in sentence else None
        assert f"`{usage(COMMAND, SpeakerArgs)}`" in sentence


@pytest.mark.parametrize("line", ["ev1 password=hunter2secret seats=x", "ev1 ZGVmYXVsdA1zZWNyZXQ=x",
                                  'ev1 password="hunter2secret', "ev1 password=hunter2secret password=hunter2secret",
                                  "ev1 a b hunter2secret"])
def test_no_error_repeats_a_value(line: str) -> None:
    sentence = error_of(line)
    assert "hunter2" not in sentence and "ZGVm" not in sentence


def test_the_key_value_form_of_a_subcommand() -> None:
    assert console_form("disconnect", DisconnectArgs) == "disconnect provider=<provider> account=<account|all>"
    assert console_form("default", DefaultArgs) == "default provider=<provider|none> [--channel] account=<name>"
    assert console_form("list", ListQuery) == "list when=<when> scope=<scope> page=<n>"


def test_the_console_form_hides_secrets() -> None:
    args = SpeakerArgs(event="ev 1", password="hunter2", notify=True)
    assert key_values(args) == 'event="ev 1" password=•••• --notify'


class Loose(Arguments):
    model_config = ConfigDict(extra="allow", frozen=True)

    provider: str | None = positional(None, metavar="provider")


def test_a_model_that_allows_extra_keys_keeps_them() -> None:
    args = read(Loose, "whereby api_key=abc Region=eu", command="/meeting connect")
    assert args.provider == "whereby" and args.model_extra == {"api_key": "abc", "Region": "eu"}


# --- properties ----------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                             blacklist_characters="\"“”„«»‘’'<>&\x85\x1c\x1d\x1e\x1f"), min_size=1, max_size=20)
CLEAN = TEXT.map(str.strip).filter(bool)


@given(st.builds(SpeakerArgs, event=CLEAN, name=st.none() | CLEAN, email=st.none() | CLEAN,
                 role=st.sampled_from(["speaker", "host"]), seats=st.integers(0, 10_000), notify=st.booleans()))
def test_the_console_form_reads_back_as_the_same_arguments(args: SpeakerArgs) -> None:
    assert speaker(key_values(args)) == args


@given(st.lists(CLEAN, max_size=4), st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), TEXT, max_size=3))
def test_any_line_reads_or_fails_with_one_user_sentence(words: list[str], pairs: dict[str, str]) -> None:
    line = " ".join([*(f'"{w}"' for w in words), *(f'{k}="{v}"' for k, v in pairs.items())])
    try:
        speaker(line)
    except UserError as error:
        assert_one_sentence(str(error))
