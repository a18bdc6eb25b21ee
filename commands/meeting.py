"""``/meeting``: the generic meeting commands, one row per subcommand.

    await dispatch("/meeting", 'new kmeet "Standup" tomorrow 10:00 for 15m', ctx, services)
"""

from __future__ import annotations

import shlex

from commands import connect, home, manage  # noqa: F401  (home registers its actions)
from commands.accounts import connected_providers
from commands.context import Context, Services
from commands.create import NewMeeting, create_meeting
from commands.new_form import new_meeting_inline, new_meeting_modal
from commands.oneline import ParseError, parse_new_line
from commands.replies import Reply
from commands.router import CommandGroup, Subcommand, UserError, register
from commands.when import WhenError
from providers import registry


async def providers_command(args: str, ctx: Context, services: Services) -> Reply:
    """Each provider, connected or not, with how to connect it."""
    connected = connected_providers(services, ctx.team_id)
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


async def new_command(args: str, ctx: Context, services: Services) -> Reply:
    """The one-line form: ``new <provider> "<title>" <when> [for 30m] [#channel] [@people] [remind 1h,10m]``.

    With no arguments, the modal (the console lists its fields to give inline instead).
    """
    if not args.strip():
        return Reply(modal=await new_meeting_modal(ctx, services))
    fields = inline_fields(args)
    if fields is not None:  # the modal's fields typed as key=value (the console's way to fill it)
        return await new_meeting_inline(fields, ctx, services)
    try:
        line = parse_new_line(args, now=services.clock(), tz=ctx.zone(), providers=registry.slugs())
    except (ParseError, WhenError) as error:
        raise UserError(str(error)) from None
    provider = line.provider or services.repo.default_provider(
        ctx.team_id, user_id=ctx.user_id, channel_id=ctx.channel_id
    ) or "kmeet"
    options = dict(line.options)
    account = options.pop("account", None)
    host_email = options.pop("host_email", None)
    new = NewMeeting(
        provider=provider,
        title=line.title,
        start=line.start,
        duration=line.duration,
        channel_id=line.channel or ctx.channel_id,
        invitees=line.invitees,
        reminders=line.reminders,
        options=options,
        account=account,
        host_email=host_email,
    )
    return await create_meeting(new, ctx, services)


def inline_fields(args: str) -> dict[str, str] | None:
    """``title=Standup start_date=… provider=kmeet`` → a dict when every word is key=value, else None."""
    try:
        words = shlex.split(args.replace("“", '"').replace("”", '"'))
    except ValueError:
        return None
    pairs = [word.partition("=") for word in words]
    if not words or any(not sep or not key.isidentifier() for key, sep, _ in pairs):
        return None
    return {key: value for key, _, value in pairs}


MEETING = register(
    CommandGroup(
        "/meeting",
        "meetings on Airmeet, Whereby, ClickMeeting, Roomful and Infomaniak kMeet",
        [
            Subcommand("new", new_command, 'new [provider] "<title>" [when] [for <duration>] [#channel] [@people] [remind 1h,10m]',
                       'new kmeet "Standup" tomorrow 10:00 for 15m', "create a room and announce it"),
            Subcommand("providers", providers_command, "providers", "providers",
                       "which providers are connected, and how to connect the others"),
            *manage.SUBCOMMANDS,
            *connect.SUBCOMMANDS,
        ],
    )
)
