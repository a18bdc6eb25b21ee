"""Slash command text → the subcommand that owns it → a Reply; one ``Registry`` built from group values.

    registry = build_registry([meeting.GROUP])          # in bot/runtime.py, the composition root
    reply = await registry.dispatch("/meeting", "list mine", ctx, services)

A ``Group`` is a table of subcommands and groups (``/airmeet speaker add``: a group inside a group);
``help`` and "did you mean" come from the table, so a new subcommand is one row. A subcommand
declares its arguments once (a pydantic model, see ``arguments``), whether it is for admins only,
and optionally its own reader (the one-line ``/meeting new`` grammar). Errors never escape:
``errors.guard`` turns them into one sentence.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from commands.framework.arguments import console_form, read, usage
from commands.framework.context import Context, Services
from commands.framework.errors import guard, sentence_for
from commands.framework.forms import Action, ActionHandler, Form, State, Values
from commands.framework.policy import require_admin
from commands.framework.replies import Home, Message, Modal, Reply

# Nobody types more than this on a slash command line (Slack's message box takes 4,000 characters);
# longer text is refused before any parsing. A form field holds at most Slack's plain_text_input
# maximum, and a button's value Slack's 2,000 (Block Kit reference, "Button element").
COMMAND_MAX = 4000
FIELD_MAX = 3000
BUTTON_VALUE_MAX = 2000

Handler = Callable[[Any, Context, Services], Awaitable[Reply]]
Reader = Callable[[str, Context, Services], Any]  # text → the subcommand's arguments model
HomeSections = Callable[[Context, Services], Awaitable[Sequence[Message]]]
HELP_WORDS = frozenset({"", "help", "-h", "--help", "?"})


@dataclass(frozen=True, kw_only=True)
class Subcommand:
    """One row: ``Subcommand(name="cancel", handler=cancel, arguments=MeetingId, summary=…, example=…)``."""

    name: str
    handler: Handler
    arguments: type[BaseModel]
    summary: str
    example: str
    admin: bool = False  # policy.require_admin runs before the handler
    reader: Reader | None = None  # default: arguments.read(model, text)
    details: Callable[[], str] | None = None  # more lines for its own help (made when asked)

    def usage(self) -> str:
        return usage(self.name, self.arguments)

    def help(self, prefix: str) -> str:
        """Its usage, summary and example; with the key=value form when it reads by the model."""
        text = f"`{prefix} {self.usage()}` — {self.summary}\ne.g. `{prefix} {self.example}`"
        if self.reader is None and self.arguments.model_fields:
            text += f"\nas key=value: `{prefix} {console_form(self.name, self.arguments)}`"
        if self.details is not None:
            text += f"\n{self.details()}"
        return text

    async def run(self, text: str, ctx: Context, services: Services, *, prefix: str) -> Reply:
        if self.admin:
            await require_admin(ctx, services)
        if self.reader is not None:
            arguments = self.reader(text, ctx, services)
        else:
            arguments = read(self.arguments, text, command=f"{prefix} {self.name}")
        return await self.handler(arguments, ctx, services)


@dataclass(frozen=True, kw_only=True)
class Group:
    """A slash command (``/meeting``) or a group inside one (``speaker``), with its forms and buttons.

    ``entries`` may be a function returning them, so a group's handlers load on first use.
    """

    name: str
    summary: str
    entries: Sequence[Entry] | Callable[[], Sequence[Entry]]
    forms: Mapping[str, Form] = field(default_factory=dict)
    actions: Sequence[Action] = ()
    home: HomeSections | None = None  # what this group adds to the App Home tab

    def table(self) -> dict[str, Entry]:
        entries = self.entries() if callable(self.entries) else self.entries
        return {entry.name: entry for entry in entries}

    def groups(self) -> list[Group]:
        """This group and every group inside it."""
        inner = self.entries if not callable(self.entries) else ()
        return [self, *(g for entry in inner if isinstance(entry, Group) for g in entry.groups())]

    def help(self, prefix: str) -> Reply:
        lines = [f"*{prefix}* — {self.summary}"]
        for entry in self.table().values():
            if isinstance(entry, Group):
                lines.append(f"• `{prefix} {entry.name} …` — {entry.summary} (`{prefix} {entry.name} help`)")
            else:
                lines.append(f"• `{prefix} {entry.usage()}` — {entry.summary}\n    e.g. `{prefix} {entry.example}`")
        lines.append(f"• `{prefix} help` — this list")
        return Reply.ephemeral("\n".join(lines))

    def unknown(self, prefix: str, word: str) -> Reply:
        names = [*self.table(), "help"]
        guess = difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.5)
        hint = f" Did you mean `{prefix} {guess[0]}`?" if guess else ""
        return Reply.ephemeral(f"I don't know `{prefix} {word[:40]}`.{hint} Type `{prefix} help` for the list.")

    async def run(self, text: str, ctx: Context, services: Services, *, prefix: str) -> Reply:
        word, _, rest = text.strip().partition(" ")
        if word.lower() in HELP_WORDS:
            return self.help(prefix)
        entry = self.table().get(word.lower())
        if entry is None:
            return self.unknown(prefix, word)
        if isinstance(entry, Group):
            return await entry.run(rest, ctx, services, prefix=f"{prefix} {entry.name}")
        if rest.strip().lower() in ("help", "--help", "-h", "?"):
            return Reply.ephemeral(entry.help(prefix))
        return await entry.run(rest.strip(), ctx, services, prefix=prefix)


Entry = Subcommand | Group


class Registry:
    """Every slash command, form and button the core answers; none of what it hands out raises."""

    def __init__(self, groups: Sequence[Group]) -> None:
        self._groups = {group.name: group for group in groups}
        self._forms: dict[str, Form] = {}
        self._actions: dict[str, Action] = {}
        for group in groups:
            for inner in group.groups():
                for callback, form in inner.forms.items():
                    _add(self._forms, callback, form, what="form")
                for action in inner.actions:
                    _add(self._actions, action.action_id, action, what="action")

    def commands(self) -> list[str]:
        """Every slash command answered (the manifest must declare exactly these)."""
        return list(self._groups)

    async def dispatch(self, command: str, text: str, ctx: Context, services: Services) -> Reply:
        """Run one slash command; always returns a Reply, never raises."""
        group = self._groups.get(command)
        if group is None:
            known = ", ".join(f"`{name}`" for name in self._groups)
            return Reply.ephemeral(f"I don't handle `{command}`. I answer {known}.")
        text = without_nul(text)
        if len(text) > COMMAND_MAX:
            return Reply.ephemeral(f"That is {len(text):,} characters and I read at most {COMMAND_MAX:,} on one line, "
                                   f"so nothing was done: shorten it, or use `{command} help`.")
        word = text.strip().split(" ", 1)[0]
        where = f"{command} {word if word.isalpha() and len(word) <= 20 else '…'}"  # never a pasted key
        return await guard(group.run(text, ctx, services, prefix=command), where=where)

    def form(self, callback_id: str) -> Form | None:
        """The modal's handler, wrapped so that none of its three steps raises (see ``GuardedForm``)."""
        form = self._forms.get(callback_id)
        return GuardedForm(form, where=f"form {callback_id}") if form is not None else None

    def action(self, action_id: str) -> ActionHandler | None:
        """The button's handler, with its admin check and the error mapping (it never raises)."""
        action = self._actions.get(action_id)
        if action is None:
            return None

        async def run(value: str, ctx: Context, services: Services) -> Reply:
            if len(value) > BUTTON_VALUE_MAX:  # Slack never sends one this long: a forged request
                return Reply.ephemeral("That button's value is too long for Slack's, so nothing was done.")
            if action.admin:
                await require_admin(ctx, services)
            return await action.handler(value, ctx, services)

        async def guarded(value: str, ctx: Context, services: Services) -> Reply:
            return await guard(run(value, ctx, services), where=f"button {action_id}")

        return guarded

    async def home(self, ctx: Context, services: Services) -> Home:
        """The App Home tab: each group's sections, in the order the groups were listed."""
        sections: list[Message] = []
        for group in self._groups.values():
            if group.home is not None:
                sections += await group.home(ctx, services)
        return Home(sections=tuple(sections))


class GuardedForm:
    """A form whose steps never raise: the shell calls ``check`` inside Slack's 3-second ack.

    A failing ``check`` or ``change`` is logged (``errors.sentence_for``) and treated as "no field
    errors" / "no new view", so the modal closes and ``submit`` — guarded like every command —
    answers with the one sentence; a failing ``submit`` is that sentence.
    """

    def __init__(self, form: Form, *, where: str) -> None:
        self.form = form
        self.where = where

    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]:
        if too_long := overlong_fields(values):
            return too_long
        try:
            return await self.form.check(without_nul(values), state, ctx, services)
        except Exception as error:
            sentence_for(error, where=self.where)
            return {}

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply:
        if overlong_fields(values):  # check said so already; a forged submission ends here too
            return Reply.ephemeral(f"A field of that form has more than {FIELD_MAX:,} characters, so nothing was "
                                   "done: shorten it and submit again.")
        return await guard(self.form.submit(without_nul(values), state, ctx, services), where=self.where)

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None:
        try:
            return await self.form.change(without_nul(values), state, ctx, services)
        except Exception as error:
            sentence_for(error, where=self.where)
            return None


def overlong_fields(values: Values) -> dict[str, str]:
    """A field error for each form value (or item of a list value) longer than ``FIELD_MAX``."""
    errors = {}
    for name, value in values.items():
        items = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(item, str) and len(item) > FIELD_MAX for item in items):
            errors[name] = f"At most {FIELD_MAX:,} characters, please."
    return errors


def without_nul(value: Any) -> Any:
    """``value`` with NUL characters dropped from its text: no one means to type them, and PostgreSQL
    text cannot hold them (``/meeting cancel a\x00b`` failed as a database error; test_any_input.py)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {key: without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_nul(item) for item in value)
    return value


def _add(table: dict[str, Any], key: str, value: Any, *, what: str) -> None:
    if key in table:
        raise ValueError(f"two command groups declare the {what} {key!r}")
    table[key] = value


def build_registry(groups: Sequence[Group]) -> Registry:
    """The one registry: ``runtime.registry = build_registry([meeting.GROUP])``."""
    return Registry(groups)
