"""``/meeting disconnect <provider> [account|all]``: an admin removes provider accounts and their keys.

    await registry.dispatch("/meeting", "disconnect whereby sales", ctx, services)
"""

from __future__ import annotations

import logging

from commands.framework.arguments import Arguments, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.forms import Action
from commands.framework.replies import Reply
from commands.lifecycle.accounts import connected_providers, default_account
from commands.meeting.credentials import ALL_ACCOUNTS, provider_slug
from providers import registry
from providers.errors import display_name

log = logging.getLogger(__name__)
DISCONNECT = "disconnect_provider"


class DisconnectArgs(Arguments):
    """``disconnect whereby sales``; ``account=sales`` works too, and ``all`` removes every account."""

    provider: str = positional(metavar="provider")
    account: str | None = positional(None, metavar="account|all")


async def disconnect_command(arguments: DisconnectArgs, ctx: Context, services: Services) -> Reply:
    """Delete the named account (or the only one) and its keys."""
    return await remove_accounts(provider_slug(arguments.provider), arguments.account, ctx, services)


async def remove_accounts(provider: str, account: str | None, ctx: Context, services: Services) -> Reply:
    """Delete ``account`` (``all``: every one; None: the only one) and say what is left."""
    name = display_name(provider)
    accounts = (await connected_providers(services, ctx.team_id)).get(provider, [])
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
        gone = await services.storage.accounts.delete(ctx.team_id, provider)
    elif account in accounts:
        gone = await services.storage.accounts.delete(ctx.team_id, provider, account)
    else:
        listed = ", ".join(f"`{a}`" for a in accounts)
        raise UserError(f"{name} has no account called `{account}`; its accounts are {listed}.")
    log.info("disconnected %s accounts %s in %s (by %s)", provider, gone, ctx.team_id, ctx.user_id)
    removed = ", ".join(f"`{a}`" for a in gone)
    noun = "account" if len(gone) == 1 else "accounts"
    heir = await default_account(services, ctx.team_id, provider)
    if heir is not None:
        rest = f"The default {name} account is now `{heir}`."
    elif not registry.info(provider).needs_credentials:
        rest = f"Instant {name} rooms still work; planned ones need `/meeting connect {provider}` again."
    else:
        rest = f"{name} is no longer connected here; `/meeting connect {provider}` connects it again."
        if naming := await services.storage.preferences.count_naming(ctx.team_id, provider):
            which = "default names" if naming == 1 else "defaults name"
            rest += (f" {naming} {which} {name}: `/meeting new` passes over them to the next default or kMeet, "
                     "and tells whoever it passes over.")
    whose = "its" if len(gone) == 1 else "their"
    return Reply.ephemeral(f"Removed the {name} {noun} {removed} and {whose} keys. {rest}")


async def disconnect_clicked(value: str, ctx: Context, services: Services) -> Reply:
    """App Home "Disconnect" (value: ``slug`` or ``slug:account``): removes that, or the default, account."""
    provider, _, account = value.partition(":")
    slug = registry.info(provider).slug
    return await remove_accounts(slug, account or await default_account(services, ctx.team_id, slug), ctx, services)


ACTIONS = (Action(DISCONNECT, disconnect_clicked, admin=True),)
