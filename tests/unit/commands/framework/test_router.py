"""commands/framework/router.py: nestable groups, help and "did you mean" from the table, lazy
entries, admins-only rows and buttons, forms and buttons found through one registry."""

from __future__ import annotations

import pytest

from commands.framework.arguments import Arguments, option, positional
from commands.framework.context import Context, NobodyDirectory, Services
from commands.framework.forms import Action, State, Values
from commands.framework.policy import NOT_ADMIN
from commands.framework.replies import Message, Modal, Reply
from commands.framework.router import Group, Subcommand, build_registry
from db.storage import Storage
from tests.support.people import People

ADA = Context(team_id="T1", user_id="U1", channel_id="C1")  # an admin
BOB = Context(team_id="T1", user_id="U2", channel_id="C1")


class AddSpeaker(Arguments):
    event: str = positional(metavar="event")
    email: str | None = option(metavar="address")


async def add_speaker(arguments: AddSpeaker, ctx: Context, services: Services) -> Reply:
    return Reply.ephemeral(f"added {arguments.email} to {arguments.event}")


async def archive(arguments: AddSpeaker, ctx: Context, services: Services) -> Reply:
    return Reply.ephemeral(f"archived {arguments.event}")


class Survey:
    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]:
        return {}

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply:
        return Reply.ephemeral("thanks")

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None:
        return None


async def clicked(value: str, ctx: Context, services: Services) -> Reply:
    return Reply.ephemeral(f"clicked {value}")


async def home(ctx: Context, services: Services) -> list[Message]:
    return [Message("*Airmeet*")]


loads: list[str] = []


def speaker_entries() -> list[Subcommand]:
    loads.append("speaker")  # a group's handlers may load on first use
    return [Subcommand(name="add", handler=add_speaker, arguments=AddSpeaker, summary="add a speaker",
                       example="add ev1 email=ada@x.io")]


SPEAKER = Group(name="speaker", summary="an event's speakers", entries=speaker_entries)
AIRMEET = Group(
    name="/airmeet", summary="Airmeet events",
    entries=[SPEAKER, Subcommand(name="archive", handler=archive, arguments=AddSpeaker, admin=True,
                                 summary="admins: archive an event", example="archive ev1")],
    forms={"survey": Survey()}, actions=[Action("poke", clicked), Action("wipe", clicked, admin=True)], home=home,
)
REGISTRY = build_registry([AIRMEET])


@pytest.fixture
def services(storage: Storage) -> Services:
    return Services(storage=storage, directory=People())


async def run(text: str, services: Services, ctx: Context = ADA) -> str:
    return (await REGISTRY.dispatch("/airmeet", text, ctx, services)).text


async def test_groups_inside_groups_run_their_subcommands(services: Services) -> None:
    assert await run("speaker add ev1 email=ada@x.io", services) == "added ada@x.io to ev1"
    assert await run("SPEAKER ADD ev1", services) == "added None to ev1"


async def test_help_for_a_group_a_nested_group_and_a_subcommand(services: Services) -> None:
    top = await run("help", services)
    assert "`/airmeet speaker …` — an event's speakers (`/airmeet speaker help`)" in top
    assert "`/airmeet archive <event> [email=<address>]` — admins: archive an event" in top
    nested = await run("speaker", services)
    assert "*/airmeet speaker* — an event's speakers" in nested
    assert "• `/airmeet speaker add <event> [email=<address>]` — add a speaker" in nested
    assert "e.g. `/airmeet speaker add ev1 email=ada@x.io`" in nested
    one = await run("speaker add help", services)
    assert one == ("`/airmeet speaker add <event> [email=<address>]` — add a speaker\n"
                   "e.g. `/airmeet speaker add ev1 email=ada@x.io`\n"
                   "as key=value: `/airmeet speaker add event=<event> email=<address>`")
    assert await run("speaker add event=ev1 email=ada@x.io", services) == "added ada@x.io to ev1"


async def test_did_you_mean_at_every_level(services: Services) -> None:
    assert await run("speakr add", services) == (
        "I don't know `/airmeet speakr`. Did you mean `/airmeet speaker`? Type `/airmeet help` for the list.")
    assert await run("speaker ad ev1", services) == (
        "I don't know `/airmeet speaker ad`. Did you mean `/airmeet speaker add`? "
        "Type `/airmeet speaker help` for the list.")
    assert "Did you mean" not in await run("zzzzzz", services)


async def test_argument_errors_name_the_full_command(services: Services) -> None:
    text = await run("speaker add", services)
    assert text == "Give `<event>` — write it like `/airmeet speaker add <event> [email=<address>]`."


async def test_an_unknown_slash_command_lists_the_known_ones(services: Services) -> None:
    reply = await REGISTRY.dispatch("/zoom", "new", ADA, services)
    assert reply.text == "I don't handle `/zoom`. I answer `/airmeet`."
    assert REGISTRY.commands() == ["/airmeet"]


async def test_entries_load_lazily_once_asked_for(services: Services) -> None:
    loads.clear()
    await run("archive ev1", services)
    assert loads == []
    await run("speaker add ev1", services)
    assert loads == ["speaker"]


async def test_admins_only_rows_and_buttons_refuse_others_before_running(services: Services) -> None:
    assert await run("archive ev1", services) == "archived ev1"
    assert await run("archive ev1", services, BOB) == NOT_ADMIN
    nobody = Services(storage=services.storage, directory=NobodyDirectory(), admins=frozenset({"U9"}))
    assert (await REGISTRY.dispatch("/airmeet", "archive ev1", Context("T1", "U9"), nobody)).text == "archived ev1"
    wipe, poke = REGISTRY.action("wipe"), REGISTRY.action("poke")
    assert wipe is not None and poke is not None
    assert (await wipe("x", BOB, services)).text == NOT_ADMIN
    assert (await wipe("x", ADA, services)).text == "clicked x"
    assert (await poke("y", BOB, services)).text == "clicked y"
    assert REGISTRY.action("nope") is None


async def test_forms_and_home_sections_come_from_the_groups(services: Services) -> None:
    form = REGISTRY.form("survey")
    assert form is not None and (await form.submit({}, {}, ADA, services)).text == "thanks"
    assert REGISTRY.form("nope") is None
    assert [m.text for m in (await REGISTRY.home(ADA, services)).sections] == ["*Airmeet*"]


def test_two_groups_may_not_claim_the_same_form_or_button() -> None:
    other = Group(name="/kmeet", summary="kMeet", entries=[], forms={"survey": Survey()})
    with pytest.raises(ValueError, match="survey"):
        build_registry([AIRMEET, other])
    clash = Group(name="/whereby", summary="Whereby", entries=[], actions=[Action("poke", clicked)])
    with pytest.raises(ValueError, match="poke"):
        build_registry([AIRMEET, clash])
