"""What an error sentence must look like, checked the same way in every command test.

    assert_one_sentence_with_example(str(error))
"""

from __future__ import annotations

import re


def assert_one_sentence_with_example(message: str) -> None:
    """One sentence a Slack user can act on: a `backticked` example to copy, a single closing
    mark, nothing after it. Quoted user input and examples may hold any punctuation."""
    assert re.search(r"`[^`]+`", message), f"no example in: {message}"
    assert_one_sentence(message)


def assert_one_sentence(message: str) -> None:
    """A single sentence: starts with a capital, ends with one closing mark, no line breaks."""
    assert "\n" not in message
    prose = re.sub(r"`[^`]*`", "X", message)
    prose = re.sub(r"(?<!\w)'[^']*'(?!\w)", "X", prose)  # 'quoted input', not "isn't"
    prose = prose.replace("e.g.", "eg")
    assert prose[-1] in ".?", f"does not end a sentence: {message}"
    assert not re.search(r"[.!?](\s|$)", prose[:-1]), f"more than one sentence: {message}"
    assert message[0].isupper(), f"does not start a sentence: {message}"
