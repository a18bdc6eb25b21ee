"""``/meeting new`` checks the channel before the room exists: the speaker must be in it and the bot
able to post there; otherwise one sentence, no room at the provider and nothing stored (issue 8,
defects 2 and 3). On SQLite and PostgreSQL (the ``storage`` fixture), Whereby on its loopback fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from commands.framework.context import Services
from commands.framework.replies import Audience
from commands.meeting.new_form import CALLBACK
from tests.fakes.whereby import FakeWhereby
from tests.support.people import People
from tests.support.registry import REGISTRY
from tests.unit.commands.meeting.seeded import NOW, ctx, only, run, services, whereby  # noqa: F401 (fixtures)

# G0SECRET is private to Bob; only Ada is in the public C2; the bot cannot post in C9 (not invited).
DIRECTORY = People(private_channels={"G0SECRET": {"U2"}}, members={"C2": {"U1"}}, silent={"C9"})
LINE = 'new whereby "Board" 2026-12-02 10:00 {}'


@pytest.fixture(autouse=True)
def people(services: Services) -> None:
    services.directory = DIRECTORY


@pytest.fixture(autouse=True)
def wall_clock_at_now() -> Iterator[None]:
    # The commands read the services' clock (NOW) but the Whereby adapter checks "ends in the future"
    # against the wall clock: without this, LINE's fixed date turns into the past and the test fails.
    with time_machine.travel(NOW, tick=True):
        yield


async def nothing_made(services: Services, fake: FakeWhereby) -> bool:
    return not fake.meetings and not (await services.storage.meetings.upcoming("T1", after=NOW)).items


async def test_a_channel_the_bot_cannot_post_in_is_refused_once_before_the_room_exists(
    services: Services, whereby: FakeWhereby
) -> None:
    message = only(await run(LINE.format("<#C9|quiet>"), services))
    assert message.audience is Audience.REQUESTER
    assert message.text.startswith("I can't post in <#C9>, so nothing was created") and "/invite @meetbot" in message.text
    assert await nothing_made(services, whereby)


async def test_the_channel_the_command_was_typed_in_is_checked_too(services: Services, whereby: FakeWhereby) -> None:
    message = only(await run(LINE.format(""), services, channel="C9"))
    assert message.text.startswith("I can't post in this conversation")
    assert await nothing_made(services, whereby)


@pytest.mark.parametrize("channel", ["<#G0SECRET>", "<#C2|general>"])
async def test_the_speaker_must_be_in_the_channel_private_or_public(
    services: Services, whereby: FakeWhereby, channel: str
) -> None:
    message = only(await run(LINE.format(channel), services, user="U3"))  # Cy is in neither
    assert message.audience is Audience.REQUESTER
    assert message.text.startswith("You can only announce a meeting in a channel you are in")
    assert await nothing_made(services, whereby)


async def test_a_member_announces_in_a_channel_the_bot_can_post_in(services: Services, whereby: FakeWhereby) -> None:
    reply = await run(LINE.format("<#C2>"), services, user="U1", channel="C1")
    [announcement] = [m for m in reply.messages if m.audience is Audience.CHANNEL]
    assert announcement.to == "C2" and len(whereby.meetings) == 1


async def test_the_modal_shows_the_channel_problem_on_its_field(services: Services, whereby: FakeWhereby) -> None:
    form = REGISTRY.form(CALLBACK)
    values = {"provider": "whereby", "title": "Board", "start_date": "2026-12-02", "start_time": "10:00",
              "duration": "30", "channel": "G0SECRET", "room_mode": "normal"}
    errors = await form.check(values, {"channel_id": "C1"}, ctx("U3"), services)
    assert errors == {"channel": "You can only announce a meeting in a channel you are in, and you are not in "
                                 "that channel, so nothing was created: join it or pick another."}
    values["channel"] = "C9"
    assert "invite me there with /invite @meetbot" in (await form.check(values, {}, ctx("U1"), services))["channel"]
    reply = await form.submit(values, {}, ctx("U1"), services)
    assert only(reply).text.startswith("I can't post in <#C9>")
    assert await nothing_made(services, whereby)
