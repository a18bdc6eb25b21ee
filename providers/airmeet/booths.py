"""Airmeet booths: ``uuid = await adapter.create_booth(event_id, name="Sponsor")``, and their visitors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from providers.airmeet.auth import SLUG
from providers.airmeet.client import CURSOR_PAGE_MAX, AirmeetClient, _rejected, _required_str
from providers.errors import Rejected


class BoothsAPI(AirmeetClient):
    """``/airmeet/{id}/booths`` and ``/airmeet/{id}/booth/{booth_id}/booth-attendance``."""

    async def create_booth(
        self,
        event_id: str,
        *,
        name: str,
        exhibitors: Sequence[str] = (),
        tags: Sequence[str] = (),
    ) -> str:
        """``POST /airmeet/{id}/booths``; returns the booth uuid (logos are dashboard-only)."""
        if not name.strip():
            raise Rejected(provider=SLUG, field="name", reason="the booth needs a name")
        payload: dict[str, Any] = {"name": name}
        if exhibitors:
            payload["exhibitors"] = list(exhibitors)
        if tags:
            payload["tags"] = list(tags)
        body = await self._call(
            "POST", f"/airmeet/{event_id}/booths", idempotent=False, json=payload,
            errors={400: _rejected(field="name")},
        )
        return _required_str(body, "uuid", path="/booths")

    async def booths(self, event_id: str) -> list[dict[str, Any]]:
        """``GET /airmeet/{id}/booths``."""
        body = await self._call("GET", f"/airmeet/{event_id}/booths", idempotent=True)
        return list(body.get("booths") or []) if isinstance(body, dict) else []

    def booth_attendees(
        self, event_id: str, booth_id: str, *, page_size: int = CURSOR_PAGE_MAX,
        after: str | None = None, before: str | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeet/{id}/booth/{booth_id}/booth-attendance``; ``NotReady`` while it is prepared."""
        return self._pages(
            f"/airmeet/{event_id}/booth/{booth_id}/booth-attendance",
            size=page_size, limit=CURSOR_PAGE_MAX, after=after, before=before,
        )

