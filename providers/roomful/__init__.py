"""Roomful: 3D event spaces, meetings over socket.io, shared free time slots (seed document 003).

    from providers.roomful import RoomfulProvider          # the adapter (registry target)
    from providers.roomful.options import RoomfulOptions    # no socket.io loaded

The package: ``client`` (account, REST sign-in, error codes), ``socket`` (socket.io link, RPC,
pushes), ``models`` (data and wire formats), ``options``, and one module per resource
(``meetings``, ``slots``, ``availability``) that ``adapter`` joins. Names are re-exported lazily so
that importing ``options`` never loads socket.io.
"""

from __future__ import annotations

from providers.lazy import lazy_exports

_EXPORTS = {
    "RoomfulProvider": "adapter",
    "RoomfulCredentials": "client",
    "error_for_code": "client",
    "RoomfulOptions": "options",
    "SourceType": "options",
    "AvailabilityStatus": "models",
    "Availability": "models",
    "MeetingCount": "models",
    "MeetingEvent": "models",
    "RoomfulMeeting": "models",
    "SlotUser": "models",
    "TimeSlot": "models",
    "Weekday": "models",
    "SLUG": "models",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
