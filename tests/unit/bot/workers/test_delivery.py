"""deliver(): every message through the sink, announcement ts kept, a failed announcement told to the organiser."""

from __future__ import annotations

from datetime import timedelta

from bot.workers.delivery import DeliveryError, deliver
from commands.framework.context import NobodyDirectory, Services
from commands.framework.replies import Audience, Message, Reply
from db.records import Meeting, new_meeting_id
from db.storage import Storage


class RecordingSink:
    """Keeps what it posted; refuses messages to the channels in ``refuse``."""

    def __init__(self, *, refuse: tuple[str, ...] = ()) -> None:
        self.refuse = refuse
        self.posted: list[Message] = []

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None:
        if message.to in self.refuse:
            raise DeliveryError("not_in_channel")
        self.posted.append(message)
        return f"{len(self.posted)}.0001" if message.audience is Audience.CHANNEL else None


async def seeded(storage: Storage) -> tuple[Services, Meeting]:
    services = Services(storage=storage, directory=NobodyDirectory())
    meeting = await storage.meetings.add(Meeting(
        id=new_meeting_id(), team_id="T1", provider="kmeet", title="Standup",
        starts_at=services.clock() + timedelta(hours=1), duration_minutes=30, timezone="UTC", channel_id="C1",
        organiser_id="U1", room_id="r", join_url="https://meet.example.test/r",
    ))
    return services, meeting


def announcement(meeting: Meeting, channel: str) -> Reply:
    return Reply([Message("*Standup*", audience=Audience.CHANNEL, to=channel, purpose=f"announcement:{meeting.id}"),
                  Message("Room ready.")])


async def test_every_message_goes_out_and_the_announcement_ts_is_kept(storage: Storage) -> None:
    services, meeting = await seeded(storage)
    sink = RecordingSink()
    assert await deliver(announcement(meeting, "C1"), sink, team_id="T1", requester="U1", services=services)
    assert [m.text for m in sink.posted] == ["*Standup*", "Room ready."]
    stored = await storage.meetings.get("T1", meeting.id)
    assert stored is not None and stored.announcement_ts == "1.0001"


async def test_a_failed_announcement_is_told_to_the_organiser_and_the_rest_still_goes(storage: Storage) -> None:
    services, meeting = await seeded(storage)
    sink = RecordingSink(refuse=("C9",))
    assert not await deliver(announcement(meeting, "C9"), sink, team_id="T1", requester="U1", services=services)
    notice, ready = sink.posted
    assert meeting.id in notice.text and "<#C9>" in notice.text and "not_in_channel" in notice.text
    assert ready.text == "Room ready."
    stored = await storage.meetings.get("T1", meeting.id)
    assert stored is not None and stored.announcement_ts is None


async def test_without_a_requester_a_failure_is_only_reported_as_false(storage: Storage) -> None:
    services, meeting = await seeded(storage)
    sink = RecordingSink(refuse=("C9",))
    assert not await deliver(announcement(meeting, "C9"), sink, team_id="T1", requester=None, services=services)
    assert [m.text for m in sink.posted] == ["Room ready."]
