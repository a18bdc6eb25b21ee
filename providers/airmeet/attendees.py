"""Airmeet people: registrations, participants, attendance, poll answers and questions.

    await adapter.add_attendee(event_id, email=e, first_name="Ada", last_name="L")
    people = [row async for row in adapter.participants(event_id)]
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Literal

from providers.airmeet.auth import SLUG
from providers.airmeet.client import CURSOR_PAGE_MAX, PARTICIPANTS_PAGE_MAX, AirmeetClient, _rejected
from providers.errors import Rejected, Unavailable
from providers.paging import Page, items, pages


class AttendeesAPI(AirmeetClient):
    """``/airmeet/{id}/attendee``, ``/participants``, ``/attendees``, ``/polls``, ``/questions``."""

    async def add_attendee(
        self, event_id: str, *, email: str, first_name: str, last_name: str, send_invite: bool = True
    ) -> Mapping[str, Any]:
        """``POST /airmeet/{id}/attendee``: register one person (e-mail, first and last name are mandatory)."""
        for field, value in (("email", email), ("firstName", first_name), ("lastName", last_name)):
            if not value.strip():
                raise Rejected(provider=SLUG, field=field, reason="Airmeet requires it for a registration")
        payload = {"email": email, "firstName": first_name, "lastName": last_name, "sendEmailInvite": send_invite}
        body = await self._call(
            "POST", f"/airmeet/{event_id}/attendee", idempotent=False, json=payload,
            errors={400: _rejected(field="email")},
        )
        return body if isinstance(body, dict) else {}

    async def participants(
        self,
        event_id: str,
        *,
        sorting_key: Literal["name", "email", "registrationDate"] = "registrationDate",
        sorting_direction: Literal["ASC", "DESC"] = "DESC",
        page_size: int = PARTICIPANTS_PAGE_MAX,
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeet/{id}/participants``: registrations, paged by page number up to ``totalUserCount``."""
        if not 1 <= page_size <= PARTICIPANTS_PAGE_MAX:
            raise Rejected(provider=SLUG, field="resultSize", reason=f"pages hold 1 to {PARTICIPANTS_PAGE_MAX} people")
        params = {"resultSize": page_size, "sortingKey": sorting_key, "sortingDirection": sorting_direction}
        seen = 0

        async def fetch(page: int | None) -> Page[dict[str, Any], int]:
            nonlocal seen
            number = page or 1
            body = await self._call(
                "GET", f"/airmeet/{event_id}/participants", idempotent=True, params={"pageNumber": number, **params}
            )
            rows = body.get("participants") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise Unavailable(provider=SLUG, raw=f"no participants list: {str(body)[:200]}")
            seen += len(rows)
            # The last page: an empty one, or the one that reaches totalUserCount.
            done = not rows or seen >= int(body.get("totalUserCount") or 0)
            return Page(rows, next=None if done else number + 1)

        async for row in items(pages(fetch, provider=SLUG, first=1)):
            yield row

    def attendees(
        self, event_id: str, *, page_size: int = CURSOR_PAGE_MAX, after: str | None = None, before: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeet/{id}/attendees``; ``NotReady`` while Airmeet prepares the export."""
        return self._pages(f"/airmeet/{event_id}/attendees", size=page_size, limit=CURSOR_PAGE_MAX, after=after, before=before)

    def poll_responses(
        self, event_id: str, *, page_size: int = CURSOR_PAGE_MAX, after: str | None = None, before: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /airmeet/{id}/polls``: one row per person, with their ``polls`` answers."""
        return self._pages(f"/airmeet/{event_id}/polls", size=page_size, limit=CURSOR_PAGE_MAX, after=after, before=before)

    async def questions(self, event_id: str) -> list[dict[str, Any]]:
        """``GET /airmeet/{id}/questions``: one row per person, with the ``questions`` they asked."""
        body = await self._call("GET", f"/airmeet/{event_id}/questions", idempotent=True)
        rows = body.get("data") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise Unavailable(provider=SLUG, raw=f"no questions list: {str(body)[:200]}")
        return rows

