"""Modal forms and buttons: the core names them, the shell routes Slack's interactions to them.

    class NewMeetingForm:
        async def check(self, values, state, ctx, services) -> dict[str, str]: ...   # fast: field errors
        async def submit(self, values, state, ctx, services) -> Reply: ...          # after the ack
        async def change(self, values, state, ctx, services) -> Modal | None: ...   # a dispatch input changed

    GROUP = Group("/meeting", ..., forms={"new_meeting": NewMeetingForm()},
                  actions=[Action("home_connect", connect_clicked, admin=True)])

A group lists its forms and buttons; the registry built from the groups finds them
(``registry.form(callback_id)``, ``registry.action(action_id)``). Nothing registers itself on import.

``values`` maps each input's name to what the user chose: text, a date "YYYY-MM-DD", a time "HH:MM",
a list of user ids, a channel id, a list of checked values, or None when left empty.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from commands.framework.context import Context, Services
from commands.framework.replies import Modal, Reply

Values = dict[str, Any]
State = dict[str, str]
ActionHandler = Callable[[str, Context, Services], Awaitable[Reply]]


class Form(Protocol):
    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]: ...

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply: ...

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None: ...


@dataclass(frozen=True)
class Action:
    """A button: Slack's ``action_id`` → ``handler(value, ctx, services)``; ``admin`` is checked first."""

    action_id: str
    handler: ActionHandler
    admin: bool = False
