"""``/meeting providers``: each provider, connected or not, with how to connect it.

    await registry.dispatch("/meeting", "providers", ctx, services)
"""

from __future__ import annotations

from commands.framework.arguments import NoArguments
from commands.framework.context import Context, Services
from commands.framework.replies import Reply
from commands.lifecycle.accounts import connected_providers
from providers import registry


async def providers_command(arguments: NoArguments, ctx: Context, services: Services) -> Reply:
    """One line per provider: its accounts, or how an admin connects it."""
    connected = await connected_providers(services, ctx.team_id)
    lines = ["*Providers in this workspace*"]
    for info in registry.PROVIDERS.values():
        accounts = connected.get(info.slug)
        if accounts:
            names = ", ".join(f"`{name}`" + (" (default)" if i == 0 else "") for i, name in enumerate(accounts))
            status = f":white_check_mark: connected — accounts {names}"
        elif not info.needs_credentials:
            status = ":white_check_mark: instant rooms work without an account; `/meeting connect kmeet` adds planned ones"
        else:
            status = f":heavy_minus_sign: not connected — an admin can run `/meeting connect {info.slug}`"
        lines.append(f"• *{info.name}* (`{info.slug}`): {status}. _{info.blurb}_")
    return Reply.ephemeral("\n".join(lines))
