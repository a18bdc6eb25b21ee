"""ClickMeeting sessions (past runs of a room), their attendees, and registrations.

    sessions = await adapter.sessions(42)
    await adapter.register(42, first_name="Ann", last_name="Lee", email="ann@example.com")
"""

from __future__ import annotations

from typing import Any

from providers.clickmeeting.client import ClickMeetingClient, _choice_text, _expect_ok

REGISTRATION_STATUSES = ("all", "active")


class SessionsAPI(ClickMeetingClient):
    """``/conferences/{id}/sessions`` and ``/registration(s)``."""

    async def sessions(self, room_id: str | int) -> list[dict[str, Any]]:
        """Past sessions of a room (id, dates, visitor counts): ``await adapter.sessions(42)``."""
        return list(await self._get(f"conferences/{room_id}/sessions"))

    async def session(self, room_id: str | int, session_id: str | int) -> dict[str, Any]:
        """One session with its ``attendees`` and per-language ``pdf`` state."""
        return dict(await self._get(f"conferences/{room_id}/sessions/{session_id}"))

    async def session_attendees(self, room_id: str | int, session_id: str | int) -> list[dict[str, Any]]:
        """Who attended, with role, device and rating: ``await adapter.session_attendees(42, 7)``."""
        return list(await self._get(f"conferences/{room_id}/sessions/{session_id}/attendees"))

    async def registrations(self, room_id: str | int, *, status: str = "all") -> list[dict[str, Any]]:
        """Registered participants, ``status`` all or active."""
        status = _choice_text(status, REGISTRATION_STATUSES, field="status")
        return list(await self._get(f"conferences/{room_id}/registrations/{status}"))

    async def session_registrations(
        self, room_id: str | int, session_id: str | int, *, status: str | None = None
    ) -> list[dict[str, Any]]:
        """Registrations of one session. The seed has no status here; the official clients add one."""
        path = f"conferences/{room_id}/sessions/{session_id}/registrations"
        if status is not None:
            path += "/" + _choice_text(status, REGISTRATION_STATUSES, field="status")
        return list(await self._get(path))

    async def register(
        self,
        room_id: str | int,
        *,
        first_name: str,
        last_name: str,
        email: str,
        confirmation_lang: str | None = None,
    ) -> dict[str, Any]:
        """Register one participant; the answer's ``url`` is their personal entry link.

        ``confirmation_lang`` turns on ClickMeeting's confirmation e-mail in that language.
        """
        form: dict[str, Any] = {"registration": {"1": first_name, "2": last_name, "3": email}}
        if confirmation_lang is not None:
            form["confirmation_email"] = {"enabled": True, "lang": confirmation_lang}
        body = await self._json("POST", f"conferences/{room_id}/registration", idempotent=False, form=form)
        _expect_ok(body)
        return dict(body)
