"""``/meeting connect``, ``disconnect`` and ``default``: a workspace's provider accounts and defaults.

    await dispatch("/meeting", "connect whereby", ctx, services)                 # the credentials form
    await dispatch("/meeting", "connect whereby api_key=eyJ…", ctx, services)    # inline: check, then save
    await dispatch("/meeting", "disconnect whereby sales", ctx, services)
    await dispatch("/meeting", "default whereby --channel", ctx, services)

Keys are checked with one live call to the provider (``adapter.verify()``) before anything is
saved, are stored encrypted (the column type does it) and are never repeated: no reply and no
log line carries a key, and a secret input is never pre-filled. Error sentences name fields,
never their values.

Who may do what:

- connect, disconnect and choosing a provider's default account: workspace admins and owners
  (``users.info``) and the user ids in ``MEETBOT_ADMINS``; anyone else gets one sentence.
- a personal default provider: anyone, for themselves.
- a channel default (``--channel``): anyone, as anyone in a channel may set its topic. It only
  picks the provider ``/meeting new`` uses when neither the command nor the speaker's own default
  names one, and it neither spends money nor reveals anything.
"""

from __future__ import annotations

import logging
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import SecretStr, ValidationError
from pydantic.fields import FieldInfo
from sqlalchemy.exc import SQLAlchemyError

from commands.accounts import connected_providers, is_admin
from commands.context import Context, Services
from commands.forms import State, Values, action, form
from commands.replies import Choice, Input, Modal, Reply
from commands.router import Subcommand, UserError
from providers import registry
from providers.base import Credentials
from providers.errors import AuthFailed, ProviderError, RateLimited, Unavailable, display_name

log = logging.getLogger(__name__)

CALLBACK = "connect_provider"
ACCOUNT = "account"  # the input / inline key naming one of several accounts
PROVIDER = "provider"  # the provider select of the form opened without a provider
DEFAULT_ACCOUNT = "default"
ALL_ACCOUNTS = "all"  # ``disconnect whereby all``; so no account may be called that
ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
CHANNEL_FLAGS = frozenset({"--channel", "-channel", "—channel", "–channel"})  # Slack may turn -- into a dash

NOT_ADMIN = (
    "Only workspace admins and owners can connect or disconnect providers, so nothing was changed — "
    "ask one of them."
)

# Labels and hints a Slack user can act on; anything not listed gets a label made from its name.
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
HINTS = {
    ("airmeet", "access_key"): "Airmeet → Integrations → API Access Key → Generate access key.",
    ("airmeet", "secret_key"): "Shown next to the access key when Airmeet generates the pair.",
    ("airmeet", "region"): "EU or US when your Airmeet community's address says so; otherwise default.",
    ("clickmeeting", "api_key"): "ClickMeeting panel → Account settings → API.",
    ("kmeet", "token"): "An Infomaniak API token allowed to plan kMeet conferences in your calendar.",
    ("kmeet", "calendar_id"): "The number of the Infomaniak Calendar that planned conferences go into.",
    ("roomful", "network"): "The Roomful network the account signs in to.",
}
TRY_IT = {"kmeet": '/meeting new kmeet "Planning" tomorrow 10:00 mode=planned'}
CHOICE_LABELS = {"default": "Default", "eu": "EU", "us": "US"}


# --- inline arguments --------------------------------------------------------------------------

_DOUBLE_QUOTES = '"“”„«»'
_CLOSERS = {"'": "'", "‘": "’'", "’": "’'", **{quote: _DOUBLE_QUOTES for quote in _DOUBLE_QUOTES}}
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")
# A word the user typed is repeated in a reply only when it looks like a name we asked for: a key
# pasted without its `api_key=` (base64 keys end in "=") must not come back as "unknown field".
_SAFE_NAME = re.compile(r"[a-z][a-z_]{0,23}")


def field_ref(key: str) -> str:
    """How a reply names a typed ``key=``: as typed when it looks like a field name, else vaguely."""
    return f"`{key}=`" if _SAFE_NAME.fullmatch(key) else "a word before `=`"


@dataclass(frozen=True)
class Arguments:
    """Words and ``key=value`` options as typed: ``parse_arguments('whereby api_key="a b"')``."""

    words: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)


def parse_arguments(text: str) -> Arguments:
    """Split like a shell, but only quotes that open a value count, so ``password=it's`` stays whole.

        parse_arguments("airmeet access_key=AK secret_key='s p' region=eu")

    A value may be quoted with "…", '…' or the typographic quotes Slack and phones substitute;
    Slack's escapes (``&amp;``, ``<mailto:a@b|a@b>``) are undone. Errors never repeat a value.
    """
    words: list[str] = []
    options: dict[str, str] = {}
    position, end = 0, len(text)
    while position < end:
        if text[position].isspace():
            position += 1
            continue
        key_match = _KEY.match(text, position)
        if key_match is None:
            start = position
            while position < end and not text[position].isspace():
                position += 1
            words.append(text[start:position].strip(_DOUBLE_QUOTES + "'"))
            continue
        # API_KEY= is api_key=; mixed case (a pasted base64 key) stays as typed, so it is never shown.
        key = key_match[1].lower() if key_match[1].isupper() else key_match[1]
        value, position = _read_value(text, key_match.end(), key=key)
        if key in options:
            raise UserError(f"You gave {field_ref(key)} twice — keep one.")
        options[key] = _unescape(value)
    return Arguments(words=tuple(words), options=options)


def _read_value(text: str, position: int, *, key: str) -> tuple[str, int]:
    pieces: list[str] = []
    end = len(text)
    if position < end and text[position] == "<" and ">" in text[position:]:
        close = text.index(">", position)  # Slack's <mailto:…|…> may hold spaces in its label
        pieces.append(text[position : close + 1])
        position = close + 1
    elif position < end and text[position] in _CLOSERS:
        closers = _CLOSERS[text[position]]
        close = next((i for i in range(position + 1, end) if text[i] in closers), -1)
        if close < 0:
            raise UserError(f'The quote after {field_ref(key)} is never closed — write values like `name="…"`.')
        pieces.append(text[position + 1 : close])
        position = close + 1
    while position < end and not text[position].isspace():
        pieces.append(text[position])
        position += 1
    return "".join(pieces), position


def _unescape(value: str) -> str:
    link = _SLACK_LINK.fullmatch(value)
    if link:
        value = link[1].removeprefix("mailto:")
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- credentials ---------------------------------------------------------------------------------


class FieldErrors(Exception):
    """Values that cannot be used: ``errors`` maps each field name to one sentence (no values)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} field(s) cannot be used")  # names may be pasted keys: not here
        self.errors = errors

    def sentence(self, provider: str) -> str:
        """One line for a reply: what is wrong with which ``key=``, and how to see the fields."""
        parts = "; ".join(f"{field_ref(name)}: {message.rstrip('.')}" for name, message in self.errors.items())
        return f"Nothing was saved — {parts}. `/meeting connect {provider}` shows the fields."


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


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


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
    try:
        credentials = model.model_validate(values)
    except ValidationError as error:
        for problem in error.errors(include_input=False, include_url=False):
            name = str(problem["loc"][0]) if problem["loc"] else next(iter(model.model_fields))
            errors.setdefault(name, _field_message(name, problem, model.model_fields.get(name)))
    if errors:
        raise FieldErrors(errors)
    return credentials


def _field_message(name: str, problem: Mapping[str, Any], info: FieldInfo | None) -> str:
    kind = problem["type"]
    if kind in ("missing", "string_too_short"):
        return f"{label(name)} is required."
    if kind == "string_pattern_mismatch":
        return "That is not an email address." if name == "email" else f"That is not a valid {label(name).lower()}."
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{label(name)} must be a whole number."
    if kind == "literal_error" and info is not None:
        return f"Choose one of: {', '.join(_choices(info.annotation))}."
    return f"{label(name)}: {problem['msg']}."  # pydantic's own words; inputs were excluded above


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


# --- the form ------------------------------------------------------------------------------------


def _annotation_args(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _choices(annotation: Any) -> tuple[str, ...]:
    for part in _annotation_args(annotation):
        if typing.get_origin(part) is Literal:
            return tuple(str(value) for value in typing.get_args(part))
    return ()


def credential_input(provider: str, name: str, info: FieldInfo, *, required: bool) -> Input:
    """One form input for a credentials field: secrets as never pre-filled secret text inputs,
    a Literal as a select, an int as a number."""
    parts = _annotation_args(info.annotation)
    hint = HINTS.get((provider, name)) or info.description
    choices = _choices(info.annotation)
    if any(part is SecretStr for part in parts):
        return Input(name, label(name), optional=not required, hint=hint, secret=True)
    if choices:
        default = info.default if isinstance(info.default, str) else None
        return Input(name, label(name), kind="select", optional=not required, initial=default, hint=hint,
                     choices=tuple(Choice(value, CHOICE_LABELS.get(value, value)) for value in choices))
    kind = "number" if int in parts else "text"
    return Input(name, label(name), kind=kind, optional=not required, hint=hint)


def provider_select(initial: str | None) -> Input:
    choices = tuple(Choice(info.slug, info.name) for info in registry.PROVIDERS.values())
    return Input(PROVIDER, "Provider", kind="select", initial=initial, choices=choices, dispatch=True)


def connect_modal(
    provider: str | None, ctx: Context, services: Services, *, account: str | None = None, with_select: bool = False
) -> Modal:
    """The credentials form for ``provider``; without one, a provider select that fills it in.

        connect_modal("whereby", ctx, services)    # inputs: api_key (secret), account
    """
    state = {"channel_id": ctx.channel_id} if ctx.channel_id else {}
    if provider is None:
        return Modal(CALLBACK, "Connect a provider", "Connect", (provider_select(None),), state=dict(state),
                     intro="Which provider should this workspace connect?")
    slug = registry.info(provider).slug
    name = display_name(slug)
    model = credentials_model(slug)
    required = set(required_fields(model))
    inputs = [credential_input(slug, field_name, info, required=field_name in required)
              for field_name, info in model.model_fields.items()]
    existing = connected_providers(services, ctx.team_id).get(slug, [])
    account_hint = "Name it to keep several accounts of one provider; a name already in use gets the new keys."
    if existing:
        account_hint += " Connected now: " + ", ".join(existing) + "."
    inputs.append(Input(ACCOUNT, "Account name", optional=True, initial=account or DEFAULT_ACCOUNT, hint=account_hint))
    intro = (
        f"I check these with one call to {name}, then store them encrypted; nobody sees them again, "
        "not even in this form."
    )
    if not registry.info(slug).needs_credentials:
        intro = f"Instant {name} rooms need no account; these add planned conferences. " + intro
    head = (provider_select(slug),) if with_select else ()
    return Modal(CALLBACK, f"Connect {name}"[:24], "Connect", (*head, *tuple(inputs)),
                 state={**state, PROVIDER: slug}, intro=intro)


@form(CALLBACK)
class ConnectForm:
    """The credentials form: fast checks in the ack, the provider call and the save after it."""

    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]:
        provider = values.get(PROVIDER) or state.get(PROVIDER)
        if not await is_admin(ctx, services):
            return {_first_input(provider, values): NOT_ADMIN}
        if not provider:
            return {PROVIDER: "Choose a provider."}
        try:
            read_credentials(provider, _credential_values(provider, values))
            check_account_name(values.get(ACCOUNT))
        except FieldErrors as error:
            return error.errors
        except UserError as error:
            return {ACCOUNT: str(error)}
        except ProviderError as error:  # a provider slug we do not know (a stale or forged form)
            return {_first_input(None, values): error.user_message}
        return {}

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply:
        provider = values.get(PROVIDER) or state.get(PROVIDER) or ""
        if not await is_admin(ctx, services):
            return Reply.ephemeral(NOT_ADMIN)
        slug = registry.info(provider).slug
        try:
            credentials = read_credentials(slug, _credential_values(slug, values))
            account = check_account_name(values.get(ACCOUNT))
        except FieldErrors as error:
            return Reply.ephemeral(error.sentence(slug))
        except UserError as error:
            return Reply.ephemeral(str(error))
        return await verify_and_save(slug, credentials, account=account, ctx=ctx, services=services)

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None:
        """The provider select changed: the same form with that provider's fields."""
        provider = values.get(PROVIDER)
        if not provider or provider not in registry.PROVIDERS:
            return None
        return connect_modal(provider, ctx, services, with_select=True)


def _credential_values(provider: str, values: Values) -> dict[str, Any]:
    return {name: value for name, value in values.items()
            if name in credentials_model(provider).model_fields}


def _first_input(provider: str | None, values: Values) -> str:
    """A block of the submitted form to hang a form-wide error on (Slack needs an input's name)."""
    if PROVIDER in values:
        return PROVIDER
    if provider in registry.PROVIDERS:
        for name in credentials_model(provider).model_fields:
            if name in values:
                return name
    return next(iter(values), ACCOUNT)


# --- checking and saving -------------------------------------------------------------------------


async def verify_and_save(
    provider: str, credentials: Credentials, *, account: str, ctx: Context, services: Services
) -> Reply:
    """One live call with the credentials; only if the provider accepts them are they saved.

        reply = await verify_and_save("whereby", WherebyCredentials(api_key=key), account="default", ...)
    """
    name = display_name(provider)
    plain = plain_credentials(credentials)
    adapter = registry.build(provider, plain, endpoints=services.endpoints, transport=services.transport,
                             policy=services.policy)
    try:
        await adapter.verify()
    except AuthFailed as error:
        log.info("connect %s: the provider refused the credentials (status %s)", provider, error.status)
        return Reply.ephemeral(
            f"{name} refused those credentials, so nothing was saved — check them and run "
            f"`/meeting connect {provider}` again."
        )
    except (Unavailable, RateLimited) as error:
        log.warning("connect %s: could not verify (%s, status %s)", provider, type(error).__name__, error.status)
        return Reply.ephemeral(
            f"I could not reach {name} to check those credentials, so nothing was saved — "
            "please try again in a few minutes."
        )
    except ProviderError as error:
        log.info("connect %s: verification failed (%s, status %s)", provider, type(error).__name__, error.status)
        return Reply.ephemeral(f"{name} did not accept those details, so nothing was saved: {error.user_message}")
    finally:
        await adapter.aclose()

    replaced = services.repo.get_account(ctx.team_id, provider, account) is not None
    try:
        row = services.repo.save_account(ctx.team_id, provider=provider, credentials=plain, name=account,
                                         created_by=ctx.user_id)
    except SQLAlchemyError as error:
        # The error text may quote the statement's parameters, so only its class is logged.
        log.error("connect %s: saving the account failed (%s)", provider, type(error).__name__)
        return Reply.ephemeral(f"{name} accepted the credentials but I could not save them; please try again.")
    log.info("connected %s account %r in %s (by %s)", provider, account, ctx.team_id, ctx.user_id)
    what = "replaced the keys of" if replaced else "added"
    default = (
        f"It is the default {name} account."
        if row.is_default
        else f"The default stays `{_default_account(services, ctx.team_id, provider)}`; "
        f"use `account={account}` on `/meeting new` to pick this one."
    )
    example = TRY_IT.get(provider, f'/meeting new {provider} "Standup"')
    return Reply.ephemeral(
        f":white_check_mark: {name} is connected — it accepted the credentials, and I {what} the account "
        f"`{account}` (stored encrypted). {default} Try `{example}`."
    )


def _default_account(services: Services, team_id: str, provider: str) -> str | None:
    row = services.repo.get_account(team_id, provider)
    return row.name if row else None


# --- /meeting connect ------------------------------------------------------------------------------


async def connect_command(args: str, ctx: Context, services: Services) -> Reply:
    """``connect <provider> [key=value…] [account=<name>]``: the form, or inline keys checked and saved."""
    if not await is_admin(ctx, services):
        return Reply.ephemeral(NOT_ADMIN)
    parsed = parse_arguments(args)
    options = dict(parsed.options)
    words = list(parsed.words)
    if not words and PROVIDER in options:
        words.append(options.pop(PROVIDER))
    account = options.pop(ACCOUNT, None)
    if not words:
        if options:
            raise UserError("Name the provider first, e.g. `/meeting connect whereby api_key=…`.")
        return Reply(modal=connect_modal(None, ctx, services))
    slug = provider_slug(words[0])
    if len(words) > 1:
        fields = " ".join(f"{name}=…" for name in credentials_model(slug).model_fields)
        raise UserError(f"Give {display_name(slug)}'s details as key=value, e.g. `/meeting connect {slug} {fields}`.")
    if not options:
        named = check_account_name(account) if account is not None else None
        return Reply(modal=connect_modal(slug, ctx, services, account=named))
    try:
        credentials = read_credentials(slug, options)
    except FieldErrors as error:
        return Reply.ephemeral(error.sentence(slug))
    return await verify_and_save(slug, credentials, account=check_account_name(account), ctx=ctx,
                                 services=services)


# --- /meeting disconnect ---------------------------------------------------------------------------


async def disconnect_command(args: str, ctx: Context, services: Services) -> Reply:
    """``disconnect <provider> [account|all]``: delete an account and its keys."""
    if not await is_admin(ctx, services):
        return Reply.ephemeral(NOT_ADMIN)
    parsed = parse_arguments(args)
    options = dict(parsed.options)
    account = options.pop(ACCOUNT, None)
    words = list(parsed.words)
    if options:
        raise UserError("Disconnect takes a provider and an account name, e.g. `/meeting disconnect whereby sales`.")
    if not words:
        raise UserError("Say which provider to disconnect, e.g. `/meeting disconnect whereby`.")
    if len(words) > 2 or (len(words) == 2 and account is not None):
        raise UserError("Name one account, e.g. `/meeting disconnect whereby sales` (or `all`).")
    slug = provider_slug(words[0])
    account = account or (words[1] if len(words) == 2 else None)
    return remove_accounts(slug, account, ctx, services)


def remove_accounts(provider: str, account: str | None, ctx: Context, services: Services) -> Reply:
    """Delete ``account`` (``all``: every one; None: the only one) and say what is left."""
    name = display_name(provider)
    accounts = connected_providers(services, ctx.team_id).get(provider, [])
    if not accounts:
        return Reply.ephemeral(f"{name} has no saved account in this workspace, so there is nothing to remove.")
    if account is None:
        if len(accounts) > 1:
            listed = ", ".join(f"`{a}`" for a in accounts)
            raise UserError(
                f"{name} has {len(accounts)} accounts ({listed}) — say which, e.g. "
                f"`/meeting disconnect {provider} {accounts[-1]}`, or `all`."
            )
        account = accounts[0]
    if account.lower() == ALL_ACCOUNTS:
        gone = services.repo.delete_account(ctx.team_id, provider)
    elif account in accounts:
        gone = services.repo.delete_account(ctx.team_id, provider, account)
    else:
        listed = ", ".join(f"`{a}`" for a in accounts)
        raise UserError(f"{name} has no account called `{account}`; its accounts are {listed}.")
    log.info("disconnected %s accounts %s in %s (by %s)", provider, gone, ctx.team_id, ctx.user_id)
    removed = ", ".join(f"`{a}`" for a in gone)
    noun = "account" if len(gone) == 1 else "accounts"
    heir = _default_account(services, ctx.team_id, provider)
    if heir is not None:
        rest = f"The default {name} account is now `{heir}`."
    elif not registry.info(provider).needs_credentials:
        rest = f"Instant {name} rooms still work; planned ones need `/meeting connect {provider}` again."
    else:
        rest = f"{name} is no longer connected here; `/meeting connect {provider}` connects it again."
    whose = "its" if len(gone) == 1 else "their"
    return Reply.ephemeral(f"Removed the {name} {noun} {removed} and {whose} keys. {rest}")


# --- /meeting default ------------------------------------------------------------------------------


async def default_command(args: str, ctx: Context, services: Services) -> Reply:
    """``default [provider] [--channel] [account=<name>]``: show or set the defaults."""
    parsed = parse_arguments(args)
    options = dict(parsed.options)
    account = options.pop(ACCOUNT, None)
    if options:
        raise UserError(
            "`/meeting default` takes a provider, `--channel` or `account=`, e.g. `/meeting default whereby`."
        )
    for_channel = any(word.lower() in CHANNEL_FLAGS for word in parsed.words)
    words = [word for word in parsed.words if word.lower() not in CHANNEL_FLAGS]
    if len(words) > 1:
        raise UserError("Name one provider, e.g. `/meeting default whereby` or `/meeting default whereby --channel`.")
    if not words:
        if account is not None:
            raise UserError("Name the provider too, e.g. `/meeting default whereby account=sales`.")
        return show_defaults(ctx, services)
    slug = provider_slug(words[0])
    name = display_name(slug)
    if account is not None:
        return await set_default_account(slug, account, ctx, services)
    connected = slug in connected_providers(services, ctx.team_id) or not registry.info(slug).needs_credentials
    note = "" if connected else f" {name} is not connected yet: an admin can run `/meeting connect {slug}`."
    if for_channel:
        if not ctx.channel_id:
            raise UserError("Run `--channel` in the channel it is for.")
        services.repo.set_default_provider(ctx.team_id, scope="channel", scope_id=ctx.channel_id, provider=slug)
        log.info("channel default %s for %s in %s (by %s)", slug, ctx.channel_id, ctx.team_id, ctx.user_id)
        return Reply.ephemeral(
            f"{name} is now the default in <#{ctx.channel_id}> for `/meeting new` without a provider "
            f"(a person's own default comes first).{note}"
        )
    services.repo.set_default_provider(ctx.team_id, scope="user", scope_id=ctx.user_id, provider=slug)
    return Reply.ephemeral(f"{name} is now your default for `/meeting new` without a provider.{note}")


async def set_default_account(provider: str, account: str, ctx: Context, services: Services) -> Reply:
    """Admins: which of a provider's accounts ``/meeting new`` uses when none is named."""
    if not await is_admin(ctx, services):
        return Reply.ephemeral(NOT_ADMIN)
    name = display_name(provider)
    if not services.repo.set_default_account(ctx.team_id, provider, account):
        accounts = connected_providers(services, ctx.team_id).get(provider, [])
        listed = ", ".join(f"`{a}`" for a in accounts) or "none yet"
        raise UserError(f"{name} has no account called `{account}`; its accounts: {listed}.")
    return Reply.ephemeral(f"`{account}` is now the default {name} account.")


def show_defaults(ctx: Context, services: Services) -> Reply:
    repo = services.repo
    mine = repo.default_provider(ctx.team_id, user_id=ctx.user_id, channel_id=None)
    channel = repo.default_provider(ctx.team_id, user_id="", channel_id=ctx.channel_id) if ctx.channel_id else None
    lines = [
        f"Your default: {_provider_name(mine)} (`/meeting default <provider>` sets it).",
    ]
    if ctx.channel_id:
        lines.append(
            f"Default in <#{ctx.channel_id}>: {_provider_name(channel)} (`/meeting default <provider> --channel`)."
        )
    used = mine or channel or "kmeet"
    lines.append(f"So `/meeting new` without a provider uses *{display_name(used)}* for you here.")
    accounts = connected_providers(services, ctx.team_id)
    several = {slug: names for slug, names in accounts.items() if len(names) > 1}
    for slug, names in several.items():
        lines.append(f"{display_name(slug)} accounts: " + ", ".join(f"`{n}`" for n in names)
                     + f" — `{names[0]}` is the default (`/meeting default {slug} account=<name>` changes it).")
    return Reply.ephemeral("\n".join(lines))


def _provider_name(slug: str | None) -> str:
    return f"*{display_name(slug)}*" if slug else "none"


# --- App Home buttons ------------------------------------------------------------------------------


@action("connect_provider")
async def connect_clicked(value: str, ctx: Context, services: Services) -> Reply:
    """App Home "Connect" (value: provider slug): the same form as ``/meeting connect <provider>``."""
    if not await is_admin(ctx, services):
        return Reply.ephemeral(NOT_ADMIN)
    return Reply(modal=connect_modal(value or None, ctx, services))


@action("disconnect_provider")
async def disconnect_clicked(value: str, ctx: Context, services: Services) -> Reply:
    """App Home "Disconnect" (value: ``slug`` or ``slug:account``): removes that, or the default, account."""
    if not await is_admin(ctx, services):
        return Reply.ephemeral(NOT_ADMIN)
    provider, _, account = value.partition(":")
    slug = registry.info(provider).slug
    return remove_accounts(slug, account or _default_account(services, ctx.team_id, slug), ctx, services)


SUBCOMMANDS: list[Subcommand] = [
    Subcommand("connect", connect_command, "connect <provider> [key=value…] [account=<name>]",
               "connect whereby",
               "admins: connect a provider account (a form in Slack; in the console give its fields as key=value)"),
    Subcommand("disconnect", disconnect_command, "disconnect <provider> [account|all]",
               "disconnect whereby",
               "admins: remove a provider account and its keys"),
    Subcommand("default", default_command, "default [provider] [--channel] [account=<name>]",
               "default whereby --channel",
               "show or set the provider `/meeting new` uses when none is named (yours, or the channel's)"),
]
