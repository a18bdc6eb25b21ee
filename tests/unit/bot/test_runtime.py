"""runtime.registry, the one way bot/ reaches the command core: commands, dispatch, forms, buttons, guard, home.

These check the interface bot/ relies on, whatever builds the registry.
"""

from __future__ import annotations

import logging
import pytest

from bot.runtime import command_registry
from commands.framework.router import Registry
from commands.framework.context import Context, NobodyDirectory, Person, Services
from commands.framework.replies import Reply
from commands.framework.errors import UserError
from db.storage import Storage
from providers.errors import Unavailable

CTX = Context(team_id="T1", user_id="U1", channel_id="C1")


class Admins(NobodyDirectory):
    async def person(self, team_id: str, user_id: str) -> Person | None:
        return Person(id=user_id, name="Ada", is_admin=True)


@pytest.fixture
def registry() -> Registry:
    return command_registry()


def services(storage: Storage) -> Services:
    return Services(storage=storage, directory=Admins())


def test_the_registry_answers_the_manifests_commands(registry: Registry) -> None:
    assert registry.commands() == ["/meeting"]


async def test_dispatch_runs_a_command_and_never_raises(registry: Registry, storage: Storage) -> None:
    assert "/meeting new" in (await registry.dispatch("/meeting", "help", CTX, services(storage))).text
    assert "I don't handle `/nope`" in (await registry.dispatch("/nope", "", CTX, services(storage))).text


def test_forms_and_buttons_are_found_by_their_slack_ids(registry: Registry) -> None:
    assert registry.form("new_meeting") is not None and registry.form("connect_provider") is not None
    assert registry.form("no_such_form") is None
    assert registry.action("connect_provider") is not None and registry.action("disconnect_provider") is not None
    assert registry.action("no_such_button") is None


async def answer(reply: Reply) -> Reply:
    return reply


async def fail(error: Exception) -> Reply:
    raise error


async def test_guard_passes_replies_and_turns_errors_into_one_sentence(
    registry: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    assert (await registry.guard(answer(Reply.ephemeral("Saved.")))).text == "Saved."
    assert (await registry.guard(fail(UserError("Give a title.")))).text == "Give a title."
    outage = Unavailable(provider="whereby")
    assert (await registry.guard(fail(outage))).text == outage.user_message
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # the user can act on these
    assert (await registry.guard(fail(KeyError("boom")))).text.startswith("Something went wrong on our side")
    assert "interaction failed" in caplog.text and "KeyError" in caplog.text


async def test_home_is_the_app_home_of_the_speaker(registry: Registry, storage: Storage) -> None:
    home = await registry.home(CTX, services(storage))
    assert home.sections and any("Connect" in b.text for s in home.sections for b in s.buttons)
