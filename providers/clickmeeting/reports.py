"""ClickMeeting's PDF session reports, asked for and then polled until ready.

    url = await adapter.pdf_report(42, 7)
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from providers.clickmeeting.client import SLUG, ClickMeetingClient
from providers.errors import NotReady, Unavailable


class ReportStatus(StrEnum):
    """Where a PDF report is: ``ReportStatus.parse("IN PROGRESS") is ReportStatus.IN_PROGRESS``."""

    NEW = "NEW"
    IN_PROGRESS = "IN_PROGRESS"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: Any) -> ReportStatus:
        """The seed's table says ``IN_PROGRESS``; its tip and real answers say ``IN PROGRESS``."""
        word = str(value or "").strip().upper().replace(" ", "_")
        return cls(word) if word in cls.__members__ else cls.UNKNOWN


class ReportsAPI(ClickMeetingClient):
    """``generate-pdf/{lang}``: the first call starts a report, later ones say how far it is."""

    async def pdf_report_status(self, room_id: str | int, session_id: str | int, *, lang: str = "en") -> dict[str, Any]:
        """One ``generate-pdf/{lang}`` call: the first asks ClickMeeting to start, later ones report progress."""
        path = f"conferences/{room_id}/sessions/{session_id}/generate-pdf/{quote(lang, safe='')}"
        return dict(await self._get(path))

    async def pdf_report(
        self,
        room_id: str | int,
        session_id: str | int,
        *,
        lang: str = "en",
        max_attempts: int = 10,
        interval: float = 3.0,
        timeout: float = 60.0,
    ) -> str:
        """Poll until the PDF is FINISHED and return its URL: ``url = await adapter.pdf_report(42, 7)``.

        Stops after ``max_attempts`` checks or ``timeout`` seconds with ``NotReady`` (ask again later);
        a FAILED report raises ``Unavailable``.
        """
        deadline = time.monotonic() + timeout
        status = ReportStatus.UNKNOWN
        attempt = 0
        while attempt < max_attempts:
            attempt += 1
            body = await self.pdf_report_status(room_id, session_id, lang=lang)
            status = ReportStatus.parse(body.get("status"))
            if status is ReportStatus.FINISHED:
                if not body.get("url"):
                    raise Unavailable(provider=SLUG, raw=f"finished report without url: {body}")
                return str(body["url"])
            if status is ReportStatus.FAILED:
                raise Unavailable(
                    "ClickMeeting could not build that PDF report. Please try again later.",
                    provider=SLUG,
                    raw=json.dumps(body),
                )
            if attempt >= max_attempts or time.monotonic() + interval > deadline:
                break
            await self.policy.sleep(interval)
        raise NotReady(provider=SLUG, raw=f"PDF report still {status} after {attempt} checks")
