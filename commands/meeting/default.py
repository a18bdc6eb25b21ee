"""``/meeting default [provider|none] [--channel] [account=<name>]``: show, set or clear the provider defaults.

    await registry.dispatch("/meeting", "default whereby --channel", ctx, services)
    await registry.dispatch("/meeting", "default none", ctx, services)

- a personal default provider: anyone, for themselves; ``none`` clears it.
- a channel default (``--channel``): admins only, as it picks the provider for everyone in the
  channel whose own default does not; ``none --channel`` clears it.
- which of a provider's accounts is the default (``account=``): admins only.

A default naming a provider that is not connected (never, or no more after ``disconnect``) is
passed over: ``/meeting new`` falls back to the next default, else kMeet, and says so
(``provider_for_new``).
"""

from __future__ import annotations

import logging

from commands.framework.arguments import Arguments, flag, option, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.policy import NotAdmin, is_admin, require_admin
from commands.framework.replies import Reply
from commands.lifecycle.accounts import connected_providers
from commands.meeting.credentials import provider_slug
from providers import registry
from providers.errors import display_name

log = logging.getLogger(__name__)
NONE = "none"  # ``/meeting default none``: clear


class DefaultArgs(Arguments):
    """No provider: show the defaults; ``none``: clear. ``--channel``: the channel's. ``account=``: the provider's account."""

    provider: str | None = positional(None, metavar="provider|none")
    channel: bool = flag("--channel", "-channel", "—channel", "–channel")  # Slack may turn -- into a dash
    account: str | None = option(metavar="name")


async def default_command(arguments: DefaultArgs, ctx: Context, services: Services) -> Reply:
    """Show the defaults, or set yours, the channel's, or a provider's default account."""
    if arguments.provider is None:
        if arguments.account is not None:
            raise UserError("Name the provider too, e.g. `/meeting default whereby account=sales`.")
        return await show_defaults(ctx, services)
    if arguments.provider.lower() == NONE:
        if arguments.account is not None:
            raise UserError("`account=` needs a provider, e.g. `/meeting default whereby account=sales`.")
        return await clear_default(ctx, services, for_channel=arguments.channel)
    slug = provider_slug(arguments.provider)
    name = display_name(slug)
    if arguments.account is not None:
        return await set_default_account(slug, arguments.account, ctx, services)
    for_channel = arguments.channel
    connected = slug in await connected_providers(services, ctx.team_id) or not registry.info(slug).needs_credentials
    note = "" if connected else f" {name} is not connected yet: an admin can run `/meeting connect {slug}`."
    if for_channel:
        channel_id = await channel_default_allowed(ctx, services)
        await services.storage.preferences.set_default_provider(ctx.team_id, scope="channel", scope_id=channel_id,
                                                                provider=slug)
        log.info("channel default %s for %s in %s (by %s)", slug, channel_id, ctx.team_id, ctx.user_id)
        return Reply.ephemeral(
            f"{name} is now the default in <#{channel_id}> for `/meeting new` without a provider "
            f"(a person's own default comes first).{note}"
        )
    await services.storage.preferences.set_default_provider(ctx.team_id, scope="user", scope_id=ctx.user_id,
                                                            provider=slug)
    return Reply.ephemeral(f"{name} is now your default for `/meeting new` without a provider.{note}")


async def channel_default_allowed(ctx: Context, services: Services) -> str:
    """The channel whose default the speaker may set or clear: an admin, in that channel."""
    if not ctx.channel_id:
        raise UserError("Run `--channel` in the channel it is for.")
    if not await is_admin(ctx, services):
        raise NotAdmin("Only workspace admins and owners can set a channel's default provider, so nothing was "
                       "changed; `/meeting default <provider>` sets your own.")
    return ctx.channel_id


async def clear_default(ctx: Context, services: Services, *, for_channel: bool) -> Reply:
    """``default none [--channel]``: forget your default, or (admins) the channel's."""
    preferences = services.storage.preferences
    if for_channel:
        channel_id = await channel_default_allowed(ctx, services)
        cleared = await preferences.clear_default_provider(ctx.team_id, scope="channel", scope_id=channel_id)
        whose = f"<#{channel_id}> has"
    else:
        cleared = await preferences.clear_default_provider(ctx.team_id, scope="user", scope_id=ctx.user_id)
        whose = "You have"
    if cleared is None:
        return Reply.ephemeral(f"{whose} no default provider, so there was nothing to clear.")
    used, _ = await provider_for_new(ctx, services)
    return Reply.ephemeral(f"Cleared the default {display_name(cleared)}. `/meeting new` without a provider "
                           f"now uses *{display_name(used)}* for you here.")


async def provider_for_new(ctx: Context, services: Services) -> tuple[str, str | None]:
    """The provider ``/meeting new`` uses when none is named, and why a default was passed over
    ("Your default Whereby is not connected in this workspace"): your default, else the channel's,
    else kMeet, each only if its provider is connected."""
    connected = await connected_providers(services, ctx.team_id)
    passed: list[str] = []
    chosen = "kmeet"
    for scope, slug in await services.storage.preferences.defaults(ctx.team_id, user_id=ctx.user_id,
                                                                    channel_id=ctx.channel_id):
        if slug in registry.PROVIDERS and (slug in connected or not registry.info(slug).needs_credentials):
            chosen = slug
            break
        whose = "your" if scope == "user" else "this channel's"
        passed.append(f"{whose} default {display_name(slug)}")
    if not passed:
        return chosen, None
    verb = "is" if len(passed) == 1 else "are"
    note = f"{' and '.join(passed)} {verb} not connected in this workspace"
    return chosen, note[0].upper() + note[1:]


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
        f"Your default: {_provider_name(mine)} (`/meeting default <provider>` sets it, `/meeting default none` clears it).",
    ]
    if ctx.channel_id:
        lines.append(
            f"Default in <#{ctx.channel_id}>: {_provider_name(channel)} (admins: `/meeting default <provider> --channel`)."
        )
    used, passed = await provider_for_new(ctx, services)
    lines.append((f"{passed}, so " if passed else "So ")
                 + f"`/meeting new` without a provider uses *{display_name(used)}* for you here.")
    accounts = await connected_providers(services, ctx.team_id)
    several = {slug: names for slug, names in accounts.items() if len(names) > 1}
    for slug, names in several.items():
        lines.append(f"{display_name(slug)} accounts: " + ", ".join(f"`{n}`" for n in names)
                     + f" — `{names[0]}` is the default (`/meeting default {slug} account=<name>` changes it).")
    return Reply.ephemeral("\n".join(lines))


def _provider_name(slug: str | None) -> str:
    return f"*{display_name(slug)}*" if slug else "none"
