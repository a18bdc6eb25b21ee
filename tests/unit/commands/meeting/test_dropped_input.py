"""Nothing typed is dropped silently (issue 8, defect 10): people Slack does not know and more than
five reminders are refused in one sentence with nothing created; reminders that would come before
now are left out and the organiser is told. The one line, the modal and the console's key=value form;
on SQLite and PostgreSQL (the ``storage`` fixture). Now is 09:00 UTC, 10:00 in Ada's Zurich."""

from __future__ import annotations

from commands.framework.context import Services
from commands.framework.replies import Audience
from commands.meeting.new_form import CALLBACK, new_meeting_inline
from tests.support.registry import REGISTRY
from tests.unit.commands.meeting.seeded import NOW, ctx, only, run, services  # noqa: F401 (fixtures)

SIX = "1d,2h,1h,30m,10m,5m"
TOO_MANY = "A meeting has at most 5 reminders and you asked for 6: keep 5 or fewer, e.g. `remind 1d,1h,10m`."
FORM_VALUES = {"provider": "kmeet", "title": "Retro", "start_date": "2026-12-02", "start_time": "10:00",
               "duration": "30", "channel": "C1", "mode": "instant"}


async def stored(services: Services) -> list[object]:
    return list((await services.storage.meetings.upcoming("T1", after=NOW)).items)


async def test_a_typed_name_slack_does_not_know_is_refused(services: Services) -> None:
    message = only(await run('new kmeet "Retro" tomorrow 10:00 @U2 @alice cohost @zed', services))
    assert message.audience is Audience.REQUESTER
    assert message.text == ("I can't find `@alice`, `@zed` among this workspace's Slack users, so nothing was created: "
                            "pick people from Slack's @ list.")
    assert not await stored(services)


async def test_more_than_five_reminders_are_refused(services: Services) -> None:
    message = only(await run(f'new kmeet "Retro" tomorrow 10:00 remind {SIX}', services))
    assert message.text == TOO_MANY
    assert not await stored(services)
    reply = await run('new kmeet "Retro" tomorrow 11:00 remind 1d,2h,1h,30m,10m', services)  # five is fine
    [meeting] = await stored(services)
    assert len(await services.storage.reminders.for_meeting("T1", meeting.id)) == 5  # type: ignore[attr-defined]
    assert "Room ready" in reply.text and "before now" not in reply.text


async def test_reminders_before_now_are_left_out_and_the_organiser_is_told(services: Services) -> None:
    reply = await run('new kmeet "Retro" in 30m remind 1d,1h,10m', services)
    [meeting] = await stored(services)
    reminders = await services.storage.reminders.for_meeting("T1", meeting.id)  # type: ignore[attr-defined]
    assert [r.offset_minutes for r in reminders] == [10]
    [note] = [m for m in reply.messages if m.audience is Audience.REQUESTER]
    assert note.text.endswith(" The 1 day and 1 hour reminders would come before now, so I left them out.")
    reply = await run('new kmeet "Standup" in 30m remind 1h', services)
    assert reply.messages[-1].text.endswith(" The 1 hour reminder would come before now, so I left it out.")


async def test_the_modal_shows_each_on_its_field(services: Services) -> None:
    form = REGISTRY.form(CALLBACK)
    assert form is not None
    values = FORM_VALUES | {"reminders": SIX, "invitees": ["U2"], "cohosts": ["U3", "UNKNOWN1"]}
    errors = await form.check(values, {"channel_id": "C1"}, ctx(), services)
    assert errors == {
        "reminders": "A meeting has at most 5 reminders and you asked for 6: keep 5 or fewer, e.g. 1d,1h,10m.",
        "cohosts": ("I can't find '@UNKNOWN1' among this workspace's Slack users, so nothing was created: "
                    "pick people from Slack's @ list."),
    }


async def test_the_modal_tells_of_reminders_before_now(services: Services) -> None:
    form = REGISTRY.form(CALLBACK)
    assert form is not None
    values = FORM_VALUES | {"start_date": "2026-12-01", "start_time": "10:30", "reminders": "1h,10m"}
    assert await form.check(values, {"channel_id": "C1"}, ctx(), services) == {}
    reply = await form.submit(values, {"channel_id": "C1"}, ctx(), services)
    assert reply.messages[-1].text.endswith(" The 1 hour reminder would come before now, so I left it out.")


async def test_the_console_names_the_key(services: Services) -> None:
    reply = await new_meeting_inline(FORM_VALUES | {"invitees": "@bob"}, ctx(), services)
    assert reply.text == ("`invitees`: I can't find '@bob' among this workspace's Slack users, so nothing was created: "
                          "pick people from Slack's @ list.")
    assert not await stored(services)
