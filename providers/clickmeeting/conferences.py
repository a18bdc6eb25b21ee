"""ClickMeeting conferences (rooms): create, read, list page by page, edit, delete, skins.

    conference = await adapter.create_conference({"name": "Demo", "room_type": "meeting", ...})
    rooms = [room async for room in adapter.rooms("inactive")]
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

from providers.base import Room
from providers.clickmeeting.client import SLUG, ClickMeetingClient, _choice_text, _expect_ok, parse_time
from providers.errors import Rejected, Unavailable
from providers.paging import Page, pages

PAGE_SIZE = 250  # "paging option with 250 items offset": a shorter page is the last one
CONFERENCE_STATUSES = ("active", "inactive")


def duration_text(length: timedelta) -> str:
    """The seed's duration "in hours. Examples: 1:20, 0:20": ``duration_text(timedelta(minutes=80)) == "1:20"``."""
    minutes = -(-int(length.total_seconds()) // 60)  # round a started minute up
    return f"{minutes // 60}:{minutes % 60:02d}"


def room_from_conference(conference: Mapping[str, Any]) -> Room:
    """A generic Room from a conference object; hashes and presenter PINs stay out of ``details``."""
    details = {
        key: conference[key]
        for key in (
            "name",
            "name_url",
            "room_type",
            "access_type",
            "permanent_room",
            "status",
            "timezone",
            "embed_room_url",
            "room_pin",
            "phone_listener_pin",
            "registration_enabled",
        )
        if key in conference
    }
    return Room(
        provider=SLUG,
        room_id=str(conference["id"]),
        join_url=str(conference["room_url"]),
        host_url=None,
        starts_at=parse_time(conference.get("starts_at")),
        ends_at=parse_time(conference.get("ends_at")),
        details=details,
    )


class ConferencesAPI(ClickMeetingClient):
    """``/conferences``: the rooms of the account."""

    # --- conferences ---

    async def conference_pages(self, status: str = "active") -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of up to 250 conferences: ``async for page in adapter.conference_pages("inactive")``.

        The seed documents ``?page=1..n`` for inactive rooms; the official clients send it for both
        lists. Should ClickMeeting ignore it and repeat a page, we stop instead of looping.
        """
        status = _choice_text(status, CONFERENCE_STATUSES, field="status")

        async def fetch(page: int | None) -> Page[dict[str, Any], int]:
            number = page or 1
            body = await self._get(f"conferences/{status}", params={"page": number})
            if not isinstance(body, list):
                raise Unavailable(provider=SLUG, raw=f"expected a list of conferences: {str(body)[:200]}")
            # A shorter page is the last one.
            return Page(body, next=number + 1 if len(body) >= PAGE_SIZE else None)

        async for fresh in pages(fetch, provider=SLUG, first=1, key=lambda c: c.get("id"), on_repeat="stop"):
            yield fresh

    async def rooms(self, status: str = "active") -> AsyncIterator[Room]:
        """Every conference as a Room: ``[room async for room in adapter.rooms()]``."""
        async for page in self.conference_pages(status):
            for conference in page:
                yield room_from_conference(conference)

    async def create_conference(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /conferences`` with the seed's fields (name, room_type, permanent_room, access_type, ...)."""
        body = await self._json("POST", "conferences", idempotent=False, form=fields)
        return dict(self._unwrap(body, "room"))

    async def get_conference(self, room_id: str | int) -> dict[str, Any]:
        """One conference object: ``(await adapter.get_conference(42))["room_url"]``."""
        body = await self._get(f"conferences/{room_id}")
        return dict(self._unwrap(body, "conference"))

    async def edit_conference(self, room_id: str | int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """``PUT /conferences/{id}``: ``await adapter.edit_conference(42, {"name": "New", "status": "inactive"})``.

        The seed: changing starts_at or duration needs permanent_room in the same call.
        """
        if ("starts_at" in changes or "duration" in changes) and "permanent_room" not in changes:
            raise Rejected(
                provider=SLUG, field="permanent_room", reason="send permanent_room with starts_at or duration"
            )
        # Setting the same values twice leaves the same room: safe to retry.
        body = await self._json("PUT", f"conferences/{room_id}", idempotent=True, form=changes)
        return dict(self._unwrap(body, "conference"))

    async def set_registration(
        self, room_id: str | int, *, enabled: bool, template: int | None = None
    ) -> dict[str, Any]:
        """Registration on/off and its template (1-3): ``await adapter.set_registration(42, enabled=True)``."""
        if template is not None and template not in (1, 2, 3):
            raise Rejected(provider=SLUG, field="template", reason="the registration template is 1, 2 or 3")
        return await self.edit_conference(room_id, {"registration": {"enabled": enabled, "template": template}})

    async def delete_conference(self, room_id: str | int) -> None:
        """``DELETE /conferences/{id}``; raises NotFound when it is already gone."""
        _expect_ok(await self._json("DELETE", f"conferences/{room_id}", idempotent=True))

    async def skins(self) -> list[dict[str, Any]]:
        """Room skins (id, name, thumbnail_url) for ``skin_id``: ``await adapter.skins()``."""
        return list(await self._get("conferences/skins"))
