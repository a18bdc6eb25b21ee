"""Host links: the room's own host link (Whereby), else a personal sign-in link in the host role
made now at the provider (ClickMeeting auto-login), for the organiser and each co-host, by DM only.

    links = await host_links(meeting, services)       # {"U1": "https://…?l=…", "U2": …}
    if not has_host_link("kmeet"): ...                # kMeet, Airmeet, Roomful: one link for everyone
"""

from __future__ import annotations

import logging

from commands.framework.context import Services
from commands.lifecycle.accounts import open_adapter
from commands.lifecycle.card import room_of
from db.records import Meeting
from providers import registry
from providers.base import Capability, Role
from providers.errors import ProviderError

log = logging.getLogger(__name__)


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
    hosts = meeting.host_ids
    if meeting.host_url:
        return dict.fromkeys(hosts, meeting.host_url)
    if Capability.PERSONAL_LINK not in registry.adapter_class(meeting.provider).capabilities:
        return {}
    links: dict[str, str] = {}
    try:
        async with open_adapter(services, team_id=meeting.team_id, provider=meeting.provider,
                                account=meeting.account_name) as adapter:
            for host in hosts:
                person = await services.directory.person(meeting.team_id, host)
                if person is not None and person.email:
                    links[host] = await adapter.personal_link(room_of(meeting), email=person.email,
                                                              name=person.name, role=Role.HOST)
    except ProviderError as error:
        log.warning("host links for %s failed: %s", meeting.id, type(error).__name__)
    return links
