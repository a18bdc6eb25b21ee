"""Airmeet: virtual events with speakers, sessions, booths and attendance exports (seed document 000).

    from providers.airmeet import AirmeetProvider          # the adapter (registry target)
    from providers.airmeet.options import AirmeetOptions

The package: ``auth`` (key pair, region, the 30-day token), ``client`` (calls, errors, cursor
pages), ``options``, and one module per resource (``events``, ``speakers``, ``sessions``,
``booths``, ``attendees``) that ``adapter`` joins. Names are re-exported lazily.
"""

from __future__ import annotations

from providers.lazy import lazy_exports

_EXPORTS = {
    "AirmeetProvider": "adapter",
    "AirmeetCredentials": "auth",
    "REGION_URLS": "auth",
    "AirmeetOptions": "options",
    "ACCESS_TYPES": "options",
    "EVENT_LINK": "client",
    "EventStatus": "events",
    "SpeakerAdded": "speakers",
    "SessionCreated": "sessions",
    "SLUG": "auth",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
