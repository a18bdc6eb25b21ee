"""One row model drives a subcommand's modal, its console ``key=value`` form and its errors.

    FORM = RowForm(callback="airmeet_speaker", title="Add a speaker", submit="Add", row=SpeakerRow,
                   perform=add_speaker_reply)
    await FORM.run(arguments.given(), event_ref, ctx, services)   # nothing given: the modal; else validate, perform
    GROUP = Group(..., forms={FORM.callback: FORM})

An ``EventArgs`` subclass takes ``<event>`` then the row's fields as ``key=value``; the modal
carries the event in its state. A field the row refuses is one sentence, on its input in Slack.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from commands.framework.arguments import Arguments, choices, field_problems, label, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import State, Values
from commands.framework.replies import Choice, Input, Modal, Reply
from commands.framework.tokenizer import field_ref
from commands.airmeet.resolve import AirmeetEvent, require_manager, resolve_event

R = TypeVar("R", bound=BaseModel)


class Row(BaseModel):
    """Base of the row models: values stripped, unknown keys refused, empty text is "not given"."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FieldArgs(Arguments):
    """``<subcommand> [key=value…]``: a form's fields by name (``event new``)."""

    model_config = ConfigDict(extra="allow", frozen=True, str_strip_whitespace=True)

    def given(self) -> dict[str, Any]:
        return {key: value for key, value in (self.model_extra or {}).items() if value not in (None, "")}


class EventArgs(FieldArgs):
    """``<subcommand> <event> [key=value…]``: the event, then the row's fields by name."""

    event: str = positional(metavar="event")


class FieldProblem(UserError):
    """A value that passed the model but not a later check (a time in the past): ``field`` names it."""

    def __init__(self, field: str, sentence: str) -> None:
        super().__init__(sentence)
        self.field = field


# The event is None for a form that makes one (``event new``).
Perform = Callable[[R, Any, Context, Services], Awaitable[Reply]]
ExtraInputs = Callable[[Any, Context, Services], Awaitable[dict[str, Input]]]
# Checks beyond the model that need the speaker's clock or zone (a start in the past): FieldProblem.
Refine = Callable[[R, Context, Services], None]


@dataclass(frozen=True, kw_only=True)
class RowForm(Generic[R]):
    """A modal made from ``row``'s fields; ``run`` is the console/one-line path through the same model."""

    callback: str
    title: str
    submit_label: str
    row: type[R]
    perform: Perform[R]
    command: str
    inputs: ExtraInputs | None = None  # replaces some inputs (pickers, defaults from the event)
    intro: str | None = None
    refine: Refine[R] | None = None
    needs_event: bool = True

    async def run(self, given: dict[str, Any], event_ref: str | None, ctx: Context, services: Services) -> Reply:
        """Nothing given: the modal; else the row read from ``given`` and performed."""
        event = await self.event(event_ref, ctx, services)
        if not given:
            return Reply(modal=await self.modal(event, ctx, services))
        unknown = [key for key in given if key not in self.row.model_fields]
        if unknown:
            known = ", ".join(f"`{name}=`" for name in self.row.model_fields)
            raise UserError(f"`{self.command}` takes {known}, not {field_ref(unknown[0])}.")
        row = self.read(given)
        if self.refine is not None:
            self.refine(row, ctx, services)
        return await self.perform(row, event, ctx, services)

    async def event(self, event_ref: str | None, ctx: Context, services: Services) -> AirmeetEvent | None:
        if event_ref is None:
            return None
        event = await resolve_event(event_ref, ctx, services)
        await require_manager(event, ctx, services)
        return event

    def read(self, values: dict[str, Any]) -> R:
        try:
            return self.row.model_validate(values)
        except ValidationError as error:
            name, sentence = next(iter(field_problems(self.row, error).items()))
            raise UserError(f"Check {field_ref(name)}: {sentence[:1].lower()}{sentence[1:].rstrip('.')} — "
                            f"write it like `{self.command} {self.example()}`.") from None

    def example(self) -> str:
        """``<event> name=… email=… [organisation=…]``: the row's fields as the console types them."""
        fields = [f"{name}=…" if info.is_required() else f"[{name}=…]" for name, info in self.row.model_fields.items()]
        return " ".join(["<event>" if self.needs_event else "", *fields]).strip()

    async def modal(self, event: AirmeetEvent | None, ctx: Context, services: Services) -> Modal:
        extra = await self.inputs(event, ctx, services) if self.inputs else {}
        inputs = tuple(extra.get(name) or model_input(name, info) for name, info in self.row.model_fields.items())
        state = {"event": event.meeting.id if event.meeting else event.uuid} if event else {}
        if ctx.channel_id:
            state["channel_id"] = ctx.channel_id
        intro = self.intro or (f"For {event.label}." if event else None)
        return Modal(self.callback, self.title[:24], self.submit_label, inputs, state=state, intro=intro)

    # --- the Form protocol ------------------------------------------------------------------

    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]:
        try:
            row = self.row.model_validate(filled(values))
            if self.refine is not None:
                self.refine(row, ctx, services)
        except ValidationError as error:
            return field_problems(self.row, error)
        except FieldProblem as problem:
            return {problem.field: str(problem)}
        return {}

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply:
        event = await self.event(state.get("event"), ctx, services)
        if self.needs_event and event is None:
            raise UserError("That form lost its event; please run the command again.")
        row = self.read(filled(values))
        if self.refine is not None:
            self.refine(row, ctx, services)
        return await self.perform(row, event, ctx, services)

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None:
        return None


def filled(values: Values) -> dict[str, Any]:
    """A modal's values without the inputs left empty (None, "" or no box ticked)."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def model_input(name: str, info: Any) -> Input:
    """An Input for one row field: a select for a ``Literal``, a multiline box when marked, else text."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    title = info.title or label(name)
    options = choices(info.annotation)
    if options:
        labels = extra.get("labels") or {}
        picks = tuple(Choice(value, str(labels.get(value, value))) for value in options)
        return Input(name, title, kind="select", optional=not info.is_required(), choices=picks,
                     hint=info.description, initial=info.default if info.default in options else None)
    kind = "multiline" if extra.get("multiline") else "text"
    return Input(name, title, kind=kind, optional=not info.is_required(), hint=info.description)


def form_command(form: RowForm[Any]) -> Callable[[EventArgs, Context, Services], Awaitable[Reply]]:
    """The subcommand handler of ``<subcommand> <event> [key=value…]`` that ``form`` answers."""

    async def command(arguments: EventArgs, ctx: Context, services: Services) -> Reply:
        return await form.run(arguments.given(), arguments.event, ctx, services)

    command.__doc__ = f"``{form.command} <event>``: the form, or its fields as key=value."
    return command


EMAIL_PATTERN = r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$"
