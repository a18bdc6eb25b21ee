"""Issue 11, finding 5: a command line, a form field and a button value each have a cap, refused in words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from commands.framework.context import Context
from commands.framework.router import BUTTON_VALUE_MAX, COMMAND_MAX, FIELD_MAX, overlong_fields
from commands.meeting.new_form import CALLBACK
from tests.support.registry import REGISTRY

CTX = Context(team_id="T1", user_id="U1", channel_id="C1", user_tz="UTC")


class NoServices:
    """Anything touched past the caps fails the test: refusing must not reach storage or Slack."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the refusal reached services.{name}")


@settings(max_examples=25)
@given(extra=st.integers(min_value=1, max_value=20_000), word=st.sampled_from(["new kmeet ", "list ", "", "connect "]))
async def test_a_command_line_past_the_cap_is_one_sentence_and_nothing_runs(extra: int, word: str) -> None:
    text = word + "x" * (COMMAND_MAX + extra - len(word))
    reply = await REGISTRY.dispatch("/meeting", text, CTX, NoServices())  # type: ignore[arg-type]
    [message] = reply.messages
    assert message.text.startswith(f"That is {len(text):,} characters and I read at most 4,000 on one line")


def test_form_fields_past_the_cap_are_field_errors() -> None:
    values = {"title": "t" * (FIELD_MAX + 1), "invitees": ["U1", "U" * (FIELD_MAX + 1)], "channel_id": "C1",
              "duration": None}
    assert overlong_fields(values) == {"title": "At most 3,000 characters, please.",
                                       "invitees": "At most 3,000 characters, please."}
    assert overlong_fields({"title": "t" * FIELD_MAX}) == {}


async def test_an_overlong_form_is_refused_in_the_ack_and_at_submit() -> None:
    form = REGISTRY.form(CALLBACK)
    assert form is not None
    values = {"title": "t" * (FIELD_MAX + 1)}
    assert await form.check(values, {}, CTX, NoServices()) == {"title": "At most 3,000 characters, please."}  # type: ignore[arg-type]
    reply = await form.submit(values, {}, CTX, NoServices())  # type: ignore[arg-type]
    assert "more than 3,000 characters, so nothing was done" in reply.messages[0].text


async def test_an_overlong_button_value_is_refused() -> None:
    handler = REGISTRY.action("meeting_list_next")
    assert handler is not None
    reply = await handler("x" * (BUTTON_VALUE_MAX + 1), CTX, NoServices())  # type: ignore[arg-type]
    assert "too long" in reply.messages[0].text
