"""Slash command text → the handler that owns it → a Reply. The console and Slack both call this.

    reply = await dispatch("/meeting", "help", ctx, services)

A command group is a table of subcommands; ``help`` and "did you mean" come from the table, so a
new subcommand is one row. Errors never escape as tracebacks: provider errors become their user
sentence, anything unexpected is logged and answered with one plain sentence.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from commands.context import Context, Services
from commands.replies import Reply
from providers.errors import AuthFailed, NotConfigured, ProviderError, TokenExpired

log = logging.getLogger(__name__)

Handler = Callable[[str, Context, Services], Awaitable[Reply]]


class UserError(Exception):
    """Bad input: the message is one sentence the user can act on."""


@dataclass(frozen=True)
class Subcommand:
    name: str
    handler: Handler
    usage: str
    example: str
    summary: str


class CommandGroup:
    """One slash command (``/meeting``) and its subcommands."""

    def __init__(self, command: str, summary: str, subcommands: list[Subcommand]) -> None:
        self.command = command
        self.summary = summary
        self.subcommands = {sub.name: sub for sub in subcommands}

    def help(self) -> Reply:
        lines = [f"*{self.command}* — {self.summary}"]
        for sub in self.subcommands.values():
            lines.append(f"• `{self.command} {sub.usage}` — {sub.summary}\n    e.g. `{self.command} {sub.example}`")
        lines.append(f"• `{self.command} help` — this list")
        return Reply.ephemeral("\n".join(lines))

    def unknown(self, word: str) -> Reply:
        names = [*self.subcommands, "help"]
        guess = difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.5)
        hint = f" Did you mean `{self.command} {guess[0]}`?" if guess else ""
        return Reply.ephemeral(f"I don't know `{self.command} {word}`.{hint} Type `{self.command} help` for the list.")

    async def run(self, text: str, ctx: Context, services: Services) -> Reply:
        word, _, rest = text.strip().partition(" ")
        if word.lower() in ("", "help", "-h", "--help", "?"):
            return self.help()
        sub = self.subcommands.get(word.lower())
        if sub is None:
            return self.unknown(word)
        if rest.strip().lower() == "help":
            return Reply.ephemeral(f"`{self.command} {sub.usage}` — {sub.summary}\ne.g. `{self.command} {sub.example}`")
        return await sub.handler(rest.strip(), ctx, services)


GROUPS: dict[str, CommandGroup] = {}


def register(group: CommandGroup) -> CommandGroup:
    GROUPS[group.command] = group
    return group


def commands() -> list[str]:
    """Every slash command the core answers (the manifest must declare exactly these)."""
    _load_groups()
    return list(GROUPS)


def _load_groups() -> None:
    import commands.meeting  # noqa: F401  (registers /meeting)


def provider_sentence(error: ProviderError) -> str:
    """The provider's sentence, and how an admin (re)connects it when that is what the error means."""
    if isinstance(error, NotConfigured):
        return f"{error.user_message} An admin can connect it with `/meeting connect {error.provider}`."
    if isinstance(error, AuthFailed) and not isinstance(error, TokenExpired):
        return f"{error.user_message} An admin can connect it again with `/meeting connect {error.provider}`."
    return error.user_message


async def dispatch(command: str, text: str, ctx: Context, services: Services) -> Reply:
    """Run one slash command; always returns a Reply, never raises."""
    _load_groups()
    group = GROUPS.get(command)
    if group is None:
        known = ", ".join(f"`{name}`" for name in GROUPS)
        return Reply.ephemeral(f"I don't handle `{command}`. I answer {known}.")
    try:
        return await group.run(text, ctx, services)
    except UserError as error:
        return Reply.ephemeral(str(error))
    except ProviderError as error:
        log.warning("provider error in %s %s: %s", command, text.split(" ", 1)[0], error)
        return Reply.ephemeral(provider_sentence(error))
    except Exception:
        log.exception("command failed: %s %s", command, text.split(" ", 1)[0])
        return Reply.ephemeral("Something went wrong on our side and nothing was changed. Please try again in a minute.")
