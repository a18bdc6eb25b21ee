"""Stable provider slugs → adapter classes, and the closest slug for a typo.

    adapter_class("whereby")            # -> WherebyProvider
    closest_slug("wherby")              # -> "whereby"
    build("kmeet", {}, endpoints=Endpoints())

Modules are imported on first use so that one provider's optional dependency (socket.io for
Roomful) never slows or breaks the others.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from providers.base import Endpoints, MeetingProvider, TokenCache
from providers.errors import NotConfigured, Rejected
from providers.http import DEFAULT_POLICY, RetryPolicy


@dataclass(frozen=True)
class ProviderInfo:
    slug: str
    name: str
    target: str  # "module:Class"
    blurb: str
    needs_credentials: bool = True


PROVIDERS: dict[str, ProviderInfo] = {
    info.slug: info
    for info in (
        ProviderInfo("kmeet", "Infomaniak kMeet", "providers.kmeet:KMeetProvider",
                     "instant rooms with no account; planned conferences with an Infomaniak token",
                     needs_credentials=False),
        ProviderInfo("whereby", "Whereby", "providers.whereby:WherebyProvider",
                     "rooms with separate host and viewer links"),
        ProviderInfo("clickmeeting", "ClickMeeting", "providers.clickmeeting:ClickMeetingProvider",
                     "meetings and webinars with personal auto-login links"),
        ProviderInfo("airmeet", "Airmeet", "providers.airmeet:AirmeetProvider",
                     "virtual events with speakers, sessions and booths"),
        ProviderInfo("roomful", "Roomful", "providers.roomful:RoomfulProvider",
                     "3D event spaces and shared free time slots"),
    )
}


def slugs() -> list[str]:
    return list(PROVIDERS)


def closest_slug(word: str) -> str | None:
    """The known slug nearest to ``word``, or None when nothing is close."""
    matches = difflib.get_close_matches(word.lower(), PROVIDERS, n=1, cutoff=0.5)
    return matches[0] if matches else None


def info(slug: str) -> ProviderInfo:
    """The registry entry, or ``Rejected`` naming the closest provider."""
    try:
        return PROVIDERS[slug.lower()]
    except KeyError:
        guess = closest_slug(slug)
        hint = f" Did you mean `{guess}`?" if guess else ""
        # Echo only what looks like a word: a key pasted in the wrong place must not come back.
        shown = f" called `{slug}`" if slug.isalpha() and len(slug) <= 20 else " by that name"
        raise Rejected(
            f"I don't know a provider{shown}.{hint} Choose one of: {', '.join(PROVIDERS)}.",
            provider=slug,
            field="provider",
        ) from None


def adapter_class(slug: str) -> type[MeetingProvider]:
    module_name, _, class_name = info(slug).target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]


def build(
    slug: str,
    credentials: Mapping[str, Any] | None,
    *,
    endpoints: Endpoints,
    transport: httpx.AsyncBaseTransport | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
    token_cache: TokenCache | None = None,
) -> MeetingProvider:
    """An adapter for ``slug`` from stored credentials; ``NotConfigured`` when they are missing."""
    cls = adapter_class(slug)
    if credentials is None and info(slug).needs_credentials:
        raise NotConfigured(provider=slug)
    model = cls.credentials_model.model_validate(dict(credentials or {}))
    return cls(model, endpoints=endpoints, transport=transport, policy=policy, token_cache=token_cache)
