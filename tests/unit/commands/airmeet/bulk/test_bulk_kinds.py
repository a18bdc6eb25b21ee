"""Sessions (speakers first, or ``--add-speakers``), booths and registrations in bulk; the event
lookup, the paste form, header errors and help."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from commands.framework.context import Services, SharedFile
from commands.framework.replies import Reply
from db.records import Meeting
from tests.fakes.airmeet import FakeAirmeet, FakeEvent
from tests.fakes.server import Fault
from tests.support.people import ADA, People
from tests.unit.commands.airmeet.bulk.conftest import REGISTRY, RecordingSink, click, csv_arg, ctx, job_id, run, work

SESSIONS_CSV = """title,start,duration,host_email,speakers
Keynote,2030-05-06 09:00,45,host@example.com,Ada Lovelace <ada@example.com>
Panel,2030-05-06T10:00:00+00:00,30,host@example.com,Ada Lovelace <ada@example.com>; grace.hopper@example.com
"""


async def imported(line: str, services: Services, sink: RecordingSink) -> Reply:
    reply = await run(line, services)
    await click("airmeet_import_start", job_id(reply), services)
    await work(services, sink)
    return reply


async def test_a_session_naming_a_speaker_not_on_the_event_fails_with_that_reason(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    await imported(f"session add {event[0].id} bulk {csv_arg(SESSIONS_CSV)}", services, sink)
    assert event[1].sessions == {}
    [upload] = sink.uploads
    assert "0 added" in str(upload["comment"]) and "2 failed" in str(upload["comment"])
    assert "A speaker of this session is not on the event yet: add them first, or import with --add-speakers." \
        in str(upload["content"])


async def test_with_add_speakers_the_speakers_are_added_first(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    await imported(f"session add {event[0].id} bulk --add-speakers {csv_arg(SESSIONS_CSV)}", services, sink)
    assert sorted(event[1].speakers) == ["ada@example.com", "grace.hopper@example.com"]
    assert event[1].speakers["ada@example.com"]["name"] == "Ada Lovelace"
    assert event[1].speakers["grace.hopper@example.com"]["name"] == "Grace Hopper"
    starts = sorted(s["sessionStartTime"] for s in event[1].sessions.values())
    zurich_nine = int(datetime(2030, 5, 6, 7, 0, tzinfo=UTC).timestamp() * 1000)  # the importer's zone, in ms
    assert starts == [zurich_nine, int(datetime(2030, 5, 6, 10, 0, tzinfo=UTC).timestamp() * 1000)]
    assert all(s["type"] == "HOSTING" for s in event[1].sessions.values())
    assert sink.uploads == [] and "2 added, 0 failed" in sink.posts[-1].text


async def test_booths_and_registrations(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    booths = csv_arg("name,tags\nSponsor,gold;eu\nStartup alley,")
    await imported(f"booth add {event[0].id} bulk {booths}", services, sink)
    assert sorted((b["name"], tuple(b.get("tags", ()))) for b in event[1].booths.values()) == [
        ("Sponsor", ("gold", "eu")), ("Startup alley", ())]
    fake.add_participants(event[1].uuid, [{"email": "grace@example.com", "name": "Grace H"}])
    text = "email,first name,last name\nada@example.com,Ada,Lovelace\ngrace@example.com,Grace,Hopper"
    await imported(f"register {event[0].id} bulk {csv_arg(text)}", services, sink)
    assert [p["email"] for p in event[1].participants] == ["grace@example.com", "ada@example.com"]
    assert "1 added, 1 already there, 0 failed" in sink.posts[-1].text


async def test_a_bad_header_is_one_sentence_and_nothing_is_stored(
    services: Services, event: tuple[Meeting, FakeEvent]
) -> None:
    bad = csv_arg("Name,Phone\nAda,123")
    reply = await run(f"speaker add {event[0].id} bulk {bad}", services)
    assert reply.text.startswith("The CSV header has unknown column `Phone` and missing column `email`")
    assert await services.storage.imports.claim(now=datetime.now(UTC)) is None


async def test_without_a_csv_the_paste_form_opens_and_its_preview_is_the_same(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    reply = await run(f"session add {event[0].id} bulk --add-speakers", services)
    assert reply.modal is not None and reply.modal.callback == "airmeet_bulk"
    assert reply.modal.state["add_speakers"] == "1" and reply.modal.state["event"] == event[0].id
    assert "title, start, duration (required); host_email" in (reply.modal.intro or "")
    form = REGISTRY.form("airmeet_bulk")
    assert form is not None
    assert await form.check({"csv": " "}, reply.modal.state, ctx(), services) == {
        "csv": "Paste the CSV, its header row first."}
    services.admins = frozenset()
    services.directory = People({"U1": dataclasses.replace(ADA, is_admin=False)})  # the organiser, not an admin
    preview = await form.submit({"csv": SESSIONS_CSV}, reply.modal.state, ctx(), services)
    assert preview.text.startswith("*2 rows ready*, 0 with errors")
    await click("airmeet_import_start", job_id(preview), services)
    await work(services, sink)
    assert len(event[1].sessions) == 2


async def test_a_csv_shared_in_the_conversation_is_used_without_the_form(
    services: Services, event: tuple[Meeting, FakeEvent]
) -> None:
    class Shared:
        async def latest_csv(self, team_id: str, channel_id: str, user_id: str) -> SharedFile | None:
            assert (team_id, channel_id, user_id) == ("T1", "C1", "U1")
            return SharedFile(name="speakers.csv", content=b"name,email\r\nAda,ada@example.com\r\n")

    services.files = Shared()
    reply = await run(f"speaker add {event[0].id} bulk", services)
    assert reply.modal is None and reply.text.startswith("*1 row ready*")


async def test_the_event_is_a_meetbot_airmeet_meeting_the_speaker_may_change_or_a_uuid_for_admins(
    services: Services, event: tuple[Meeting, FakeEvent]
) -> None:
    assert "'nope' is neither a meetbot id" in (await run("speaker add nope bulk", services)).text
    for ref in (event[0].id, event[1].uuid):  # the meetbot id or the uuid of the event it stored
        assert "Only <@U1>, who organises it" in (await run(f"speaker add {ref} bulk", services, user="U2")).text
    assert "Only workspace admins" in (await run("speaker add 0000aaaa-0000-0000-0000-000000000000 bulk",
                                                 services, user="U2")).text
    services.admins = frozenset({"U2"})
    assert (await run(f"speaker add {event[1].uuid} bulk", services, user="U2")).modal is not None


async def test_every_group_and_subcommand_answers_help(services: Services) -> None:
    text = (await run("help", services)).text
    assert "`/airmeet speaker …`" in text
    assert "`/airmeet register <event> bulk [csv=<csv text>]`" in (await run("register help", services)).text
    sub = (await run("session add help", services)).text
    assert "`/airmeet session add <event> bulk [csv=<csv text>] [--add-speakers]`" in sub
    assert "title, start, duration (required); host_email" in sub
    assert "e.g. `/airmeet session add k7m2qx bulk --add-speakers`" in sub
    assert "Did you mean" in (await run("speakr", services)).text


async def test_a_booth_whose_answer_was_lost_in_a_500_is_found_not_created_twice(
    services: Services, event: tuple[Meeting, FakeEvent], fake: FakeAirmeet, sink: RecordingSink
) -> None:
    fake.faults.add(Fault(status=500, after_handling=True), path=f"/airmeet/{event[1].uuid}/booths", method="POST")
    booths = csv_arg("name\nSponsor")
    await imported(f"booth add {event[0].id} bulk {booths}", services, sink)
    assert [b["name"] for b in event[1].booths.values()] == ["Sponsor"]  # made once, by the first (lost) answer
    assert "1 already there, 0 failed" in sink.posts[-1].text
    assert len(fake.requests_to(f"/airmeet/{event[1].uuid}/booths", method="GET")) >= 1  # looked before resending


async def test_in_a_channel_the_bot_cannot_post_in_the_import_does_not_start(
    services: Services, event: tuple[Meeting, FakeEvent]
) -> None:
    services.directory = People(silent={"C1"})
    reply = await run(f"speaker add {event[0].id} bulk", services)
    assert reply.modal is None
    assert reply.text == ("I can't post in this channel, so you would not see the import's progress: invite me with "
                          "`/invite @meetbot`, or run the command in a DM with me.")
