"""One limit on meeting titles for every provider (issue 8, defect 11): 150 characters, Slack's
header-safe length, or less where a provider's options model says so; refused in words on the one
line, in the modal and for every provider, before anything is created; the announcement keeps
"Organised by" even for the longest title. On SQLite and PostgreSQL (the ``storage`` fixture)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.render.blocks import message_blocks
from commands.framework.context import Services
from commands.framework.errors import UserError
from commands.framework.replies import Audience
from commands.lifecycle.create import TITLE_MAX, NewMeeting, create_meeting, title_limit
from commands.meeting.new_form import CALLBACK
from providers import registry
from tests.fakes.whereby import FakeWhereby
from tests.support.registry import REGISTRY
from tests.unit.commands.meeting.seeded import NOW, ctx, only, run, services, whereby  # noqa: F401 (fixtures)

TOO_LONG = "x" * (TITLE_MAX + 1)
REFUSAL = f"A meeting title has at most {TITLE_MAX} characters and this one has {TITLE_MAX + 1}: please shorten it."


async def stored(services: Services) -> list[object]:
    return list((await services.storage.meetings.upcoming("T1", after=NOW)).items)


def test_every_provider_has_one_limit_no_longer_than_a_slack_header() -> None:
    assert TITLE_MAX == 150
    assert {slug: title_limit(slug) for slug in registry.slugs()} == dict.fromkeys(registry.slugs(), 150)


@pytest.mark.parametrize("provider", registry.slugs())
async def test_a_long_title_is_refused_on_every_provider_before_any_call(services: Services, provider: str) -> None:
    new = NewMeeting(provider=provider, title=TOO_LONG, start=NOW + timedelta(days=1), duration=timedelta(hours=1),
                     channel_id="C1")
    with pytest.raises(UserError, match="^A meeting title has at most 150 characters"):
        await create_meeting(new, ctx(), services)
    assert not await stored(services)


async def test_the_one_line_form_refuses_a_long_title_in_words(services: Services, whereby: FakeWhereby) -> None:
    message = only(await run(f'new whereby "{TOO_LONG}" 2026-12-02 10:00', services))
    assert message.audience is Audience.REQUESTER and message.text == REFUSAL
    assert not whereby.meetings and not await stored(services)


async def test_the_modal_shows_it_on_the_title_field(services: Services) -> None:
    values = {"provider": "kmeet", "title": TOO_LONG, "start_date": "2026-12-02", "start_time": "10:00",
              "duration": "30", "channel": "C1", "mode": "instant"}
    errors = await REGISTRY.form(CALLBACK).check(values, {"channel_id": "C1"}, ctx(), services)
    assert errors == {"title": REFUSAL}


async def test_the_longest_title_keeps_organised_by_in_the_announcement(services: Services) -> None:
    title = "<&>" * (TITLE_MAX // 3)  # every character escaped: the longest mrkdwn a title can make
    reply = await run(f'new kmeet "{title}" 2026-12-02 10:00', services)
    [announcement] = [m for m in reply.messages if m.audience is Audience.CHANNEL]
    [section, *_] = message_blocks(announcement)
    assert section["text"]["text"].endswith("Organised by <@U1>")


async def test_the_announcement_names_cohosts_and_invitees_without_pinging_them(services: Services) -> None:
    reply = await run('new kmeet "Retro" 2026-12-02 10:00 @U3 @U4 cohost <@U2|bob>', services)
    [announcement] = [m for m in reply.messages if m.audience is Audience.CHANNEL]
    assert announcement.text.endswith("Organised by <@U1>")
    fields = {field.label: field.value for field in announcement.fields}
    assert (fields["Co-hosts"], fields["Invited"]) == ("Bob Member", "Cy Guest, Dee NoMail")
    blocks = str(message_blocks(announcement))
    assert "<@U2>" not in blocks and "<@U3>" not in blocks and "<@U4>" not in blocks
