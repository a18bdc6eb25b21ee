"""Airmeet events (seed §4): create, change status, archive, landing page, duplicate, list, read.

    room = await adapter.create_event(host_email=h, name=n, short_desc=d, start=s, end=e, timezone=tz)
    await adapter.archive_event(room.room_id)
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from providers.airmeet.auth import SLUG
from providers.airmeet.client import (
    EVENT_LINK,
    EVENTS_PAGE_MAX,
    AirmeetClient,
    _check_tz,
    _rejected,
    _required_str,
    community_not_found,
    is_image_url,
    unix_ms,
)
from providers.airmeet.options import AirmeetOptions
from providers.base import Room
from providers.errors import Rejected

HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class EventStatus(StrEnum):
    """The states ``update_status`` can move an event to (seed §4.4)."""

    ONGOING = "ONGOING"
    PAUSED = "PAUSED"
    FINISHED = "FINISHED"
    ARCHIVE = "ARCHIVE"



class EventsAPI(AirmeetClient):
    """``/airmeet`` and ``/airmeets``: the community's events."""

    async def create_event(
        self,
        *,
        host_email: str,
        name: str,
        short_desc: str,
        start: datetime,
        end: datetime,
        timezone: str,
        access_type: str | None = None,
        event_type: str | None = None,
    ) -> Room:
        """``POST /airmeet``: ``await adapter.create_event(host_email=h, name=n, short_desc=d, start=s, end=e, timezone=tz)``."""
        if not name.strip():
            raise Rejected(provider=SLUG, field="eventName", reason="the event needs a name")
        if not short_desc.strip():
            raise Rejected(provider=SLUG, field="shortDesc", reason="the event needs a short description")
        _check_tz(timezone, field="timezone")
        if start.tzinfo is None or end.tzinfo is None:
            raise Rejected(provider=SLUG, field="start", reason="start and end need a time zone")
        if end <= start:
            raise Rejected(provider=SLUG, field="end", reason="the end must come after the start")
        # The access type's rule lives on the options model, whoever calls.
        AirmeetOptions.parse({"access_type": access_type}, provider=SLUG)
        payload: dict[str, Any] = {
            "hostEmail": host_email,
            "eventName": name,
            "shortDesc": short_desc,
            "timing": {"startTime": unix_ms(start), "endTime": unix_ms(end), "timezone": timezone},
        }
        if access_type is not None:
            payload["accessType"] = access_type
        if event_type is not None:
            # The seed lists no event types, so the value is Airmeet's to judge.
            payload["eventType"] = event_type
        body = await self._call(
            "POST", "/airmeet", idempotent=False, json=payload, bad_token_400=True,
            errors={400: _rejected(), 404: community_not_found()},
        )
        uuid = _required_str(body, "uuid", path="/airmeet")
        return Room(
            provider=SLUG,
            room_id=uuid,
            join_url=EVENT_LINK.format(uuid=uuid),
            starts_at=start,
            ends_at=end,
            details={"status": body.get("airmeet status") or body.get("status"), "timezone": timezone},
        )
    async def update_status(self, event_id: str, status: EventStatus | str) -> None:
        """``POST /airmeet/{id}/status``: start (ONGOING), pause, finish or archive an event."""
        try:
            wanted = EventStatus(str(status).upper())
        except ValueError:
            raise Rejected(
                provider=SLUG, field="status", reason=f"choose one of {', '.join(s.value for s in EventStatus)}"
            ) from None
        await self._call(
            "POST", f"/airmeet/{event_id}/status",
            idempotent=True,  # setting the same status twice changes nothing
            json={"status": wanted.value},
            # "400 Bad Request - in case the status does not exist"
            errors={400: _rejected(field="status", reason="Airmeet cannot move the event to that status")},
        )

    async def archive_event(self, event_id: str) -> None:
        """Archive an event (the closest Airmeet has to deleting one)."""
        await self.update_status(event_id, EventStatus.ARCHIVE)

    async def customize_landing_page(
        self,
        event_id: str,
        *,
        ambience: Literal["LIGHT", "DARK"] | None = None,
        layout: Literal["CLASSIC", "MODERN"] | None = None,
        highlight_color: str | None = None,
        button_text_color: str | None = None,
        image_url: str | None = None,
    ) -> None:
        """``PUT /airmeet/{id}/landing-page``: theme, layout, ``#rrggbb`` colours and one slide image."""
        if ambience is not None and ambience not in ("LIGHT", "DARK"):
            raise Rejected(provider=SLUG, field="ambience", reason="choose LIGHT or DARK")
        if layout is not None and layout not in ("CLASSIC", "MODERN"):
            raise Rejected(provider=SLUG, field="layout", reason="choose CLASSIC or MODERN")
        for field, colour in (("highlightColor", highlight_color), ("buttonTextColor", button_text_color)):
            if colour is not None and not HEX_COLOUR.fullmatch(colour):
                raise Rejected(provider=SLUG, field=field, reason="write the colour as # and six hex digits, e.g. #1a2b3c")
        if image_url is not None and not is_image_url(image_url):
            raise Rejected(provider=SLUG, field="imageUrl", reason="the image must be a .jpg, .jpeg or .png link")
        payload = {
            k: v
            for k, v in {
                "ambience": ambience, "layout": layout, "highlightColor": highlight_color,
                "buttonTextColor": button_text_color, "imageUrl": image_url,
            }.items()
            if v is not None
        }
        if not payload:
            raise Rejected(provider=SLUG, reason="say what to change on the landing page")
        await self._call(
            "PUT", f"/airmeet/{event_id}/landing-page", idempotent=True, json=payload,
            # "400 Bad Request - in case the payload is incorrect"
            errors={400: _rejected()},
        )

    async def duplicate_event(
        self, event_id: str, *, start: datetime, timezone: str, name: str | None = None
    ) -> Room:
        """``POST /airmeet/{id}/duplication``: a copy starting at ``start`` (sent in ms) in ``timezone``."""
        _check_tz(timezone, field="timezone")
        if start.tzinfo is None:
            raise Rejected(provider=SLUG, field="startTime", reason="the start needs a time zone")
        payload: dict[str, Any] = {"startTime": unix_ms(start), "timezone": timezone}
        if name is not None:
            payload["eventName"] = name
        body = await self._call(
            "POST", f"/airmeet/{event_id}/duplication", idempotent=False, json=payload, bad_token_400=True,
            errors={400: _rejected(), 404: community_not_found(duplicate=True)},
        )
        uuid = _required_str(body, "uuid", path="/duplication")
        return Room(provider=SLUG, room_id=uuid, join_url=EVENT_LINK.format(uuid=uuid), starts_at=start,
                    details={"duplicated_from": event_id, "timezone": timezone})

    def list_events(
        self, *, page_size: int = EVENTS_PAGE_MAX, after: str | None = None, before: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeets``: the community's events that are not archived, page by page."""
        return self._pages("/airmeets", size=page_size, limit=EVENTS_PAGE_MAX, after=after, before=before)
