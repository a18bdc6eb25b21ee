"""``/meeting default [provider] [--channel] [account=<name>]``: show or set the provider defaults.

    await registry.dispatch("/meeting", "default whereby --channel", ctx, services)

- a personal default provider: anyone, for themselves.
- a channel default (``--channel``): anyone, as anyone in a channel may set its topic. It only
  picks the provider ``/meeting new`` uses when neither the command nor the speaker's own default
  names one, and it neither spends money nor reveals anything.
- which of a provider's accounts is the default (``account=``): admins only.
"""

from __future__ import annotations

import logging

from commands.framework.arguments import Arguments, flag, option, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.policy import require_admin
from commands.framework.replies import Reply
from commands.lifecycle.accounts import connected_providers
from commands.meeting.credentials import provider_slug
from providers import registry
from providers.errors import display_name

log = logging.getLogger(__name__)


class DefaultArgs(Arguments):
    """No provider: show the defaults. ``--channel``: the channel's. ``account=``: the provider's account."""

    provider: str | None = positional(None, metavar="provider")
    channel: bool = flag("--channel", "-channel", "—channel", "–channel")  # Slack may turn -- into a dash
    account: str | None = option(metavar="name")


async def default_command(arguments: DefaultArgs, ctx: Context, services: Services) -> Reply:
    """Show the defaults, or set yours, the channel's, or a provider's default account."""
    if arguments.provider is None:
        if arguments.account is not None:
            raise UserError("Name the provider too, e.g. `/meeting default whereby account=sales`.")
        return await show_defaults(ctx, services)
    slug = provider_slug(arguments.provider)
    name = display_name(slug)
    if arguments.account is not None:
        return await set_default_account(slug, arguments.account, ctx, services)
    for_channel = arguments.channel
    connected = slug in await connected_providers(services, ctx.team_id) or not registry.info(slug).needs_credentials
    note = "" if connected else f" {name} is not connected yet: an admin can run `/meeting connect {slug}`."
    if for_channel:
        if not ctx.channel_id:
            raise UserError("Run `--channel` in the channel it is for.")
        await services.storage.preferences.set_default_provider(ctx.team_id, scope="channel", scope_id=ctx.channel_id,
                                                                provider=slug)
        log.info("channel default %s for %s in %s (by %s)", slug, ctx.channel_id, ctx.team_id, ctx.user_id)
        return Reply.ephemeral(
            f"{name} is now the default in <#{ctx.channel_id}> for `/meeting new` without a provider "
            f"(a person's own default comes first).{note}"
        )
    await services.storage.preferences.set_default_provider(ctx.team_id, scope="user", scope_id=ctx.user_id,
                                                            provider=slug)
    return Reply.ephemeral(f"{name} is now your default for `/meeting new` without a provider.{note}")


async def set_default_account(provider: str, account: str, ctx: Context, services: Services) -> Reply:
    """Admins: which of a provider's accounts ``/meeting new`` uses when none is named."""
    await require_admin(ctx, services)
    name = display_name(provider)
    if not await services.storage.accounts.set_default(ctx.team_id, provider, account):
        accounts = (await connected_providers(services, ctx.team_id)).get(provider, [])
        listed = ", ".join(f"`{a}`" for a in accounts) or "none yet"
        raise UserError(f"{name} has no account called `{account}`; its accounts: {listed}.")
    return Reply.ephemeral(f"`{account}` is now the default {name} account.")


async def show_defaults(ctx: Context, services: Services) -> Reply:
    preferences = services.storage.preferences
    mine = await preferences.default_provider(ctx.team_id, user_id=ctx.user_id, channel_id=None)
    channel = (await preferences.default_provider(ctx.team_id, user_id="", channel_id=ctx.channel_id)
               if ctx.channel_id else None)
    lines = [
        f"Your default: {_provider_name(mine)} (`/meeting default <provider>` sets it).",
    ]
    if ctx.channel_id:
        lines.append(
            f"Default in <#{ctx.channel_id}>: {_provider_name(channel)} (`/meeting default <provider> --channel`)."
        )
    used = mine or channel or "kmeet"
    lines.append(f"So `/meeting new` without a provider uses *{display_name(used)}* for you here.")
    accounts = await connected_providers(services, ctx.team_id)
    several = {slug: names for slug, names in accounts.items() if len(names) > 1}
    for slug, names in several.items():
        lines.append(f"{display_name(slug)} accounts: " + ", ".join(f"`{n}`" for n in names)
                     + f" — `{names[0]}` is the default (`/meeting default {slug} account=<name>` changes it).")
    return Reply.ephemeral("\n".join(lines))


def _provider_name(slug: str | None) -> str:
    return f"*{display_name(slug)}*" if slug else "none"
