"""Airmeet sessions (seed §5): create (type HOSTING), delete, and who attended one.

    created = await adapter.create_session(event_id, title="Keynote", start=s, duration_minutes=45, host_email=h)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from providers.airmeet.auth import SLUG
from providers.airmeet.client import CURSOR_PAGE_MAX, AirmeetClient, _rejected, unix_ms
from providers.errors import ProviderError, Rejected


@dataclass(frozen=True, kw_only=True)
class SessionCreated:
    """A created session; ``session_id`` is None when it could not be told apart in the event's info.

    The seed's create answers "200 OK" with no body, so the id is never read from the answer: it is
    looked up in ``GET /airmeet/{id}/info`` (the one session with this title and start), and without
    it ``delete_session`` needs the id from the Airmeet dashboard.
    """

    session_id: str | None



class SessionsAPI(AirmeetClient):
    """``/airmeet/{id}/session`` and ``/session/{id}/attendees``."""

    async def create_session(
        self,
        event_id: str,
        *,
        title: str,
        start: datetime,
        duration_minutes: int,
        host_email: str,
        summary: str | None = None,
        speaker_emails: Sequence[str] = (),
        cohost_emails: Sequence[str] = (),
    ) -> SessionCreated:
        """``POST /airmeet/{id}/session`` (type HOSTING); speakers must be added to the event first."""
        if not title.strip():
            raise Rejected(provider=SLUG, field="sessionTitle", reason="the session needs a title")
        if start.tzinfo is None:
            raise Rejected(provider=SLUG, field="sessionStartTime", reason="the start needs a time zone")
        if duration_minutes <= 0:
            raise Rejected(provider=SLUG, field="sessionDuration", reason="the duration must be at least a minute")
        payload: dict[str, Any] = {
            "sessionTitle": title,
            "sessionStartTime": unix_ms(start),
            "sessionDuration": duration_minutes,
            "hostEmail": host_email,
            "type": "HOSTING",  # seed §5: "The session type should be HOSTING only."
        }
        if summary is not None:
            payload["sessionSummary"] = summary
        if speaker_emails:
            payload["speakerEmails"] = list(speaker_emails)
        if cohost_emails:
            payload["cohostEmails"] = list(cohost_emails)
        try:
            # "200 OK" and nothing else (seed §4.3): no id comes back.
            await self._call("POST", f"/airmeet/{event_id}/session", idempotent=False, json=payload, empty_ok=True)
        except Rejected as error:
            raise _session_rejection(error) from error
        return SessionCreated(session_id=await self.find_session(event_id, title=title, start=start))

    async def find_session(self, event_id: str, *, title: str, start: datetime) -> str | None:
        """The id of the one session of the event with this title and start (``/info``), else None.

        ``/info`` lists ``sessions: [{sessionid, ...}]`` (NOTES.md); the title and start fields are
        read under the names the API's clients use (``name``/``sessionTitle``,
        ``start_time``/``sessionStartTime`` in ms) — an assumption, so a session whose fields are
        missing is not a match and the id stays unknown rather than guessed.
        """
        try:
            info = await self.event_info(event_id)
        except ProviderError:
            return None  # the session exists; only its id is unknown
        wanted = unix_ms(start)
        matches = [
            str(row["sessionid"]) for row in info.get("sessions") or []
            if isinstance(row, dict) and row.get("sessionid")
            and (row.get("name") or row.get("sessionTitle")) == title
            and _as_int(row.get("start_time", row.get("sessionStartTime"))) == wanted
        ]
        return matches[0] if len(matches) == 1 else None

    async def event_info(self, event_id: str) -> Mapping[str, Any]:
        """``GET /airmeet/{id}/info``: the event's name, ``sessions`` and ``session_hosts``."""
        body = await self._call("GET", f"/airmeet/{event_id}/info", idempotent=True)
        return body if isinstance(body, dict) else {}

    async def delete_session(self, event_id: str, session_id: str) -> None:
        """``DELETE /airmeet/{id}/session/{session_id}``; ``NotFound`` when either is unknown."""
        await self._call(
            "DELETE", f"/airmeet/{event_id}/session/{session_id}", idempotent=True,
            errors={400: _rejected(field="session_id")},
        )

    def session_attendees(
        self, session_id: str, *, page_size: int = CURSOR_PAGE_MAX, after: str | None = None, before: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """``GET /session/{id}/attendees`` (finished sessions only); ``NotReady`` while it is prepared."""
        return self._pages(f"/session/{session_id}/attendees", size=page_size, limit=CURSOR_PAGE_MAX, after=after, before=before)



def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _session_rejection(error: Rejected) -> Rejected:
    """Name the field behind a refused session from Airmeet's message."""
    raw = error.raw or ""
    text = raw.lower()
    if "overlap" in text:
        # "400 Bad Request - in case there is already an overlapping session(same time)"
        return Rejected(
            "That Airmeet event already has a session at that time; pick another start.",
            provider=SLUG, status=error.status, field="sessionStartTime", raw=raw,
        )
    if "speaker" in text:
        # "Speakers should be added to the Airmeet before creating the session"
        return Rejected(
            "Add the speakers to the Airmeet event first, then create the session.",
            provider=SLUG, status=error.status, field="speakerEmails", raw=raw,
        )
    if "team" in text or "host" in text:
        # "Team members should be added to the community before creating the session"
        return Rejected(
            "The session's host and co-hosts must be team members of the Airmeet community first.",
            provider=SLUG, status=error.status, field="hostEmail", raw=raw,
        )
    return Rejected(provider=SLUG, status=error.status, reason=raw or None, raw=raw)
