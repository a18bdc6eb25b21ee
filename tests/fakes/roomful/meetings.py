"""Meetings: create, update, delete, get, list, count per day, accept or decline."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from tests.fakes.roomful.wire import SOURCE_TYPES, Interval, RpcError, day_bounds, iso, parse_stamp
from tests.fakes.roomful.app import RoomfulApp


class MeetingsFake(RoomfulApp):
    """Meetings: create, update, delete, get, list, count per day, accept or decline."""

    def delete_source(self, source_id: str) -> int:
        """Someone deleted a room (or prop, group) in Roomful: its meetings stay but turn ``isValid: false``
        (seed 003: "not valid if source was deleted"). Returns how many meetings that touched.

        ASSUMPTION: deleting a room also invalidates the prop meetings in it (their ``sourceIds`` start
        with the room id); and no ``meeting:onMeetingUpdated`` is pushed, as the document does not say one is.
        """
        touched = [mid for mid, ids in self.source_ids.items() if source_id in ids]
        for meeting_id in touched:
            self.meetings[meeting_id]["isValid"] = False
        return len(touched)

    def _meeting(self, data: dict[str, Any]) -> dict[str, Any]:
        meeting_id = data.get("meetingId")
        if not isinstance(meeting_id, str) or not meeting_id:
            raise RpcError(400, "Bad request: meetingId is required")
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            raise RpcError(404, "Meeting not found")
        return meeting

    def _known_users(self, ids: Any, name: str) -> list[str]:
        if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
            raise RpcError(400, f"Bad request: {name} must be a list of user ids")
        if any(i not in self.users for i in ids):
            raise RpcError(1021)
        return ids

    @staticmethod
    def _color(value: Any) -> dict[str, float] | None:
        if value is None:
            return None
        ok = isinstance(value, dict) and set(value) == {"r", "g", "b", "a"} and all(
            isinstance(v, (int, float)) and 0 <= v <= 1 for v in value.values()
        )
        if not ok:
            raise RpcError(400, "Bad request: color must be {r, g, b, a} floats in 0..1")
        return {k: float(v) for k, v in value.items()}

    @staticmethod
    def _dates(data: dict[str, Any]) -> Interval:
        start, end = parse_stamp(data.get("startDate"), "startDate"), parse_stamp(data.get("endDate"), "endDate")
        if end <= start:
            raise RpcError(400, "Bad request: endDate must be after startDate")
        return start, end

    async def _create_meeting(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        source_type = data.get("sourceType")
        if source_type not in SOURCE_TYPES:
            raise RpcError(400, "Bad request: sourceType must be room, prop, group or direct")
        source_ids = data.get("sourceIds")
        expected = 2 if source_type == "prop" else 1
        if not isinstance(source_ids, list) or len(source_ids) != expected or not all(
            isinstance(i, str) and i for i in source_ids
        ):
            raise RpcError(400, f"Bad request: sourceIds must hold {expected} id(s) for {source_type}")
        if source_type == "direct":
            self._known_users(source_ids, "sourceIds")
        subject = data.get("subject")
        if not isinstance(subject, str) or not subject.strip():
            raise RpcError(400, "Bad request: subject is required")
        description = data.get("description", "")
        if not isinstance(description, str):
            raise RpcError(400, "Bad request: description must be a string")
        start, end = self._dates(data)
        invited = self._known_users(data.get("invitedUserIds", []), "invitedUserIds")
        participants = [user_id] + [i for i in dict.fromkeys(invited) if i != user_id]
        meeting_id = secrets.token_hex(7)
        meeting = {
            "meetingId": meeting_id,
            "created": iso(datetime.now(UTC)),
            "subject": subject,
            "description": description,
            "color": self._color(data.get("color")),
            "isValid": True,
            "organizerId": user_id,
            "participantIds": participants,
            "sourceString": f"{source_type}:{':'.join(source_ids)}",
            "sourceType": source_type,
            "sourcePk": source_ids[0] if source_type != "prop" else ":".join(source_ids),
            "networkId": self.network,
            "startDate": iso(start),
            "endDate": iso(end),
        }
        self.meetings[meeting_id] = meeting
        self.source_ids[meeting_id] = list(source_ids)
        self.statuses[meeting_id] = {p: ("accepted" if p == user_id else "received") for p in participants}
        await self._push("meeting:onMeetingCreated", {"meeting": meeting}, skip_sid=sid)
        return {"meeting": meeting}

    async def _update_meeting(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        meeting = self._meeting(data)
        subject = data.get("subject")
        if not isinstance(subject, str) or not subject.strip():
            raise RpcError(400, "Bad request: subject is required")
        description = data.get("description", "")
        if not isinstance(description, str):
            raise RpcError(400, "Bad request: description must be a string")
        start, end = self._dates(data)
        source_type = data.get("sourceType", meeting["sourceType"])
        if source_type != meeting["sourceType"]:  # ASSUMPTION: a meeting cannot change its kind of place
            raise RpcError(400, "Bad request: sourceType cannot change")
        # updateMeeting replaces the meeting: invitees not sent are no longer invited (Roomful's own
        # client sends invitedUserIds on every update for that reason), and so are description and color.
        invited = self._known_users(data.get("invitedUserIds", []), "invitedUserIds")
        organizer = meeting["organizerId"]
        participants = [organizer] + [i for i in dict.fromkeys(invited) if i != organizer]
        old = self.statuses.get(meeting["meetingId"], {})
        self.statuses[meeting["meetingId"]] = {p: old.get(p, "received") for p in participants}
        meeting.update(
            subject=subject, description=description, startDate=iso(start), endDate=iso(end),
            color=self._color(data.get("color")), participantIds=participants,
        )
        await self._push("meeting:onMeetingUpdated", {"meeting": meeting}, skip_sid=sid)
        return {"meeting": meeting}

    async def _delete_meeting(self, user_id: str, data: dict[str, Any], sid: str) -> None:
        meeting = self._meeting(data)
        meeting_id = meeting["meetingId"]
        del self.meetings[meeting_id]
        self.statuses.pop(meeting_id, None)
        self.source_ids.pop(meeting_id, None)
        await self._push("meeting:onMeetingDeleted", {"meetingId": meeting_id}, skip_sid=sid)

    def _get_meeting(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        return {"meeting": self._meeting(data)}

    def _answer_request(self, user_id: str, data: dict[str, Any], status: str) -> None:
        meeting = self._meeting(data)
        statuses = self.statuses[meeting["meetingId"]]
        if user_id not in statuses or meeting["organizerId"] == user_id:
            raise RpcError(404, "Meeting request not found")
        statuses[user_id] = status

    def _list_meetings(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        start, end = self._dates(data)
        source_type = data.get("sourceType")
        source_ids = data.get("sourceIds") or []
        if source_type is not None and source_type not in (*SOURCE_TYPES, "network"):
            raise RpcError(400, "Bad request: sourceType must be network, room, prop, group or direct")
        if source_type is not None and (not isinstance(source_ids, list) or not source_ids):
            raise RpcError(400, "Bad request: sourceIds are required with sourceType")
        found = []
        for meeting_id, meeting in self.meetings.items():
            if user_id not in meeting["participantIds"]:
                continue
            if not (parse_stamp(meeting["startDate"], "") < end and parse_stamp(meeting["endDate"], "") > start):
                continue
            if source_type == "network" and self.network not in source_ids:
                continue
            own_ids = self.source_ids[meeting_id]
            if source_type in SOURCE_TYPES and (
                meeting["sourceType"] != source_type or own_ids != source_ids[: len(own_ids)]
            ):
                continue
            found.append({**meeting, "userId": user_id, "status": self.statuses[meeting_id][user_id]})
        found.sort(key=lambda m: m["startDate"])
        return {"meetings": found}

    def _meeting_counts(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        now = parse_stamp(data.get("localDateNow"), "localDateNow")
        offset, size = data.get("offset"), data.get("size")
        if not isinstance(offset, int) or offset < 0 or not isinstance(size, int) or not 1 <= size <= 100:
            raise RpcError(400, "Bad request: offset >= 0 and size 1..100 are required")
        per_day: dict[date, int] = {}
        for meeting in self.meetings.values():
            if user_id in meeting["participantIds"]:
                day = parse_stamp(meeting["startDate"], "").astimezone(now.tzinfo).date()
                if day >= now.date():
                    per_day[day] = per_day.get(day, 0) + 1
        days = sorted(per_day)[offset : offset + size]
        counts = []
        for day in days:
            day_start, day_end = day_bounds(day, now.tzinfo)
            counts.append({"count": per_day[day], "startDate": iso(day_start), "endDate": iso(day_end)})
        return {"meetingCounts": counts}

    def _prop_has_meetings(self, user_id: str, data: dict[str, Any], sid: str) -> dict[str, Any]:
        room_id, prop_id = data.get("roomId"), data.get("propId")
        if not (isinstance(room_id, str) and room_id and isinstance(prop_id, str) and prop_id):
            raise RpcError(400, "Bad request: roomId and propId are required")
        now = datetime.now(UTC)
        has = any(
            m["sourceType"] == "prop" and self.source_ids[mid] == [room_id, prop_id]
            and parse_stamp(m["endDate"], "") > now
            for mid, m in self.meetings.items()
        )
        return {"hasMeetingsOrSocialSessions": has}

