"""The links people get by DM. Hosts: the room's own host link (Whereby), else a personal sign-in
in the host role made now at the provider (ClickMeeting auto-login). Invitees: a personal link
where the provider makes one, else the participant link.

Token rooms (ClickMeeting ``access_type=3``) spend one single-use access token per person: only
hosts and invitees get one, it is stored encrypted per (team, meeting, person) and the same one is
used again for their next link, so asking twice or a reminder does not burn the room's tokens.

    links = await host_links(meeting, services)       # {"U1": "https://…?l=…", "U2": …}
    if not has_host_link("kmeet"): ...                # kMeet, Airmeet, Roomful: one link for everyone
    mine = await personal_links(meeting, ["U5"], services)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from commands.framework.context import Person, Services
from commands.lifecycle.accounts import open_adapter
from commands.lifecycle.card import room_of
from db.records import Meeting
from providers import registry
from providers.base import Capability, Role
from providers.errors import ProviderError

log = logging.getLogger(__name__)


TOKEN_ACCESS = 3  # ClickMeeting access_type 3: "token protected, each invitee receives a unique token" (seed 002)


@runtime_checkable
class TokenRooms(Protocol):
    """An adapter whose rooms may need a single-use access token per person (ClickMeeting)."""

    async def generate_tokens(self, room_id: str | int, *, how_many: int) -> list[dict[str, Any]]: ...

    async def personal_link(self, room: Any, *, email: str, name: str, role: Role, password: str | None = None,
                            token: str | None = None) -> str: ...


def is_token_room(meeting: Meeting) -> bool:
    """Whether each person needs a token of their own to enter (ClickMeeting ``access_type=3``)."""
    return meeting.provider == "clickmeeting" and meeting.provider_data.get("access_type") == TOKEN_ACCESS


def may_have_token(meeting: Meeting, user_id: str) -> bool:
    """Only the organiser, co-hosts and invitees are given a token room's tokens."""
    return meeting.is_host(user_id) or user_id in meeting.invitee_ids


def no_token(meeting: Meeting) -> str:
    """The one sentence for someone else asking for a token room's link."""
    return (f"`{meeting.id}` is a token-protected room with a token for each invitee; "
            f"ask <@{meeting.organiser_id}> to invite you.")


def has_host_link(provider: str) -> bool:
    """Whether the provider gives hosts a link of their own (a host link, or personal host-role links)."""
    capabilities = registry.adapter_class(provider).capabilities
    return Capability.HOST_URL in capabilities or Capability.PERSONAL_LINK in capabilities


def no_host_link(provider: str) -> str:
    """The sentence for the organiser on a provider without host links."""
    name = registry.info(provider).name
    return f"{name} has no separate host link: hosts join with the same link as everyone."


async def host_links(meeting: Meeting, services: Services) -> dict[str, str]:
    """Host id -> their host link; a host the provider cannot make one for (no e-mail, refused) is left out."""
    if meeting.host_url:
        return dict.fromkeys(meeting.host_ids, meeting.host_url)
    return await _signed_in(meeting, meeting.host_ids, services, role=Role.HOST)


async def personal_links(meeting: Meeting, user_ids: list[str] | tuple[str, ...], services: Services) -> dict[str, str]:
    """user id -> a link made now; the participant link where the provider has no personal ones, for
    someone Slack shares no e-mail of, or when the provider fails."""
    made = await _signed_in(meeting, user_ids, services, role=Role.LISTENER)
    return {user_id: made.get(user_id, meeting.join_url) for user_id in user_ids}


async def _signed_in(meeting: Meeting, user_ids: Sequence[str], services: Services, *, role: Role) -> dict[str, str]:
    """Personal links in ``role`` made now, for those with an e-mail; none where the provider has none."""
    if not user_ids or Capability.PERSONAL_LINK not in registry.adapter_class(meeting.provider).capabilities:
        return {}
    links: dict[str, str] = {}
    try:
        async with open_adapter(services, team_id=meeting.team_id, provider=meeting.provider,
                                account=meeting.account_name) as adapter:
            for user_id in user_ids:
                person = await services.directory.person(meeting.team_id, user_id)
                if person is not None and person.email:
                    links[user_id] = await sign_in(adapter, meeting, user_id, person, services, role=role)
    except ProviderError as error:
        log.warning("%s links for %s failed (%s); the rest get the shared link", role, meeting.id, type(error).__name__)
    return links


async def sign_in(adapter: Any, meeting: Meeting, user_id: str, person: Person, services: Services, *,
                  role: Role) -> str:
    """``person``'s own sign-in link (``person.email`` is set); in a token room with the token stored
    for them, issued now (and stored) only the first time. Never logs the token."""
    room = room_of(meeting)
    if not is_token_room(meeting):
        return str(await adapter.personal_link(room, email=person.email, name=person.name, role=role))
    if not isinstance(adapter, TokenRooms) or not may_have_token(meeting, user_id):
        return meeting.join_url  # no token for anyone else: the room itself asks them for one
    storage = services.storage
    token = await storage.tokens.get(meeting.team_id, meeting.id, user_id)
    if token is None:
        fresh = (await adapter.generate_tokens(meeting.room_id, how_many=1))[0]["token"]
        token = await storage.tokens.keep(meeting.team_id, meeting.id, user_id, str(fresh))
    return await adapter.personal_link(room, email=person.email or "", name=person.name, role=role, token=token)
