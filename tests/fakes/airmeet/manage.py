"""Managing events (seed §4): create, speakers, sessions, status, booths, landing page, duplication, attendees."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.airmeet.wire import (
    ACCESS_TYPES,
    HEX_COLOUR,
    IMAGE_SUFFIXES,
    STATUSES,
    FakeEvent,
    Refusal,
    _json,
    _require_email,
    _require_int,
    _require_ms,
    _require_str,
    _require_zone,
    _string_list,
)
from tests.fakes.airmeet.app import AirmeetApp


class ManageFake(AirmeetApp):
    """Managing events (seed §4): create, speakers, sessions, status, booths, landing page, duplication, attendees."""

    async def create_event(self, request: Request) -> JSONResponse:
        self._authorise(request)
        self._community()
        body = await _json(request)
        for name in ("hostEmail", "eventName", "shortDesc"):
            _require_str(body, name)
        _require_email(body["hostEmail"], "hostEmail")
        timing = body.get("timing")
        if not isinstance(timing, dict):
            raise Refusal(400, "timing is mandatory")
        start, end = _require_int(timing, "startTime"), _require_int(timing, "endTime")
        # The seed says "unix timestamp" here and "in milliseconds" for duplication; one clock for
        # both (assumption), so a slip to seconds fails here as it does there.
        _require_ms(start, "startTime")
        _require_ms(end, "endTime")
        _require_zone(timing.get("timezone"))
        if end <= start:
            raise Refusal(400, "endTime must be after startTime")
        access = body.get("accessType", "INVITED_ONLY")
        if access not in ACCESS_TYPES:
            raise Refusal(400, f"Invalid accessType {access}")
        event = FakeEvent(uuid=str(uuid.uuid4()), fields={**body, "accessType": access})
        self.events[event.uuid] = event
        return JSONResponse({"uuid": event.uuid, "airmeet status": event.status})

    async def add_speaker(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        _require_str(body, "name")
        _require_str(body, "email")
        _require_email(body["email"], "email")
        for key, value in body.items():
            if not isinstance(value, str):
                raise Refusal(400, f"{key} must be a string")
        if body["email"] in event.speakers or any(s["name"] == body["name"] for s in event.speakers.values()):
            raise Refusal(400, "Speaker with the same name or email already exists")
        speaker = dict(body)
        if not str(speaker.get("imageUrl", "")).lower().endswith(IMAGE_SUFFIXES):
            speaker["imageUrl"] = None  # Airmeet falls back to its default profile image
        event.speakers[body["email"]] = speaker
        return JSONResponse({"email": body["email"], "status": "ADDED_TO_EVENT"})

    async def create_session(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        _require_str(body, "sessionTitle")
        _require_str(body, "hostEmail")
        start = _require_int(body, "sessionStartTime")
        duration = _require_int(body, "sessionDuration")
        if duration <= 0:
            raise Refusal(400, "sessionDuration must be positive")
        if body.get("type", "HOSTING") != "HOSTING":
            raise Refusal(400, "Only HOSTING sessions can be created")
        if body["hostEmail"] not in self.team:
            raise Refusal(400, f"Host {body['hostEmail']} is not a team member of the community")
        speakers = _string_list(body, "speakerEmails")
        for email in speakers:
            if email not in event.speakers:
                raise Refusal(400, f"Speaker {email} is not added to the Airmeet")
        for email in _string_list(body, "cohostEmails"):
            if email not in self.team and email not in event.speakers:
                raise Refusal(400, f"Cohost {email} is not a team member or speaker")
        end = start + duration * 60_000
        for other in event.sessions.values():
            other_end = other["sessionStartTime"] + other["sessionDuration"] * 60_000
            if start < other_end and other["sessionStartTime"] < end:
                raise Refusal(400, "There is already an overlapping session at the same time")
        sid = str(uuid.uuid4())
        event.sessions[sid] = {**body, "sessionid": sid}
        return Response(status_code=200)  # seed §4.3: "200 OK", no body, so no session id

    async def delete_session(self, request: Request) -> JSONResponse:
        event = self._event(request)
        if event.sessions.pop(request.path_params["sid"], None) is None:
            raise Refusal(404, "Session not found")
        return JSONResponse({"success": True})

    async def update_status(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        if body.get("status") not in STATUSES:
            raise Refusal(400, f"Status {body.get('status')} does not exist")
        event.status = body["status"]
        return JSONResponse({"statusUpdated": True})

    async def create_booth(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        _require_str(body, "name")
        booth_id = str(uuid.uuid4())
        event.booths[booth_id] = {**body, "uid": booth_id}
        return JSONResponse({"uuid": booth_id})

    async def list_booths(self, request: Request) -> JSONResponse:
        event = self._event(request)
        return JSONResponse({"booths": list(event.booths.values())})

    async def landing_page(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        allowed = {"ambience", "layout", "highlightColor", "buttonTextColor", "imageUrl"}
        if not body or set(body) - allowed:
            raise Refusal(400, "Payload is incorrect")
        if "ambience" in body and body["ambience"] not in ("LIGHT", "DARK"):
            raise Refusal(400, "ambience must be LIGHT or DARK")
        if "layout" in body and body["layout"] not in ("CLASSIC", "MODERN"):
            raise Refusal(400, "layout must be CLASSIC or MODERN")
        for key in ("highlightColor", "buttonTextColor"):
            if key in body and not (isinstance(body[key], str) and HEX_COLOUR.fullmatch(body[key])):
                raise Refusal(400, f"{key} must be a hex colour code")
        if "imageUrl" in body and not str(body["imageUrl"]).lower().endswith(IMAGE_SUFFIXES):
            raise Refusal(400, "imageUrl must end with .jpg, .jpeg or .png")
        event.landing_page.update(body)
        return JSONResponse({"success": True})

    async def duplicate(self, request: Request) -> JSONResponse:
        self._authorise(request)
        self._community()
        event = self._event(request)
        body = await _json(request)
        start = _require_int(body, "startTime")
        _require_ms(start, "startTime")
        _require_zone(body.get("timezone"))
        timing = event.fields.get("timing") or {}
        length = int(timing.get("endTime", 0)) - int(timing.get("startTime", 0))
        fields = {**event.fields, "timing": {"startTime": start, "endTime": start + max(length, 0),
                                             "timezone": body["timezone"]}}
        if body.get("eventName"):
            fields["eventName"] = body["eventName"]
        copy = FakeEvent(uuid=str(uuid.uuid4()), fields=fields, speakers=dict(event.speakers))
        self.events[copy.uuid] = copy
        return JSONResponse({"uuid": copy.uuid})

    async def add_attendee(self, request: Request) -> JSONResponse:
        event = self._event(request)
        body = await _json(request)
        for name in ("email", "firstName", "lastName"):
            _require_str(body, name)
        _require_email(body["email"], "email")
        if any(p["email"] == body["email"] for p in event.participants):
            raise Refusal(400, "Attendee already registered")
        event.participants.append({"email": body["email"], "name": f"{body['firstName']} {body['lastName']}",
                                   "registrationDate": len(event.participants)})
        return JSONResponse({"success": True, "data": {"email": body["email"]}})

