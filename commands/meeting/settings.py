"""``/meeting settings``: the workspace's settings; ``/meeting settings reminders 1d,15m`` (admins) sets one.

    await registry.dispatch("/meeting", "settings", ctx, services)                    # shows them
    await registry.dispatch("/meeting", "settings reminders 1d,15m", ctx, services)   # admins only
    await registry.dispatch("/meeting", "settings reminders none", ctx, services)

The default reminders are what ``/meeting new`` uses when no ``remind`` is given; stored as the
offsets typed, normalised (``1d,15m``), or empty for none.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from commands.framework.arguments import Arguments, positional, validate
from commands.framework.context import Context, Services
from commands.framework.policy import NotAdmin, is_admin
from commands.framework.replies import Reply
from commands.framework.tokenizer import tokenize
from commands.lifecycle.create import parse_offsets_setting
from commands.meeting.remind import offsets_text, offsets_words, read_offsets

COMMAND = "/meeting settings"
ADMINS_ONLY = "Only workspace admins and owners can change the workspace's settings, so nothing was changed."


class SettingsArgs(Arguments):
    """``settings`` shows them; ``settings reminders 1d,15m`` sets the default reminders (admins)."""

    setting: Literal["reminders"] | None = positional(None, metavar="reminders")
    value: str | None = positional(None, metavar="offsets|none")


def read_settings(text: str, ctx: Context, services: Services) -> SettingsArgs:
    """The setting's name, then its value (``1d,15m``, ``1d, 15m`` or ``1d 15m``)."""
    words = [token.text for token in tokenize(text.replace("`", " "))]
    values: dict[str, str] = {}
    if words:
        values["setting"] = words[0].lower()
    if len(words) > 1:
        values["value"] = offsets_text(words[1:])
    return validate(SettingsArgs, values, command=COMMAND)


def setting_text(offsets: tuple[timedelta, ...]) -> str:
    """How the offsets are stored and typed: ``(1 day, 90 min)`` → ``1d,1h30m``."""
    parts = []
    for offset in offsets:
        days, rest = divmod(int(offset.total_seconds() // 60), 1440)
        hours, mins = divmod(rest, 60)
        parts.append("".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n))
    return ",".join(parts)


async def settings_command(arguments: SettingsArgs, ctx: Context, services: Services) -> Reply:
    """Show the settings, or (admins) set the default reminders."""
    if arguments.setting is None:
        workspace = await services.storage.workspaces.ensure(ctx.team_id)
        offsets = parse_offsets_setting(workspace.default_reminders)
        typed = f" (`{setting_text(offsets)}`)" if offsets else ""
        return Reply.ephemeral(
            f"Default reminders: {offsets_words(offsets)}{typed} — what `/meeting new` uses when you give no "
            "`remind`. Admins change it with `/meeting settings reminders 1d,15m` (or `none`)."
        )
    if arguments.value is None:
        return Reply.ephemeral("Say how long before a meeting to remind people, e.g. "
                               "`/meeting settings reminders 1d,15m`, or `none`.")
    if not await is_admin(ctx, services):
        raise NotAdmin(ADMINS_ONLY)
    offsets = read_offsets(arguments.value)
    await services.storage.workspaces.set_default_reminders(ctx.team_id, setting_text(offsets))
    if not offsets:
        return Reply.ephemeral("New meetings get no reminders now unless they say `remind …`.")
    return Reply.ephemeral(f"New meetings are now reminded {offsets_words(offsets)} before they start, "
                           "unless they say `remind …`.")
