"""/airmeet attendance|polls|questions: the summary, the CSV by DM, and the kept export while Airmeet prepares it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.workers.delivery import deliver
from bot.workers.exports import keyed, tick
from bot.workers.outbox import OutboxWorker, Outcome
from commands.airmeet.exports import MAX_ATTEMPTS, RETRY_AFTER
from commands.framework.context import Services
from commands.framework.replies import Audience, Message, Reply
from db.records import OutboxItem
from tests.fakes.airmeet import FakeAirmeet
from tests.unit.commands.airmeet.support import NEW_EVENT, NOW, made_event, run


class Collected:
    """A sink that keeps what it was given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None:
        self.messages.append(message)
        return None


class Posted:
    """The outbox's poster: keeps (row key, message) of every post and answers ok."""

    def __init__(self) -> None:
        self.posted: list[tuple[str, Message]] = []

    async def post(self, item: OutboxItem, message: Message) -> Outcome:
        self.posted.append((item.idem_key, message))
        return Outcome("sent", ts=f"{len(self.posted)}.0001")


def rows(message: Message) -> list[dict[str, str]]:
    assert message.attachment is not None
    return list(csv.DictReader(io.StringIO(message.attachment.content.decode())))


async def test_attendance_ready_sends_the_csv_by_dm(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    fake.add_attendees(event.room_id, [{"name": "Ada", "email": "ada@example.com", "minutes": 42},
                                       {"name": "=cmd()", "email": "x@example.com", "minutes": 1}])

    reply = await run(f"attendance {event.id}", services)

    dm, note = reply.messages
    assert (dm.audience, dm.to) == (Audience.DM, "U1")
    assert "2 rows" in dm.text and "by direct message" in note.text
    assert rows(dm)[0] == {"name": "Ada", "email": "ada@example.com", "minutes": "42"}
    assert rows(dm)[1]["name"] == "'=cmd()"  # never a formula in a spreadsheet


async def test_polls_and_questions_count_what_is_inside(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    fake.events[event.room_id].polls.extend([{"email": "a@x.com", "polls": [{"q": "1", "a": "yes"}, {"q": "2"}]}])
    fake.events[event.room_id].questions.extend([{"email": "a@x.com", "questions": ["Why?", "How?", "When?"]}])

    assert "2 poll answers" in (await run(f"polls {event.id}", services)).text
    assert "3 questions asked" in (await run(f"questions {event.id}", services)).text


async def test_a_booth_and_a_session_are_told_apart(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    booth = (await run(f"booth add {event.id} name=Sponsors", services)).text.split("(`")[1].split("`")[0]
    fake.events[event.room_id].booth_attendance[booth] = [{"email": "b@x.com"}]
    fake.add_session_attendees("s-1", [{"email": "s@x.com"}, {"email": "t@x.com"}])

    assert "booth attendance" in (await run(f"attendance {event.id} {booth}", services)).text
    assert "session attendance" in (await run(f"attendance {event.id} s-1", services)).text
    assert "2 rows" in (await run(f"attendance {event.id} s-1", services)).text


async def test_preparing_is_said_once_and_the_worker_sends_the_file(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    fake.add_attendees(event.room_id, [{"email": "ada@example.com"}])
    fake.preparing(event.room_id)
    now = [NOW]
    services.clock = lambda: now[0]

    first = await run(f"attendance {event.id}", services)
    again = await run(f"attendance {event.id}", services)

    assert "is preparing" in first.text and "every 5 minutes" in first.text
    assert "still preparing" in again.text
    assert len(await services.storage.airmeet.exports("T1")) == 1  # one kept request, not two
    sink = Collected()

    async def sink_for_team(team_id: str) -> Collected:
        return sink

    assert await tick(services, sink_for_team) == 0  # not due yet
    now[0] += RETRY_AFTER
    assert await tick(services, sink_for_team) == 0  # due, still preparing: asked again later, nothing said
    assert sink.messages == []
    fake.ready(event.room_id)
    now[0] += RETRY_AFTER
    assert await tick(services, sink_for_team) == 1
    (dm,) = sink.messages
    assert (dm.audience, dm.to) == (Audience.DM, "U1") and rows(dm) == [{"email": "ada@example.com"}]
    assert [job.status for job in await services.storage.airmeet.exports("T1")] == ["done"]
    now[0] += RETRY_AFTER
    assert await tick(services, sink_for_team) == 0  # done is done


async def test_the_worker_gives_up_after_an_hour_and_says_so_once(services: Services, fake: FakeAirmeet) -> None:
    event = await made_event(services)
    fake.preparing(event.room_id)
    now = [NOW]
    services.clock = lambda: now[0]
    await run(f"attendance {event.id}", services)
    sink = Collected()

    async def sink_for_team(team_id: str) -> Collected:
        return sink

    for _ in range(MAX_ATTEMPTS + 2):
        now[0] += RETRY_AFTER + timedelta(seconds=1)
        await tick(services, sink_for_team)

    assert len(sink.messages) == 1 and "stopped asking" in sink.messages[0].text
    assert [job.status for job in await services.storage.airmeet.exports("T1")] == ["failed"]


async def test_polls_are_not_a_prepared_export(services: Services, fake: FakeAirmeet) -> None:
    # NOTES.md names attendance exports as the ones Airmeet prepares, not polls.
    event = await made_event(services)
    fake.preparing(event.room_id)
    reply = await run(f"polls {event.id}", services)
    assert "0 rows" in reply.text
    assert await services.storage.airmeet.exports("T1") == []


async def test_with_an_outbox_the_text_dm_is_a_keyed_row_posted_once_and_the_file_goes_straight(
        services: Services, fake: FakeAirmeet) -> None:
    gives_up, sends = await made_event(services), await made_event(services, NEW_EVENT.replace("Town hall", "Other"))
    fake.preparing(gives_up.room_id)
    fake.add_attendees(sends.room_id, [{"email": "ada@example.com"}])
    fake.preparing(sends.room_id)
    now = [NOW]
    services.clock = lambda: now[0]
    await run(f"attendance {gives_up.id}", services)
    await run(f"attendance {sends.id}", services)
    sink, poster = Collected(), Posted()
    worker = OutboxWorker(services, poster)

    async def sink_for_team(team_id: str) -> Collected:
        return sink

    fake.ready(sends.room_id)
    for _ in range(MAX_ATTEMPTS + 2):
        now[0] += RETRY_AFTER + timedelta(seconds=1)
        await tick(services, sink_for_team, outbox=worker)

    [(key, dm)] = poster.posted
    [stopped] = [job for job in await services.storage.airmeet.exports("T1") if job.status == "failed"]
    assert key == f"export:{stopped.id}:0" and "stopped asking" in dm.text and dm.to == "U1"
    assert (await services.storage.outbox.find("T1", [key]))[key].status == "sent"
    [file_dm] = sink.messages  # a file cannot ride the outbox: uploaded straight
    assert file_dm.attachment is not None and rows(file_dm) == [{"email": "ada@example.com"}]
    # The same export's DM delivered again (a tick run twice) is not posted twice.
    again = keyed(Reply([Message(dm.text, audience=Audience.DM, to="U1")]), stopped.id)
    assert await deliver(again, sink, team_id="T1", requester=None, services=services, outbox=worker)
    assert len(poster.posted) == 1 and len(sink.messages) == 1
