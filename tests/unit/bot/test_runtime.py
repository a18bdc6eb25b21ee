"""runtime.registry, the one way bot/ reaches the command core: commands, dispatch, forms, buttons, home.

These check the interface bot/ relies on, whatever builds the registry.
"""

from __future__ import annotations

import pytest

from bot.runtime import command_registry
from commands.framework.context import Context, NobodyDirectory, Person, Services
from commands.framework.errors import DATABASE_UNREACHABLE
from commands.framework.replies import Reply
from commands.framework.router import Group, Registry, build_registry
from db.errors import StorageError
from db.storage import Storage

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
    assert registry.commands() == ["/meeting", "/airmeet"]


async def test_dispatch_runs_a_command_and_never_raises(registry: Registry, storage: Storage) -> None:
    assert "/meeting new" in (await registry.dispatch("/meeting", "help", CTX, services(storage))).text
    assert "I don't handle `/nope`" in (await registry.dispatch("/nope", "", CTX, services(storage))).text


def test_forms_and_buttons_are_found_by_their_slack_ids(registry: Registry) -> None:
    assert registry.form("new_meeting") is not None and registry.form("connect_provider") is not None
    assert registry.form("no_such_form") is None
    assert registry.action("connect_provider") is not None and registry.action("disconnect_provider") is not None
    assert registry.action("no_such_button") is None


class Broken:
    """A form every step of which fails as an unreachable database would."""

    async def check(self, *args: object) -> dict[str, str]:
        raise StorageError("The database did not answer.")

    async def submit(self, *args: object) -> Reply:
        raise StorageError("The database did not answer.")

    async def change(self, *args: object) -> None:
        raise KeyError("boom")


async def test_a_failing_form_never_raises_and_its_submit_answers_one_sentence(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    registry = build_registry([Group(name="/broken", summary="a form that fails", entries=(),
                                     forms={"broken": Broken()})])
    form = registry.form("broken")
    assert form is not None
    assert await form.check({}, {}, CTX, services(storage)) == {}  # the ack goes out; the modal closes
    assert await form.change({}, {}, CTX, services(storage)) is None
    reply = await form.submit({}, {}, CTX, services(storage))
    assert reply.text == DATABASE_UNREACHABLE
    assert "form broken" in caplog.text and "KeyError" in caplog.text


async def test_home_is_the_app_home_of_the_speaker(registry: Registry, storage: Storage) -> None:
    home = await registry.home(CTX, services(storage))
    assert home.sections and any("Connect" in b.text for s in home.sections for b in s.buttons)
