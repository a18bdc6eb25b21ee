"""ClickMeeting: meetings and webinars with per-person auto-login links (seed document 002).

    from providers.clickmeeting import ClickMeetingProvider      # the adapter (registry target)
    from providers.clickmeeting.options import ClickMeetingOptions

The package: ``client`` (key, ``.json`` paths, PHP form bodies, errors), ``options``, and one module
per resource family (``conferences``, ``tokens``, ``sessions``, ``reports``, ``library``, ``account``)
that ``adapter`` joins. Names are re-exported lazily so importing ``options`` loads nothing else.
"""

from __future__ import annotations

from providers.lazy import lazy_exports

_EXPORTS = {
    "ClickMeetingProvider": "adapter",
    "ClickMeetingCredentials": "client",
    "ClickMeetingOptions": "options",
    "AccessType": "options",
    "RoomType": "options",
    "ReportStatus": "reports",
    "autologin_url": "tokens",
    "duration_text": "conferences",
    "room_from_conference": "conferences",
    "php_form_encode": "client",
    "php_form_pairs": "client",
    "clickmeeting_error": "client",
    "SLUG": "client",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
