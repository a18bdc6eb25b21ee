"""Sessions with attendees, PDF reports, and registrations."""

from __future__ import annotations

import email
import email.policy
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from tests.fakes.clickmeeting.wire import EMAIL, REPORT_LANGS, BROWSER, Invalid, Req, _flag, _iso

from tests.fakes.clickmeeting.app import ClickMeetingApp


class SessionsFake(ClickMeetingApp):
    """Sessions with attendees, PDF reports, and registrations."""

    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"conferences/(?P<room>\d+)/sessions", "list_sessions"),
        ("GET", r"conferences/(?P<room>\d+)/sessions/(?P<session>\d+)", "get_session"),
        ("GET", r"conferences/(?P<room>\d+)/sessions/(?P<session>\d+)/attendees", "list_attendees"),
        ("GET", r"conferences/(?P<room>\d+)/sessions/(?P<session>\d+)/generate-pdf/(?P<lang>[a-z]{2})", "generate_pdf"),
        ("GET", r"conferences/(?P<room>\d+)/sessions/(?P<session>\d+)/registrations(?:/(?P<status>all|active))?", "session_registrations"),
        ("GET", r"conferences/(?P<room>\d+)/registrations/(?P<status>all|active)", "list_registrations"),
        ("POST", r"conferences/(?P<room>\d+)/registration", "register"),
    ]

    # --- sessions and PDF reports ---

    def add_session(
        self,
        room_id: int,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        attendees: Iterable[dict[str, Any]] = (),
    ) -> int:
        """Seed a past session: ``fake.add_session(room_id, attendees=[{"email": "a@b.c", "role": "host"}])``."""
        room = self.conferences[room_id]
        zone = ZoneInfo(room["timezone"])
        end = (end or self.clock() - timedelta(hours=1)).astimezone(zone)
        start = (start or end - timedelta(hours=1)).astimezone(zone)
        session_id = next(self.ids)
        people = []
        for index, attendee in enumerate(attendees):
            email = attendee["email"]
            people.append(
                {
                    "uid": str(next(self.ids)),
                    "role": attendee.get("role", "listener"),
                    "nickname": attendee.get("nickname", email.split("@")[0]),
                    "email": email,
                    "device": attendee.get("device", BROWSER),
                    "rating": attendee.get("rating"),
                    "rating_comment": attendee.get("rating_comment"),
                    "start_date": _iso(attendee.get("start", start + timedelta(minutes=index)).astimezone(zone)),
                    "end_date": _iso(attendee.get("end", end).astimezone(zone)),
                    "user_ip": attendee.get("user_ip", "127.0.0.1"),
                }
            )
        self.sessions[session_id] = {
            "id": session_id,
            "room_id": room_id,
            "start_date": _iso(start),
            "end_date": _iso(end),
            "attendees": people,
        }
        return session_id

    def _summary(self, session: dict[str, Any]) -> dict[str, Any]:
        people = session["attendees"]
        return {
            "id": session["id"],
            "total_visitors": len(people),
            "max_visitors": max(  # the most people in the room at one time
                (sum(1 for o in people if o["start_date"] <= p["start_date"] < o["end_date"]) for p in people),
                default=0,
            ),
            "start_date": session["start_date"],
            "end_date": session["end_date"],
        }

    async def list_sessions(self, req: Req) -> Any:
        room = self._room(req)
        return [self._summary(s) for s in self.sessions.values() if s["room_id"] == room["id"]]

    async def get_session(self, req: Req) -> Any:
        session = self._session(req)
        detail = self._summary(session)
        del detail["id"]
        detail["attendees"] = [
            {
                "id": int(p["uid"]),
                "start_date": p["start_date"],
                "end_date": p["end_date"],
                "login": p["nickname"],
                "email": p["email"],
            }
            for p in session["attendees"]
        ]
        detail["pdf"] = {lang: self._pdf_state(req, session, lang) for lang in REPORT_LANGS}
        return detail

    async def list_attendees(self, req: Req) -> Any:
        return self._session(req)["attendees"]

    async def generate_pdf(self, req: Req) -> Any:
        session = self._session(req)
        key = (session["id"], req.params["lang"])
        self.pdf_polls[key] = self.pdf_polls.get(key, 0) + 1
        return self._pdf_state(req, session, req.params["lang"])

    def _pdf_state(self, req: Req, session: dict[str, Any], lang: str) -> dict[str, Any]:
        polls = self.pdf_polls.get((session["id"], lang), 0)
        if polls == 0:
            url = f"{req.base_url}/v1/conferences/{session['room_id']}/sessions/{session['id']}/generate-pdf/{lang}"
            return {"generate_pdf_url": url, "progress": 0}
        if polls == 1:
            return {"status": "NEW", "progress": 0}
        if polls < self.pdf_polls_to_finish:
            return {"status": "IN PROGRESS", "progress": 50}
        if self.fail_pdf_reports:
            return {"status": "FAILED", "progress": 0}
        return {
            "status": "FINISHED",
            "url": f"{req.base_url}/panel/pdf/{lang}/{session['id']}/{secrets.token_hex(3)}",
            "progress": 100,
        }


    # --- registrations ---

    async def register(self, req: Req) -> Any:
        room = self._room(req)
        registration = req.form.get("registration")
        if not isinstance(registration, dict):
            raise Invalid(422, ("registration", "registration[1], registration[2] and registration[3] are required."))
        missing = [(f"registration[{n}]", "This value should not be blank.") for n in "123" if not registration.get(n)]
        if missing:
            raise Invalid(422, *missing)
        first, last, email = registration["1"], registration["2"], registration["3"]
        if not EMAIL.fullmatch(email):
            raise Invalid(422, ("registration[3]", "This value is not a valid email address."))
        if not room["registration_enabled"]:
            raise Invalid(422, ("registration", "Registration is not enabled for this event."))
        confirmation = req.form.get("confirmation_email") or {}
        existing = [r for r in self.registrations.get(room["id"], []) if r["email"].lower() == email.lower()]
        if existing:
            return {"status": "OK", "exist": 1, "url": existing[0]["url"], "r": existing[0]["r"]}
        record = self.add_registration(room["id"], first_name=first, last_name=last, email=email)
        if isinstance(confirmation, dict) and _flag(confirmation.get("enabled", "0"), "confirmation_email[enabled]"):
            self.sent_emails.append({"kind": "confirmation", "to": email, "lang": confirmation.get("lang", "en")})
        return {"status": "OK", "url": record["url"], "r": record["r"]}

    def add_registration(
        self, room_id: int, *, first_name: str, last_name: str, email: str, session_id: int | None = None
    ) -> dict[str, Any]:
        """Seed (or record) one registration; ``session_id`` ties it to a session."""
        room = self.conferences[room_id]
        r = secrets.token_urlsafe(30)
        record = {
            "id": next(self.ids),
            "visitor_nickname": f"{first_name} {last_name}",
            "email": email,
            "registration_date": _iso(self.clock().astimezone(ZoneInfo(room["timezone"]))),
            "registration_confirmed": "null",  # sic: the real answer quotes it
            "session_id": session_id,
            "fields": {"First Name": first_name, "Last Name": last_name, "Email Address": email},
            "url": f"{room['room_url']}?r={r}",
            "r": r,
            "http_referer": None,
            "geo": {"country": None, "city": None},
        }
        self.registrations.setdefault(room_id, []).append(record)
        return record

    def _active(self, registration: dict[str, Any]) -> bool:
        """Active: not tied to a session that has already ended."""
        session = self.sessions.get(registration["session_id"]) if registration["session_id"] else None
        return session is None or datetime.fromisoformat(session["end_date"]) > self.clock()

    async def list_registrations(self, req: Req) -> Any:
        records = self.registrations.get(self._room(req)["id"], [])
        return [r for r in records if req.params["status"] == "all" or self._active(r)]

    async def session_registrations(self, req: Req) -> Any:
        session = self._session(req)
        records = [r for r in self.registrations.get(session["room_id"], []) if r["session_id"] == session["id"]]
        return [r for r in records if req.params.get("status", "all") == "all" or self._active(r)]

