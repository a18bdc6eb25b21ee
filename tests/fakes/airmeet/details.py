"""Event details and exports: events, info, participants, attendance, polls, questions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from tests.fakes.airmeet.wire import PREPARING, Refusal, _cursor_page, _int_param
from tests.fakes.airmeet.app import AirmeetApp


class DetailsFake(AirmeetApp):
    """Event details and exports: events, info, participants, attendance, polls, questions."""

    async def list_events(self, request: Request) -> JSONResponse:
        self._authorise(request)
        rows = [{"uid": e.uuid, "name": e.fields.get("eventName"), "status": e.status}
                for e in self.events.values() if e.status != "ARCHIVE"]  # archived ones are not listed
        return JSONResponse(_cursor_page(request, rows, limit=500))

    async def info(self, request: Request) -> JSONResponse:
        event = self._event(request)
        # Beyond "sessionid" (NOTES.md) the row's field names are an assumption.
        sessions = [{"sessionid": sid, "name": s["sessionTitle"], "start_time": s["sessionStartTime"],
                     "duration": s["sessionDuration"]} for sid, s in event.sessions.items()]
        hosts = sorted({s["hostEmail"] for s in event.sessions.values()})
        return JSONResponse({"name": event.fields.get("eventName"), "status": event.status,
                             "sessions": sessions, "session_hosts": [{"email": h} for h in hosts]})

    async def participants(self, request: Request) -> JSONResponse:
        event = self._event(request)
        q = request.query_params
        page, size = _int_param(q.get("pageNumber"), "pageNumber"), _int_param(q.get("resultSize"), "resultSize")
        if page < 1 or not 1 <= size <= 1000:
            raise Refusal(400, "pageNumber must be >= 1 and resultSize between 1 and 1000")
        key, direction = q.get("sortingKey", "registrationDate"), q.get("sortingDirection", "DESC")
        if key not in ("name", "email", "registrationDate") or direction not in ("ASC", "DESC"):
            raise Refusal(400, "Invalid sortingKey or sortingDirection")
        rows = sorted(event.participants, key=lambda p: p.get(key) or 0, reverse=direction == "DESC")
        chunk = rows[(page - 1) * size: page * size]
        return JSONResponse({"participants": chunk, "userCount": len(chunk), "totalUserCount": len(rows)})

    async def attendees(self, request: Request) -> JSONResponse:
        event = self._event(request)
        return self._export(request, event.uuid, event.attendees)

    async def session_attendees(self, request: Request) -> JSONResponse:
        self._authorise(request)
        sid = request.path_params["sid"]
        if not any(sid in e.sessions for e in self.events.values()) and sid not in self.session_attendance:
            raise Refusal(404, "Session not found")
        return self._export(request, sid, self.session_attendance.get(sid, []))

    async def booth_attendance(self, request: Request) -> JSONResponse:
        event = self._event(request)
        bid = request.path_params["bid"]
        if bid not in event.booths:
            raise Refusal(404, "Booth not found")
        return self._export(request, bid, event.booth_attendance.get(bid, []))

    async def polls(self, request: Request) -> JSONResponse:
        event = self._event(request)
        return JSONResponse(_cursor_page(request, event.polls, limit=50))

    async def questions(self, request: Request) -> JSONResponse:
        event = self._event(request)
        return JSONResponse({"data": event.questions})

    def _export(self, request: Request, resource_id: str, rows: list[dict[str, Any]]) -> JSONResponse:
        # The export APIs answer HTTP 200 with the real status inside the body (NOTES.md). When Airmeet
        # answers 202 is not documented: here the test decides (preparing/ready) — an assumption.
        if resource_id in self.pending:
            return JSONResponse({"statusCode": 202, "statusMessage": PREPARING})
        if resource_id in self.invalid_exports:
            return JSONResponse({"data": {}, "statusCode": 400, "statusMessage": self.invalid_exports[resource_id]})
        return JSONResponse(_cursor_page(request, rows, limit=50))


