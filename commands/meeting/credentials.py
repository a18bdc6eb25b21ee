"""A provider's credentials: read from typed or submitted values, checked, shown as form inputs.

    credentials = read_credentials("whereby", {"api_key": " eyJ… "})    # WherebyCredentials, key stripped
    plain_credentials(credentials)                                      # what the encrypted column stores

The provider's own pydantic model (``adapter_class.credentials_model``) is the single source of
the fields; errors name fields, never their values (``FieldErrors``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr, ValidationError
from pydantic.fields import FieldInfo

from commands.framework.arguments import annotation_args, choices, field_problems, label
from commands.framework.errors import UserError
from commands.framework.replies import Choice, Input
from commands.framework.tokenizer import field_ref
from providers import registry
from providers.base import Credentials
from providers.errors import display_name

ACCOUNT = "account"  # the input / inline key naming one of several accounts
DEFAULT_ACCOUNT = "default"
ALL_ACCOUNTS = "all"  # ``disconnect whereby all``; so no account may be called that
ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
# Sent in HTTP headers (Whereby and kMeet bearer, ClickMeeting X-Api-Key, Airmeet's keys, Roomful's
# X-Network): visible ASCII only, else httpx cannot send them (found by test_any_input.py).
HEADER_FIELDS = frozenset({"api_key", "access_key", "secret_key", "token", "network"})
HEADER_SAFE = re.compile(r"[!-~]+")

HINTS = {
    ("airmeet", "access_key"): "Airmeet → Integrations → API Access Key → Generate access key.",
    ("airmeet", "secret_key"): "Shown next to the access key when Airmeet generates the pair.",
    ("airmeet", "region"): "EU or US when your Airmeet community's address says so; otherwise default.",
    ("clickmeeting", "api_key"): "ClickMeeting panel → Account settings → API.",
    ("kmeet", "token"): "An Infomaniak API token allowed to plan kMeet conferences in your calendar.",
    ("kmeet", "calendar_id"): "The number of the Infomaniak Calendar that planned conferences go into.",
    ("roomful", "network"): "The Roomful network the account signs in to.",
}
CHOICE_LABELS = {"default": "Default", "eu": "EU", "us": "US"}


class FieldErrors(Exception):
    """Values that cannot be used: ``errors`` maps each field name to one sentence (no values)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} field(s) cannot be used")  # names may be pasted keys: not here
        self.errors = errors

    def sentence(self, provider: str) -> str:
        """One line for a reply: what is wrong with which ``key=``, and how to see the fields."""
        parts = "; ".join(f"{field_ref(name)}: {message.rstrip('.')}" for name, message in self.errors.items())
        return f"Nothing was saved — {parts}; `/meeting connect {provider}` shows the fields."


def provider_slug(word: str) -> str:
    """The registry slug for a typed provider name; ``UserError`` with a suggestion otherwise.

    Unlike ``registry.info`` it repeats the word only when it could be a misspelt name: someone
    who pastes a key where the provider goes must not see it again.
    """
    if word.lower() in registry.PROVIDERS:
        return word.lower()
    names = ", ".join(f"`{slug}`" for slug in registry.PROVIDERS)
    guess = registry.closest_slug(word) if word.isalpha() and len(word) <= 20 else None
    if guess:
        raise UserError(f"I don't know a provider called `{word}` — did you mean `{guess}`? Choose one of: {names}.")
    raise UserError(f"That is not a provider I know; choose one of: {names}.")


def credentials_model(provider: str) -> type[Credentials]:
    return registry.adapter_class(provider).credentials_model


def required_fields(model: type[Credentials]) -> list[str]:
    """What connecting needs: the model's required fields, or all of them when it needs none
    (kMeet works without an account, so connecting it is for the optional part: token and calendar)."""
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    return required or list(model.model_fields)


def read_credentials(provider: str, given: Mapping[str, Any]) -> Credentials:
    """Validate typed or submitted values into the provider's credentials model.

        read_credentials("whereby", {"api_key": " eyJ… "})    # WherebyCredentials, key stripped

    Raises ``FieldErrors`` naming each unknown, missing or invalid field; never echoes a value.
    """
    model = credentials_model(provider)
    unknown = sorted(set(given) - set(model.model_fields))
    if unknown:
        known = ", ".join(f"`{name}=`" for name in [*model.model_fields, ACCOUNT])
        raise FieldErrors({name: f"{display_name(provider)} takes only {known}" for name in unknown})
    values = {name: value.strip() if isinstance(value, str) else value for name, value in given.items()}
    values = {name: value for name, value in values.items() if value not in (None, "")}
    errors = {name: f"{label(name)} is required." for name in required_fields(model) if name not in values}
    errors |= {name: f"{label(name)} has characters no key has: copy it again from {display_name(provider)}."
               for name in HEADER_FIELDS & set(values)
               if isinstance(values[name], str) and not HEADER_SAFE.fullmatch(values[name])}
    try:
        credentials = model.model_validate(values)
    except ValidationError as error:
        for name, sentence in field_problems(model, error).items():
            errors.setdefault(name, sentence)
    if errors:
        raise FieldErrors(errors)
    return credentials


def plain_credentials(credentials: Credentials) -> dict[str, Any]:
    """What the encrypted column stores: JSON-ready, secrets revealed, unset fields left out."""
    plain: dict[str, Any] = {}
    for name in type(credentials).model_fields:
        value = getattr(credentials, name)
        if value is not None:
            plain[name] = value.get_secret_value() if isinstance(value, SecretStr) else value
    return plain


def check_account_name(name: str | None) -> str:
    """The account name to save under (``default`` when none was given); ``UserError`` if unusable."""
    name = (name or "").strip() or DEFAULT_ACCOUNT
    if not ACCOUNT_NAME.fullmatch(name) or name.lower() == ALL_ACCOUNTS:
        raise UserError(
            "An account name is up to 40 letters, digits, `-`, `_` or `.` (and not `all`), e.g. `account=sales`."
        )
    return name


def credential_input(provider: str, name: str, info: FieldInfo, *, required: bool) -> Input:
    """One form input for a credentials field: secrets as never pre-filled secret text inputs,
    a Literal as a select, an int as a number."""
    parts = annotation_args(info.annotation)
    hint = HINTS.get((provider, name)) or info.description
    options = choices(info.annotation)
    if any(part is SecretStr for part in parts):
        return Input(name, label(name), optional=not required, hint=hint, secret=True)
    if options:
        default = info.default if isinstance(info.default, str) else None
        return Input(name, label(name), kind="select", optional=not required, initial=default, hint=hint,
                     choices=tuple(Choice(value, CHOICE_LABELS.get(value, value)) for value in options))
    kind = "number" if int in parts else "text"
    return Input(name, label(name), kind=kind, optional=not required, hint=hint)
