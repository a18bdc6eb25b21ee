"""A subcommand's arguments, declared once as a pydantic model: usage line, reading, errors, console form.

    class DisconnectArgs(Arguments):
        provider: str = positional(metavar="provider")
        account: str | None = positional(None, metavar="account|all")

    usage("disconnect", DisconnectArgs)            # 'disconnect <provider> [account|all]'
    read(DisconnectArgs, "whereby sales", command="/meeting disconnect")
    read(DisconnectArgs, "provider=whereby account=sales", command=...)   # the console's key=value form
    key_values(DisconnectArgs(provider="whereby", account="sales"))       # 'provider=whereby account=sales'

Words fill the positional fields in order; ``key=value`` fills any field by name; ``flag`` fields
are set by a word such as ``--channel``. Every problem is one ``UserError`` sentence naming the
field — never its value, which may be a secret (a key pasted in the wrong place).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from commands.framework.errors import UserError
from commands.framework.tokenizer import Token, field_ref, tokenize

# Labels a Slack user reads; anything not listed gets a label made from its name.
LABELS = {
    "api_key": "API key",
    "access_key": "Access key",
    "secret_key": "Secret key",
    "region": "Data centre",
    "token": "Infomaniak API token",
    "calendar_id": "Calendar id",
    "email": "Email",
    "password": "Password",
    "network": "Network id",
}


class Arguments(BaseModel):
    """Base of every subcommand's arguments: unknown keys are refused, values are stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class NoArguments(Arguments):
    """A subcommand that takes nothing (``/meeting providers``)."""


def positional(default: Any = PydanticUndefined, *, metavar: str, usage: str | None = None) -> Any:
    """A field filled by the next word (or by ``name=value``); ``metavar`` names it in the usage line."""
    return Field(default, json_schema_extra={"kind": "positional", "metavar": metavar, "usage": usage})


def option(default: Any = None, *, metavar: str, secret: bool = False) -> Any:
    """A field given as ``name=value`` only."""
    return Field(default, json_schema_extra={"kind": "option", "metavar": metavar, "secret": secret})


def derived(default: Any = None) -> Any:
    """A field the reader fills from other words (``#general`` → ``channel_id``): not typed by name."""
    return Field(default, json_schema_extra={"kind": "derived"})


def flag(*spellings: str) -> Any:
    """A bool set by any of ``spellings`` typed as a word (Slack may turn ``--`` into a dash)."""
    return Field(False, json_schema_extra={"kind": "flag", "spellings": list(spellings)})


def _extra(info: FieldInfo) -> dict[str, Any]:
    extra = info.json_schema_extra
    return extra if isinstance(extra, dict) else {"kind": "option", "metavar": "value"}


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def usage(name: str, model: type[BaseModel]) -> str:
    """The usage line: ``usage("list", ListArgs) == "list [all|mine|#channel] [page <n>]"``."""
    parts = [name]
    for field_name, info in model.model_fields.items():
        extra = _extra(info)
        if extra["kind"] == "derived":
            continue
        if extra.get("usage"):
            parts.append(str(extra["usage"]))
        elif extra["kind"] == "positional":
            metavar = extra["metavar"]
            parts.append(f"<{metavar}>" if info.is_required() else f"[{metavar}]")
        elif extra["kind"] == "flag":
            parts.append(f"[{extra['spellings'][0]}]")
        else:
            parts.append(f"{field_name}=<{extra['metavar']}>" if info.is_required()
                         else f"[{field_name}=<{extra['metavar']}>]")
    if model.model_config.get("extra") == "allow":
        parts.insert(1 + _positional_count(model), "[key=value…]")
    return " ".join(parts)


def console_form(name: str, model: type[BaseModel]) -> str:
    """Every field as ``key=value`` (the console's way, where Slack would show a form):
    ``console_form("disconnect", DisconnectArgs) == "disconnect provider=<provider> account=<account|all>"``."""
    parts = [name]
    for field_name, info in model.model_fields.items():
        extra = _extra(info)
        if extra["kind"] == "flag":
            parts.append(f"[{extra['spellings'][0]}]")
        elif extra["kind"] != "derived":
            parts.append(f"{field_name}=<{extra['metavar']}>")
    return " ".join(parts)


def _positional_count(model: type[BaseModel]) -> int:
    return sum(1 for info in model.model_fields.values() if _extra(info)["kind"] == "positional")


def key_values(arguments: BaseModel) -> str:
    """The console's ``key=value`` form of ``arguments`` (fields set only; flags as typed; secrets masked)."""
    parts = []
    for name, info in type(arguments).model_fields.items():
        value, extra = getattr(arguments, name), _extra(info)
        if value is None or name not in arguments.model_fields_set or extra["kind"] == "derived":
            continue
        if extra["kind"] == "flag":
            parts += [extra["spellings"][0]] if value else []
            continue
        text = "••••" if extra.get("secret") else str(value)
        quoted = not text or any(c.isspace() or c in "\"'" for c in text)
        parts.append(f'{name}="{text}"' if quoted else f"{name}={text}")
    return " ".join(parts)


_A = typing.TypeVar("_A", bound=BaseModel)


def read(model: type[_A], text: str | Sequence[Token], *, command: str) -> _A:
    """``text`` (or its tokens) as ``model``; a ``UserError`` sentence naming the field otherwise."""
    tokens = tokenize(text) if isinstance(text, str) else list(text)
    fields = model.model_fields
    positional_names = [n for n, info in fields.items() if _extra(info)["kind"] == "positional"]
    flags = {spelling.lower(): n for n, info in fields.items() if _extra(info)["kind"] == "flag"
             for spelling in _extra(info)["spellings"]}
    given: dict[str, Any] = {}
    words: list[str] = []
    for token in tokens:
        if token.key is not None:
            if token.key in given:
                raise UserError(f"You gave {field_ref(token.key)} twice — keep one.")
            typed_by_name = [n for n in fields if _extra(fields[n])["kind"] not in ("flag", "derived")]
            if token.key not in typed_by_name and (token.key in fields or model.model_config.get("extra") != "allow"):
                known = ", ".join(f"`{n}=`" for n in typed_by_name)
                raise UserError(f"Only {known or 'words'} work with `{command}`, not {field_ref(token.key)}.")
            given[token.key] = token.value
        elif token.text.lower() in flags:
            given[flags[token.text.lower()]] = True
        else:
            words.append(token.text)
    free = [n for n in positional_names if n not in given]
    if len(words) > len(free):
        count = f"{len(positional_names) or 'no'} word{'s' if len(positional_names) != 1 else ''}"
        raise UserError(f"Too many words: `{command}` takes {count} before its options — "
                        f"write it like `{usage(command, model)}`.")
    given.update(zip(free, words, strict=False))
    return validate(model, given, command=command)


def validate(model: type[_A], values: Mapping[str, Any], *, command: str) -> _A:
    """``model.model_validate(values)``, with the first problem as one sentence naming its field."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as error:
        name, sentence = next(iter(field_problems(model, error).items()))
        missing = any(problem["type"] == "missing" for problem in error.errors(include_input=False))
        what = f"Give {_named(model, name)}" if missing else \
            f"Check {_named(model, name)}: {sentence[:1].lower()}{sentence[1:].rstrip('.')}"
        raise UserError(f"{what} — write it like `{usage(command, model)}`.") from None


def _named(model: type[BaseModel], name: str) -> str:
    """A field as the user types it: ``<provider>`` for a word, ``account=`` for a key."""
    info = model.model_fields.get(name)
    extra = _extra(info) if info is not None else {}
    if extra.get("kind") == "positional":
        return f"`<{extra['metavar']}>`"
    return field_ref(name)


def field_problems(model: type[BaseModel], error: ValidationError) -> dict[str, str]:
    """Field name → one sentence per problem, without the value typed (``include_input=False``)."""
    problems: dict[str, str] = {}
    for problem in error.errors(include_input=False, include_url=False):
        name = str(problem["loc"][0]) if problem["loc"] else next(iter(model.model_fields), "value")
        problems.setdefault(name, field_message(name, problem, model.model_fields.get(name)))
    return problems


def field_message(name: str, problem: Mapping[str, Any], info: FieldInfo | None) -> str:
    """One sentence for one pydantic problem on field ``name``: "Email is required." …"""
    kind = problem["type"]
    if kind in ("missing", "string_too_short"):
        return f"{label(name)} is required."
    if kind == "string_pattern_mismatch":
        return "That is not an email address." if name == "email" else f"That is not a valid {label(name).lower()}."
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{label(name)} must be a whole number."
    if kind == "literal_error" and info is not None:
        return f"Choose one of: {', '.join(choices(info.annotation))}."
    if kind == "extra_forbidden":
        return "Is not a field here."
    return f"{label(name)}: {str(problem['msg']).rstrip('.')}."  # pydantic's own words; inputs excluded


def annotation_args(annotation: Any) -> tuple[Any, ...]:
    """``str | None`` → ``(str, NoneType)``; anything else → ``(annotation,)``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def choices(annotation: Any) -> tuple[str, ...]:
    """The values of a ``Literal`` (possibly inside ``| None``)."""
    for part in annotation_args(annotation):
        if typing.get_origin(part) is Literal:
            return tuple(str(value) for value in typing.get_args(part))
    return ()
