"""Roomful's shared free time: slots when every listed user is free, for a day or a month.

    slots = await adapter.time_slots_for_meeting(users=[SlotUser(user_id="u1")], local_date=day)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from providers.errors import Rejected
from providers.roomful.models import SLUG, SlotUser, TimeSlot, _slots, iso_local
from providers.roomful.socket import RoomfulSocket


class SlotsAPI(RoomfulSocket):
    """``meeting:getTimeSlotsForMeeting`` and ``meeting:getMeetingTimeSlotsForMonth``."""

    async def time_slots_for_meeting(self, *, users: Sequence[SlotUser], local_date: datetime) -> list[TimeSlot]:
        """``meeting:getTimeSlotsForMeeting``: intervals on ``local_date``'s day free for all ``users``."""
        return await self._time_slots("meeting:getTimeSlotsForMeeting", users, local_date)

    async def time_slots_for_month(self, *, users: Sequence[SlotUser], local_date: datetime) -> list[TimeSlot]:
        """``meeting:getMeetingTimeSlotsForMonth``: the same for ``local_date``'s whole month."""
        return await self._time_slots("meeting:getMeetingTimeSlotsForMonth", users, local_date)

    async def _time_slots(self, event: str, users: Sequence[SlotUser], local_date: datetime) -> list[TimeSlot]:
        wire_users = []
        for user in users:
            # The docs ask for one element per user id or email, never both in one element.
            if user.user_id:
                wire_users.append({"roomful": user.user_id})
            if user.email:
                wire_users.append({"email": user.email})
        if not wire_users:
            raise Rejected(provider=SLUG, field="users", reason="name at least one Roomful user id or email")
        answer = await self._call(event, {"users": wire_users, "localDate": iso_local(local_date)})
        return list(_slots(answer.get("availableTimeSlots") if isinstance(answer, dict) else None))

