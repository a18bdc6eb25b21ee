"""Airmeet people: registration, participants by page number, cursor-paged exports."""

from __future__ import annotations

import pytest

from providers.airmeet import AirmeetProvider
from providers.errors import NotFound, NotReady, Rejected
from tests.fakes.airmeet import PREPARING, FakeAirmeet
from tests.unit.providers.airmeet.support import START, new_event


async def test_add_attendee_registers_a_participant(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)

    await airmeet.add_attendee(event_id, email="lin@example.com", first_name="Lin", last_name="Wu")

    assert fake.requests_to(f"/airmeet/{event_id}/attendee")[-1].json == {
        "email": "lin@example.com", "firstName": "Lin", "lastName": "Wu", "sendEmailInvite": True,
    }
    assert [p["email"] async for p in airmeet.participants(event_id)] == ["lin@example.com"]


async def test_participants_page_by_number_until_total(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    fake.add_participants(event.uuid, [{"email": f"p{i}@example.com", "name": f"P{i}", "registrationDate": i}
                                       for i in range(5)])

    emails = [p["email"] async for p in airmeet.participants(event.uuid, sorting_key="registrationDate",
                                                              sorting_direction="ASC", page_size=2)]

    assert emails == [f"p{i}@example.com" for i in range(5)]
    assert [r.query["pageNumber"] for r in fake.requests_to(f"/airmeet/{event.uuid}/participants")] == ["1", "2", "3"]
    assert fake.requests_to(f"/airmeet/{event.uuid}/participants")[0].query == {
        "pageNumber": "1", "resultSize": "2", "sortingKey": "registrationDate", "sortingDirection": "ASC",
    }


async def test_attendees_follow_after_cursors_across_pages(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    fake.add_attendees(event.uuid, [{"user_id": f"u{i}"} for i in range(5)])

    ids = [row["user_id"] async for row in airmeet.attendees(event.uuid, page_size=2)]

    assert ids == ["u0", "u1", "u2", "u3", "u4"]
    sent = fake.requests_to(f"/airmeet/{event.uuid}/attendees")
    assert len(sent) == 3
    assert "after" not in sent[0].query and sent[0].query["size"] == "2"
    assert sent[1].query["after"] and sent[2].query["after"] != sent[1].query["after"]


async def test_attendees_can_page_backwards_from_a_before_cursor(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    from tests.fakes.airmeet.wire import encode_cursor

    event = fake.add_event()
    fake.add_attendees(event.uuid, [{"user_id": f"u{i}"} for i in range(5)])

    ids = [row["user_id"] async for row in airmeet.attendees(event.uuid, page_size=2, before=encode_cursor(4))]

    assert ids == ["u2", "u3", "u0", "u1"]  # page by page, newest page first
    assert all("after" not in r.query for r in fake.requests_to(f"/airmeet/{event.uuid}/attendees"))


async def test_cursor_arguments_are_checked(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    with pytest.raises(Rejected) as caught:
        [row async for row in airmeet.attendees("e", after="a", before="b")]
    assert caught.value.field == "before"
    with pytest.raises(Rejected) as caught:
        [row async for row in airmeet.poll_responses("e", page_size=51)]
    assert caught.value.field == "size"
    assert fake.requests == []


async def test_export_still_preparing_is_not_ready(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    session = await airmeet.create_session(event_id, title="S", start=START, duration_minutes=10, host_email="host@example.com")
    assert session.session_id is not None
    fake.preparing(session.session_id)

    with pytest.raises(NotReady) as caught:
        [row async for row in airmeet.session_attendees(session.session_id)]
    assert (caught.value.status, caught.value.raw) == (202, PREPARING)

    fake.ready(session.session_id)
    fake.add_session_attendees(session.session_id, [{"user_id": "u1"}])
    assert [row async for row in airmeet.session_attendees(session.session_id)] == [{"user_id": "u1"}]


async def test_export_in_body_400_is_rejected(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event = fake.add_event()
    fake.invalid_exports[event.uuid] = "Session status is not valid"

    with pytest.raises(Rejected) as caught:
        [row async for row in airmeet.attendees(event.uuid)]

    assert (caught.value.status, caught.value.raw) == (400, "Session status is not valid")


async def test_booth_attendance_polls_and_questions(airmeet: AirmeetProvider, fake: FakeAirmeet) -> None:
    event_id = await new_event(airmeet)
    booth_id = await airmeet.create_booth(event_id, name="Booth")
    event = fake.events[event_id]
    event.booth_attendance[booth_id] = [{"user_id": "b1"}]
    event.polls.extend({"name": f"P{i}", "polls": [{"question": "Q", "answer": "A"}]} for i in range(3))
    event.questions.append({"name": "P0", "questions": [{"question": "Why?", "session_id": "s1"}]})

    assert [r["user_id"] async for r in airmeet.booth_attendees(event_id, booth_id)] == ["b1"]
    assert [r["name"] async for r in airmeet.poll_responses(event_id, page_size=2)] == ["P0", "P1", "P2"]
    assert len(fake.requests_to(f"/airmeet/{event_id}/polls")) == 2
    assert (await airmeet.questions(event_id))[0]["questions"][0]["question"] == "Why?"
    with pytest.raises(NotFound):
        [r async for r in airmeet.booth_attendees(event_id, "no-booth")]
