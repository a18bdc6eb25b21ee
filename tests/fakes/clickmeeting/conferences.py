"""Conferences: list (250 a page), skins, create, get, edit, delete."""

from __future__ import annotations

import copy
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tests.fakes.clickmeeting.wire import (
    DEFAULT_SETTINGS,
    DURATION,
    LOCAL_TIME,
    PAGE_SIZE,
    ROLES,
    SETTINGS,
    Invalid,
    Req,
    _flag,
    _iso,
    _required,
)
from tests.fakes.clickmeeting.app import ClickMeetingApp


class ConferencesFake(ClickMeetingApp):
    """Conferences: list (250 a page), skins, create, get, edit, delete."""

    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"conferences/(?P<status>active|inactive)", "list_conferences"),
        ("GET", r"conferences/skins", "list_skins"),
        ("POST", r"conferences", "create_conference"),
        ("GET", r"conferences/(?P<room>\d+)", "get_conference"),
        ("PUT", r"conferences/(?P<room>\d+)", "edit_conference"),
        ("DELETE", r"conferences/(?P<room>\d+)", "delete_conference"),
    ]

    # --- conferences ---

    async def list_conferences(self, req: Req) -> Any:
        page_text = req.query.get("page", "1")
        if not page_text.isdigit() or int(page_text) < 1:
            raise Invalid(422, ("page", "Page must be a positive number."))
        page = int(page_text)
        rooms = [room for _, room in sorted(self.conferences.items()) if room["status"] == req.params["status"]]
        return rooms[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]

    async def list_skins(self, req: Req) -> Any:
        return self.skins

    async def create_conference(self, req: Req) -> Any:
        return {"room": self.add_conference(req.form)}

    def add_conference(self, form: dict[str, Any]) -> dict[str, Any]:
        """Create a room from (parsed) form fields with the API's checks; tests use it to seed many."""
        _required(form, "name", "room_type", "permanent_room", "access_type")
        if form["room_type"] not in ("meeting", "webinar"):
            raise Invalid(422, ("room_type", "Room type must be meeting or webinar."))
        if str(form["access_type"]) not in ("1", "2", "3"):
            raise Invalid(422, ("access_type", "Access type must be 1, 2 or 3."))
        access_type = int(form["access_type"])
        if access_type == 2 and not str(form.get("password", "")).strip():
            raise Invalid(422, ("password", "Password is required for a password-protected room."))
        permanent = _flag(form["permanent_room"], "permanent_room")
        zone_name = str(form.get("timezone") or "UTC")
        zone = self._zone(zone_name)
        now = self.clock().astimezone(zone)
        room_id = next(self.ids)
        name_url = self._unique_name_url(str(form.get("custom_room_url_name") or form["name"]))
        room: dict[str, Any] = {
            "id": room_id,
            "room_type": form["room_type"],
            "room_pin": secrets.randbelow(900_000_000) + 100_000_000,
            "name": form["name"],
            "name_url": name_url,
            "access_type": access_type,
            "lobby_enabled": False,
            "lobby_description": "",
            "registration_enabled": 0,
            "status": "active",
            "timezone": zone_name,
            "timezone_offset": int(now.utcoffset().total_seconds()),  # type: ignore[union-attr]
            "created_at": _iso(now),
            "updated_at": _iso(now),
            "permanent_room": permanent,
            "access_role_hashes": {role: secrets.token_hex(15) for role in ROLES},
            "room_url": f"https://{self.login}.clickmeeting.test/{name_url}",
            "phone_presenter_pin": secrets.randbelow(900_000) + 100_000,
            "phone_listener_pin": secrets.randbelow(900_000) + 100_000,
            "embed_room_url": f"https://embed.clickmeeting.test/embed_conference.html?r={room_id}",
            "widgets_hash": secrets.token_hex(3),
            "recorder_list": [],
            "settings": dict(DEFAULT_SETTINGS),
        }
        self._apply(room, form, creating=True)
        if not permanent:
            # "Should you fail to provide start date, the system will default to the date when the room was created."
            self._schedule(room, form.get("starts_at") or now.strftime(LOCAL_TIME), form.get("duration") or "1:00")
        if access_type == 2:
            self.passwords[room_id] = str(form["password"])
        host_hash = self._remember_login(
            room_id, email=f"{self.login}@clickmeeting.test", nickname=self.login, role="host"
        )
        room["autologin_hashes"] = {"host": host_hash}  # real answers carry the account owner's host login
        room["autologin_hash"] = host_hash
        self.conferences[room_id] = room
        return room

    async def get_conference(self, req: Req) -> Any:
        return {"conference": self._room(req)}

    async def edit_conference(self, req: Req) -> Any:
        room = self._room(req)
        form = req.form
        if ("starts_at" in form or "duration" in form) and "permanent_room" not in form:
            raise Invalid(422, ("permanent_room", "permanent_room is required when changing starts_at or duration."))
        if "room_type" in form and form["room_type"] not in ("meeting", "webinar"):
            raise Invalid(422, ("room_type", "Room type must be meeting or webinar."))
        if "access_type" in form:
            if str(form["access_type"]) not in ("1", "2", "3"):
                raise Invalid(422, ("access_type", "Access type must be 1, 2 or 3."))
            if int(form["access_type"]) == 2 and not (form.get("password") or self.passwords.get(room["id"])):
                raise Invalid(422, ("password", "Password is required for a password-protected room."))
        if "status" in form and form["status"] not in ("active", "inactive"):
            raise Invalid(422, ("status", "Status must be active or inactive."))
        if "timezone" in form:
            self._zone(str(form["timezone"]))
        changed = copy.deepcopy(room)  # validate everything before the stored room changes
        for key in ("name", "room_type", "status", "timezone"):
            if key in form:
                changed[key] = form[key]
        if "access_type" in form:
            changed["access_type"] = int(form["access_type"])
        self._apply(changed, form, creating=False)
        if "permanent_room" in form:
            changed["permanent_room"] = _flag(form["permanent_room"], "permanent_room")
            if changed["permanent_room"]:
                for key in ("starts_at", "ends_at", "ccc"):
                    changed.pop(key, None)
            else:
                now = self.clock().astimezone(self._zone(changed["timezone"])).strftime(LOCAL_TIME)
                starts = form.get("starts_at") or room.get("starts_at") or now
                self._schedule(changed, starts, form.get("duration") or self._duration(room))
        if form.get("password"):
            self.passwords[room["id"]] = str(form["password"])
        changed["updated_at"] = _iso(self.clock().astimezone(self._zone(changed["timezone"])))
        room.clear()
        room.update(changed)
        return {"conference": room}

    async def delete_conference(self, req: Req) -> Any:
        room = self._room(req)
        del self.conferences[room["id"]]
        self.tokens.pop(room["id"], None)
        self.recordings.pop(room["id"], None)
        return {"result": "OK"}

    def _zone(self, name: str) -> ZoneInfo:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise Invalid(422, ("timezone", f"Unknown time zone {name}.")) from None

    def _unique_name_url(self, name: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "room"
        taken = {room["name_url"] for room in self.conferences.values()}
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}_{number}"
        return candidate

    def _apply(self, room: dict[str, Any], form: dict[str, Any], *, creating: bool) -> None:
        """The optional fields shared by create and edit."""
        if "lobby_enabled" in form:
            lobby = _flag(form["lobby_enabled"], "lobby_enabled")
            if lobby and not self.paid_account:
                # The seed: the lobby is "available only in paid accounts".
                raise Invalid(403, ("lobby_enabled", "The lobby is available only in paid accounts."))
            room["lobby_enabled"] = lobby
        if "lobby_description" in form:
            room["lobby_description"] = str(form["lobby_description"])
        if "skin_id" in form:  # the seed: "(int) skin_id"
            if not str(form["skin_id"]).isdigit():
                raise Invalid(422, ("skin_id", "This value should be of type int."))
            if str(form["skin_id"]) not in {skin["id"] for skin in self.skins}:
                raise Invalid(422, ("skin_id", "Unknown skin."))
        registration = form.get("registration")
        if registration is not None:
            if not isinstance(registration, dict):
                raise Invalid(422, ("registration", "registration must be an array."))
            if "template" in registration and str(registration["template"]) not in ("1", "2", "3"):
                raise Invalid(422, ("registration[template]", "The template is 1, 2 or 3."))
            if "enabled" in registration:
                room["registration_enabled"] = int(_flag(registration["enabled"], "registration[enabled]"))
        settings = form.get("settings")
        if settings is not None:
            if not isinstance(settings, dict) or set(settings) - set(SETTINGS):
                raise Invalid(422, ("settings", f"Known settings: {', '.join(SETTINGS)}."))
            for key, value in settings.items():
                room["settings"][key] = value if key == "thank_you_page_url" else _flag(value, f"settings[{key}]")

    def _schedule(self, room: dict[str, Any], starts_at: Any, duration: Any) -> None:
        zone = self._zone(room["timezone"])
        text = str(starts_at)
        try:
            start = datetime.strptime(text, LOCAL_TIME).replace(tzinfo=zone)
        except ValueError:
            try:
                start = datetime.fromisoformat(text)
            except ValueError:
                raise Invalid(422, ("starts_at", "Use YYYY-mm-dd H:i:s or ISO 8601.")) from None
            start = start.replace(tzinfo=zone) if start.tzinfo is None else start.astimezone(zone)
        match = DURATION.fullmatch(str(duration))
        if match is None:
            raise Invalid(422, ("duration", "Duration is hours, e.g. 1:20."))
        hours, minutes, whole = match.groups()
        length = timedelta(hours=int(whole)) if whole else timedelta(hours=int(hours), minutes=int(minutes))
        if length <= timedelta(0):
            raise Invalid(422, ("duration", "Duration must be longer than zero."))
        room["starts_at"] = _iso(start)
        room["ends_at"] = _iso(start + length)
        room["ccc"] = start.astimezone(UTC).strftime(LOCAL_TIME)
        room["timezone_offset"] = int(start.utcoffset().total_seconds())  # type: ignore[union-attr]

    @staticmethod
    def _duration(room: dict[str, Any]) -> str:
        if "starts_at" not in room:
            return "1:00"
        length = datetime.fromisoformat(room["ends_at"]) - datetime.fromisoformat(room["starts_at"])
        minutes = int(length.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"

