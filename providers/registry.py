"""Stable provider slugs → adapter classes, and the closest slug for a typo.

    adapter_class("whereby")            # -> WherebyProvider
    closest_slug("wherby")              # -> "whereby"
    build("kmeet", {}, endpoints=Endpoints())
    options_model("roomful")            # -> RoomfulOptions, without loading socket.io

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

from providers.clients import ClientPool
from providers.base import Endpoints, MeetingProvider, ProviderOptions, TokenCache
from providers.errors import NotConfigured, Rejected
from providers.http import DEFAULT_POLICY, RetryPolicy


@dataclass(frozen=True)
class ProviderInfo:
    slug: str
    name: str
    target: str  # "module:Class" of the adapter
    options: str  # "module:Class" of its options model, in a module that loads nothing heavy
    blurb: str
    needs_credentials: bool = True


PROVIDERS: dict[str, ProviderInfo] = {
    info.slug: info
    for info in (
        ProviderInfo("kmeet", "Infomaniak kMeet", "providers.kmeet:KMeetProvider", "providers.kmeet:KMeetOptions",
                     "instant rooms with no account; planned conferences with an Infomaniak token",
                     needs_credentials=False),
        ProviderInfo("whereby", "Whereby", "providers.whereby:WherebyProvider", "providers.whereby:WherebyOptions",
                     "rooms with separate host and viewer links"),
        ProviderInfo("clickmeeting", "ClickMeeting", "providers.clickmeeting.adapter:ClickMeetingProvider",
                     "providers.clickmeeting.options:ClickMeetingOptions",
                     "meetings and webinars with personal auto-login links"),
        ProviderInfo("airmeet", "Airmeet", "providers.airmeet.adapter:AirmeetProvider",
                     "providers.airmeet.options:AirmeetOptions",
                     "virtual events with speakers, sessions and booths"),
        ProviderInfo("roomful", "Roomful", "providers.roomful.adapter:RoomfulProvider",
                     "providers.roomful.options:RoomfulOptions",
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
    """The adapter class: ``adapter_class("whereby") is WherebyProvider``."""
    return _load(info(slug).target)  # type: ignore[no-any-return]


def options_model(slug: str) -> type[ProviderOptions]:
    """The provider's options model, the one source of its rules and form fields.

        model = options_model("kmeet")          # KMeetOptions
        model.model_fields["lobby"].title       # "Lobby"
    """
    return _load(info(slug).options)  # type: ignore[no-any-return]


def _load(target: str) -> Any:
    module_name, _, name = target.partition(":")
    return getattr(importlib.import_module(module_name), name)


def build(
    slug: str,
    credentials: Mapping[str, Any] | None,
    *,
    endpoints: Endpoints,
    transport: httpx.AsyncBaseTransport | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
    token_cache: TokenCache | None = None,
    clients: ClientPool | None = None,
) -> MeetingProvider:
    """An adapter for ``slug`` from stored credentials; ``NotConfigured`` when they are missing."""
    cls = adapter_class(slug)
    if credentials is None and info(slug).needs_credentials:
        raise NotConfigured(provider=slug)
    model = cls.credentials_model.model_validate(dict(credentials or {}))
    return cls(model, endpoints=endpoints, transport=transport, policy=policy, token_cache=token_cache,
               clients=clients)
