"""``/meeting connect``: an admin connects a provider account, by form or with inline keys.

    await registry.dispatch("/meeting", "connect whereby", ctx, services)                 # the credentials form
    await registry.dispatch("/meeting", "connect whereby api_key=eyJ…", ctx, services)    # inline: check, then save

Keys are checked with one live call to the provider (``adapter.verify()``) before anything is
saved, are stored encrypted (the column type does it) and are never repeated: no reply and no
log line carries a key, and a secret input is never pre-filled. Connecting is for workspace
admins and owners (``users.info``) and the user ids in ``MEETBOT_ADMINS`` (``admin=True`` on the
subcommand and the button; ``policy.require_admin`` in the form).
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ConfigDict

from commands.framework.arguments import Arguments, option, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import Action, State, Values
from commands.framework.policy import NOT_ADMIN, is_admin, require_admin
from commands.framework.replies import Choice, Input, Modal, Reply
from commands.lifecycle.accounts import connected_providers, default_account
from commands.meeting.credentials import (
    ACCOUNT,
    DEFAULT_ACCOUNT,
    FieldErrors,
    check_account_name,
    credential_input,
    credentials_model,
    plain_credentials,
    provider_slug,
    read_credentials,
    required_fields,
)
from db.errors import StorageError
from providers import registry
from providers.base import Credentials
from providers.errors import AuthFailed, ProviderError, RateLimited, Unavailable, display_name

log = logging.getLogger(__name__)

CALLBACK = "connect_provider"
PROVIDER = "provider"  # the provider select of the form opened without a provider
# One command per provider that works as typed once connected (README's "Using it" lists the same;
# a test runs each through the one-line reader and the provider's options model).
TRY_IT = {
    "kmeet": '/meeting new kmeet "Planning" tomorrow 10:00 mode=planned',
    "whereby": '/meeting new whereby "Standup" tomorrow 10:00 for 15m room_mode=group',
    "clickmeeting": '/meeting new clickmeeting "Webinar" tomorrow 15:00 for 1h room_type=webinar',
    "airmeet": '/meeting new airmeet "Town hall" tomorrow 16:00 for 1h access_type=WITH_VERIFIED_EMAIL',
    "roomful": '/meeting new roomful "Standup" tomorrow 10:00 source_type=room source_ids=<room id>',
}
PLACEHOLDERS = {"<room id>": "the id of a Roomful room"}  # what the user puts in place of each


class ConnectArgs(Arguments):
    """``connect <provider> [key=value…] [account=<name>]``: the other keys are the provider's credentials."""

    model_config = ConfigDict(extra="allow", frozen=True, str_strip_whitespace=True)

    provider: str | None = positional(None, metavar="provider", usage="<provider>")
    account: str | None = option(metavar="name")

    def credentials(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


async def connect_command(arguments: ConnectArgs, ctx: Context, services: Services) -> Reply:
    """The form (no keys given), or the inline keys checked with the provider and saved."""
    keys = arguments.credentials()
    if arguments.provider is None:
        if keys or arguments.account is not None:
            raise UserError("Name the provider first, e.g. `/meeting connect whereby api_key=…`.")
        return Reply(modal=await connect_modal(None, ctx, services))
    slug = provider_slug(arguments.provider)
    if not keys:
        named = check_account_name(arguments.account) if arguments.account is not None else None
        return Reply(modal=await connect_modal(slug, ctx, services, account=named))
    try:
        credentials = read_credentials(slug, keys)
    except FieldErrors as error:
        return Reply.ephemeral(error.sentence(slug))
    return await verify_and_save(slug, credentials, account=check_account_name(arguments.account), ctx=ctx,
                                 services=services)


# --- the form ------------------------------------------------------------------------------------


def provider_select(initial: str | None) -> Input:
    choices = tuple(Choice(info.slug, info.name) for info in registry.PROVIDERS.values())
    return Input(PROVIDER, "Provider", kind="select", initial=initial, choices=choices, dispatch=True)


async def connect_modal(
    provider: str | None, ctx: Context, services: Services, *, account: str | None = None, with_select: bool = False
) -> Modal:
    """The credentials form for ``provider``; without one, a provider select that fills it in.

        await connect_modal("whereby", ctx, services)    # inputs: api_key (secret), account
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
    existing = (await connected_providers(services, ctx.team_id)).get(slug, [])
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
        await require_admin(ctx, services)
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
        return await connect_modal(provider, ctx, services, with_select=True)


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
                             policy=services.policy, clients=services.clients)
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

    try:
        replaced = await services.storage.accounts.get(ctx.team_id, provider, account) is not None
        row = await services.storage.accounts.save(ctx.team_id, provider=provider, credentials=plain, name=account,
                                                   created_by=ctx.user_id)
    except StorageError as error:
        # The sentence names no parameter (db/errors.py): never the keys being saved.
        log.error("connect %s: saving the account failed: %s", provider, error)
        return Reply.ephemeral(f"{name} accepted the credentials but I could not save them; please try again.")
    log.info("connected %s account %r in %s (by %s)", provider, account, ctx.team_id, ctx.user_id)
    what = "replaced the keys of" if replaced else "added"
    default = (
        f"It is the default {name} account."
        if row.is_default
        else f"The default stays `{await default_account(services, ctx.team_id, provider)}`; "
        f"use `account={account}` on `/meeting new` to pick this one."
    )
    example = TRY_IT[provider]
    fill = "".join(f" with {meaning} for `{slot}`" for slot, meaning in PLACEHOLDERS.items() if slot in example)
    return Reply.ephemeral(
        f":white_check_mark: {name} is connected — it accepted the credentials, and I {what} the account "
        f"`{account}` (stored encrypted). {default} Try `{example}`{fill}; `/meeting new help` lists every setting."
    )


async def connect_clicked(value: str, ctx: Context, services: Services) -> Reply:
    """App Home "Connect" (value: provider slug): the same form as ``/meeting connect <provider>``."""
    return Reply(modal=await connect_modal(value or None, ctx, services))


ACTIONS = (Action(CALLBACK, connect_clicked, admin=True),)
