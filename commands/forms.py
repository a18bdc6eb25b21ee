"""Modal forms and buttons: the core names them, the shell routes Slack's interactions here.

    @form("new_meeting")
    class NewMeetingForm:
        async def check(self, values, state, ctx, services) -> dict[str, str]: ...   # fast: field errors
        async def submit(self, values, state, ctx, services) -> Reply: ...          # after the ack
        async def change(self, values, state, ctx, services) -> Modal | None: ...   # a dispatch input changed

    @action("home_connect")
    async def connect_clicked(value, ctx, services) -> Reply: ...                   # may carry a modal

``values`` maps each input's name to what the user chose: text, a date "YYYY-MM-DD", a time "HH:MM",
a list of user ids, a channel id, a list of checked values, or None when left empty.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from commands.context import Context, Services
from commands.replies import Modal, Reply

Values = dict[str, Any]
State = dict[str, str]


class Form(Protocol):
    async def check(self, values: Values, state: State, ctx: Context, services: Services) -> dict[str, str]: ...

    async def submit(self, values: Values, state: State, ctx: Context, services: Services) -> Reply: ...

    async def change(self, values: Values, state: State, ctx: Context, services: Services) -> Modal | None: ...


ActionHandler = Callable[[str, Context, Services], Awaitable[Reply]]

FORMS: dict[str, Form] = {}
ACTIONS: dict[str, ActionHandler] = {}


def form(callback: str) -> Callable[[type], type]:
    """Register a form class under its modal ``callback`` name."""

    def register(cls: type) -> type:
        FORMS[callback] = cls()
        return cls

    return register


def action(action_id: str) -> Callable[[ActionHandler], ActionHandler]:
    """Register a button handler; Slack's ``action_id`` must equal ``action_id``."""

    def register(handler: ActionHandler) -> ActionHandler:
        ACTIONS[action_id] = handler
        return handler

    return register


def find_form(callback: str) -> Form | None:
    _load()
    return FORMS.get(callback)


def find_action(action_id: str) -> ActionHandler | None:
    _load()
    return ACTIONS.get(action_id)


def _load() -> None:
    from commands.router import commands

    commands()  # importing the command groups registers their forms and actions
