"""commands/framework/errors.py: every error becomes one sentence in one place, with the hint the
commands layer adds to provider sentences, and nothing secret in the reply or the log."""

from __future__ import annotations

import logging

import pytest

from sqlalchemy.exc import IntegrityError

from commands.framework.context import Context, Services
from commands.framework.errors import (
    DATABASE_UNREACHABLE,
    SOMETHING_WENT_WRONG,
    UserError,
    guard,
    provider_sentence,
)
from commands.framework.replies import Reply
from db.crypto import Vault
from db.errors import storage_error
from db.storage import Storage
from providers.errors import (
    AuthFailed,
    NotConfigured,
    NotFound,
    ProviderError,
    RateLimited,
    Rejected,
    TokenExpired,
    Unavailable,
)

from tests.support.people import People
from tests.support.registry import REGISTRY

SECRET = "sk-live-7Qx93kLmZr81"


async def raising(error: Exception) -> Reply:
    raise error


async def answer(error: Exception) -> str:
    return (await guard(raising(error), where="/meeting new")).text


@pytest.mark.parametrize(("error", "sentence"), [
    # provider wording without our commands: the commands layer adds how to (re)connect
    (NotConfigured("Whereby is not connected in this workspace yet.", provider="whereby"),
     "Whereby is not connected in this workspace yet: an admin can connect it with `/meeting connect whereby`."),
    (AuthFailed("Airmeet refused this workspace's API key.", provider="airmeet"),
     "Airmeet refused this workspace's API key: an admin can connect it again with `/meeting connect airmeet`."),
    # the providers' default sentences get the same hint
    (NotConfigured(provider="roomful"),
     "Roomful is not connected in this workspace yet: an admin can connect it with `/meeting connect roomful`."),
    (AuthFailed(provider="clickmeeting"),
     "ClickMeeting refused this workspace's API key: "
     "an admin can connect it again with `/meeting connect clickmeeting`."),
    # a session that expired renews itself: no reconnect hint
    (TokenExpired(provider="airmeet"), "Airmeet says the session expired. Please try again."),
    (RateLimited("Whereby is busy; try again in a minute.", provider="whereby", retry_after=30.0),
     "Whereby is busy; try again in a minute."),
    (Unavailable(provider="kmeet"), Unavailable(provider="kmeet").user_message),
    (NotFound(provider="whereby"), NotFound(provider="whereby").user_message),
])
async def test_provider_errors_become_their_sentence_plus_our_hint(error: ProviderError, sentence: str) -> None:
    assert provider_sentence(error) == sentence
    assert await answer(error) == sentence


async def test_a_user_error_is_its_sentence() -> None:
    assert await answer(UserError("Give one meeting id, e.g. `/meeting cancel k7m2qx`.")) == (
        "Give one meeting id, e.g. `/meeting cancel k7m2qx`.")


@pytest.mark.parametrize(
    ("error", "level"),
    [
        (Rejected(provider="whereby", field="roomMode", status=400), logging.INFO),  # the user's value
        (NotFound(provider="kmeet", status=404), logging.INFO),
        (NotConfigured(provider="airmeet"), logging.INFO),
        (Unavailable(provider="whereby", status=503), logging.WARNING),  # a real problem
        (RateLimited(provider="whereby", status=429), logging.WARNING),
        (AuthFailed(provider="clickmeeting", status=401), logging.WARNING),  # stored keys revoked
    ],
)
async def test_user_side_provider_answers_are_not_warnings(
    caplog: pytest.LogCaptureFixture, error: ProviderError, level: int
) -> None:
    caplog.set_level(logging.DEBUG)
    await answer(error)
    assert [record.levelno for record in caplog.records] == [level]


async def test_a_provider_error_is_logged_without_its_raw_answer(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    error = Rejected("Whereby did not accept the room.", provider="whereby", status=400, raw=f'{{"key": "{SECRET}"}}')
    assert await answer(error) == "Whereby did not accept the room."
    assert "Rejected" in caplog.text and "400" in caplog.text and SECRET not in caplog.text


async def test_anything_else_is_one_plain_sentence_and_a_log_line_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert await answer(RuntimeError(f"INSERT … VALUES ('{SECRET}')")) == SOMETHING_WENT_WRONG
    assert "/meeting new failed: RuntimeError" in caplog.text and SECRET not in caplog.text
    assert "raising" in caplog.text  # the frames say where it happened


async def test_a_storage_error_is_one_sentence_and_logged_without_its_parameters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    raw = IntegrityError("INSERT INTO provideraccount (credentials) VALUES (%(c)s)", {"c": SECRET},
                         Exception(f"duplicate key value violates unique constraint\nDETAIL: Key (c)=({SECRET})"))
    assert await answer(storage_error(raw)) == DATABASE_UNREACHABLE
    assert "duplicate key value" in caplog.text and SECRET not in caplog.text and "INSERT" not in caplog.text


async def test_a_command_against_an_unreachable_database_answers_that_sentence(vault: Vault) -> None:
    storage = Storage.open("postgresql://nobody@127.0.0.1:1/none", vault=vault)
    try:
        services = Services(storage=storage, directory=People())
        reply = await REGISTRY.dispatch("/meeting", "list", Context(team_id="T1", user_id="U1", channel_id="C1"),
                                        services)
    finally:
        await storage.close()
    assert reply.text == DATABASE_UNREACHABLE


async def test_guard_returns_the_reply_when_nothing_goes_wrong() -> None:
    async def fine() -> Reply:
        return Reply.ephemeral("ok")

    assert (await guard(fine())).text == "ok"
