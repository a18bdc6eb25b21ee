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
    """One line per provider: what it offers, then its accounts or how an admin connects it."""
    connected = await connected_providers(services, ctx.team_id)
    lines = ["*Providers in this workspace*"]
    for info in registry.PROVIDERS.values():
        lines.append(f"• *{info.name}* (`{info.slug}`): {sentence(info.blurb)} {status(info, connected.get(info.slug))}")
    return Reply.ephemeral("\n".join(lines))


def status(info: registry.ProviderInfo, accounts: list[str] | None) -> str:
    """Connected (with its accounts), ready without an account, or how to connect it; the blurb has said the rest."""
    if accounts:
        names = ", ".join(f"`{name}`" + (" (default)" if i == 0 else "") for i, name in enumerate(accounts))
        return f":white_check_mark: Connected, {'account' if len(accounts) == 1 else 'accounts'} {names}."
    if not info.needs_credentials:
        return f":white_check_mark: Ready now; an admin can add the token with `/meeting connect {info.slug}`."
    return f":heavy_minus_sign: Not connected: an admin can run `/meeting connect {info.slug}`."


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""
