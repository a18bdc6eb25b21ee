"""commands/meeting/new_form.py and sections.py: the ``/meeting new`` modal, its field checks, the meeting it creates.

The form runs against the real storage (SQLite, and PostgreSQL when configured) and, where a
provider is called, against that provider's loopback fake. ``now`` is fixed: Wednesday 20 March
2030, 08:07 UTC (09:07 in Zurich, winter time); Zurich's clocks jump 02:00 -> 03:00 on 31 March 2030.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from commands.framework.context import Context, Services
from commands.framework.replies import Audience, Input, Modal, Reply
from commands.meeting.new_form import (
    CALLBACK,
    GENERAL_INPUTS,
    new_meeting_inline,
    new_meeting_modal,
    next_quarter_hour,
    on_shown_fields,
)
from commands.meeting.sections import SECTIONS
from db.storage import Storage
from providers import registry
from providers.airmeet import ACCESS_TYPES
from providers.base import Endpoints
from providers.errors import Unavailable
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.kmeet import FakeInfomaniak
from tests.fakes.server import Fault, serve
from tests.fakes.whereby import FakeWhereby
from tests.support.people import People
from tests.support.policy import FAST
from tests.support.registry import REGISTRY

NOW = datetime(2030, 3, 20, 8, 7, tzinfo=UTC)
ZURICH = ZoneInfo("Europe/Zurich")
TEAM = "T1"
CTX = Context(team_id=TEAM, user_id="U1", channel_id="C1", user_tz="Europe/Zurich", user_name="Ada")
WHEREBY_KEY, CLICKMEETING_KEY, INFOMANIAK_TOKEN = "wb-key-0001", "cm-key-0001", "ik-token-0001"


class Fakes:
    """One loopback server for the module (uvicorn per test is slow); each test gets fresh fakes,
    each reached under its own first path segment (``/whereby/v1/meetings`` -> the Whereby fake)."""

    def __init__(self) -> None:
        self.apps: dict[str, Any] = {}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        prefix, _, rest = scope["path"][1:].partition("/")
        path = "/" + rest
        await self.apps[prefix].app(dict(scope, path=path, raw_path=path.encode()), receive, send)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Fakes, str]]:
    fakes = Fakes()
    with serve(fakes) as url:
        yield fakes, url


@pytest.fixture
def whereby(server: tuple[Fakes, str]) -> FakeWhereby:
    server[0].apps["whereby"] = fake = FakeWhereby(api_key=WHEREBY_KEY, clock=lambda: NOW)
    return fake


@pytest.fixture
def infomaniak(server: tuple[Fakes, str]) -> FakeInfomaniak:
    server[0].apps["infomaniak"] = fake = FakeInfomaniak(token=INFOMANIAK_TOKEN, calendars=(72618,))
    return fake


@pytest.fixture
def clickmeeting(server: tuple[Fakes, str]) -> FakeClickMeeting:
    server[0].apps["clickmeeting"] = fake = FakeClickMeeting(api_key=CLICKMEETING_KEY, clock=lambda: NOW)
    return fake


@pytest.fixture
def airmeet(server: tuple[Fakes, str]) -> FakeAirmeet:
    server[0].apps["airmeet"] = fake = FakeAirmeet(access_key="ak", secret_key="sk", team=("host@example.com",))
    return fake


@pytest.fixture
def services(storage: Storage, server: tuple[Fakes, str]) -> Services:
    url = server[1]
    endpoints = Endpoints(whereby=f"{url}/whereby/v1", clickmeeting=f"{url}/clickmeeting/v1",
                          airmeet=f"{url}/airmeet", infomaniak=f"{url}/infomaniak", kmeet_host="meet.example.test")
    return Services(storage=storage, directory=People(), endpoints=endpoints, policy=FAST, clock=lambda: NOW)


async def connect(services: Services, provider: str, credentials: dict[str, Any], *, name: str = "default") -> None:
    await services.storage.accounts.save(TEAM, provider=provider, credentials=credentials, name=name)


def names(modal: Modal) -> list[str]:
    return [item.name for item in modal.inputs]


def field(modal: Modal, name: str) -> Input:
    return next(item for item in modal.inputs if item.name == name)


def slack_values(modal: Modal, **typed: Any) -> dict[str, Any]:
    """What Slack submits for ``modal`` after the user typed ``typed``: every input, as bot.render reads it."""
    values: dict[str, Any] = {}
    for item in modal.inputs:
        value = item.initial
        if item.kind == "checkbox":
            value = list(value or [])
        elif item.kind == "users":
            value = list(value or [])
        elif item.kind in ("number", "text", "multiline") and value is not None:
            value = str(value) or None
        values[item.name] = value
    values.update(typed)
    return values


async def values_for(services: Services, section: str | None = None, /, **typed: Any) -> dict[str, Any]:
    """A complete, valid submission with ``section``'s provider settings and ``typed`` on top
    (``provider=`` may then name another provider): tomorrow 10:00 in Zurich."""
    modal = await new_meeting_modal(CTX, services, provider=section)
    good = {"title": "Standup", "start_date": "2030-03-21", "start_time": "10:00"}
    return slack_values(modal, **(good | typed))


async def stored_meetings(services: Services) -> list[Any]:
    return list((await services.storage.meetings.upcoming(TEAM, after=NOW - timedelta(days=1))).items)


FORM = REGISTRY.form(CALLBACK)
assert FORM is not None


# --- the modal ----------------------------------------------------------------------------------


async def test_modal_has_every_field_with_defaults_in_the_users_zone(services: Services) -> None:
    await services.storage.workspaces.set_default_reminders(TEAM, "1h,10m")
    modal = await new_meeting_modal(CTX, services)
    assert modal.callback == CALLBACK and modal.submit == "Create"
    assert names(modal) == ["provider", "title", "start_date", "start_time", "duration", "channel", "invitees",
                            "cohosts", "reminders", "mode"]
    provider = field(modal, "provider")
    assert provider.kind == "select" and provider.dispatch and provider.initial == "kmeet"
    # 08:07 UTC is 09:07 in Zurich: the next quarter hour is 09:15 there.
    assert (field(modal, "start_date").initial, field(modal, "start_time").initial) == ("2030-03-20", "09:15")
    assert "Europe/Zurich" in (field(modal, "start_time").hint or "")
    assert field(modal, "duration").initial == 30
    assert field(modal, "channel").initial == "C1" and field(modal, "channel").optional
    assert field(modal, "invitees").kind == "users" and field(modal, "cohosts").kind == "users"
    assert field(modal, "cohosts").optional
    assert field(modal, "reminders").initial == "1h,10m"
    assert modal.state == {"provider": "kmeet", "channel_id": "C1"}


async def test_start_time_follows_the_speakers_zone(services: Services) -> None:
    kolkata = Context(team_id=TEAM, user_id="U1", channel_id=None, user_tz="Asia/Kolkata")
    modal = await new_meeting_modal(kolkata, services)
    # 08:15 UTC is 13:45 in Kolkata (+05:30); no channel typed in: no default channel, no state channel.
    assert field(modal, "start_time").initial == "13:45"
    assert field(modal, "channel").initial is None and "channel_id" not in modal.state


def test_next_quarter_hour() -> None:
    assert next_quarter_hour(datetime(2030, 1, 1, 9, 7, 30, tzinfo=UTC)) == datetime(2030, 1, 1, 9, 15, tzinfo=UTC)
    assert next_quarter_hour(datetime(2030, 1, 1, 9, 15, tzinfo=UTC)) == datetime(2030, 1, 1, 9, 30, tzinfo=UTC)
    assert next_quarter_hour(datetime(2030, 1, 1, 23, 50, tzinfo=UTC)) == datetime(2030, 1, 2, 0, 0, tzinfo=UTC)


async def test_provider_choices_put_connected_ones_first_and_kmeet_is_always_there(services: Services) -> None:
    modal = await new_meeting_modal(CTX, services)
    labels = [(c.value, c.label) for c in field(modal, "provider").choices]
    assert labels[0] == ("kmeet", "Infomaniak kMeet (instant rooms)")
    assert all(label.endswith("(not connected)") for _, label in labels[1:])

    await connect(services, "clickmeeting", {"api_key": CLICKMEETING_KEY})
    await connect(services, "whereby", {"api_key": WHEREBY_KEY})
    modal = await new_meeting_modal(CTX, services)
    values = [c.value for c in field(modal, "provider").choices]
    assert values == ["whereby", "clickmeeting", "kmeet", "airmeet", "roomful"]
    assert field(modal, "provider").initial == "whereby"  # the first connected one
    assert names(modal)[-4:] == ["room_mode", "is_locked", "viewer_mode", "room_name_prefix"]

    await services.storage.preferences.set_default_provider(TEAM, scope="user", scope_id="U1", provider="clickmeeting")
    assert field(await new_meeting_modal(CTX, services), "provider").initial == "clickmeeting"
    (await services.storage.preferences.set_default_provider(TEAM, scope="user", scope_id="U1", provider="airmeet"))  # not connected
    assert field(await new_meeting_modal(CTX, services), "provider").initial == "whereby"


@pytest.mark.parametrize(
    ("provider", "section"),
    [
        ("whereby", ["room_mode", "is_locked", "viewer_mode", "room_name_prefix"]),
        ("clickmeeting", ["room_type", "access_type", "password"]),
        ("kmeet", ["mode"]),
        ("airmeet", ["host_email", "short_desc", "access_type"]),
        ("roomful", ["source_type", "source_ids"]),
    ],
)
async def test_each_provider_has_its_own_section(services: Services, provider: str, section: list[str]) -> None:
    modal = await new_meeting_modal(CTX, services, provider=provider)
    assert names(modal)[9:] == section
    assert field(modal, "provider").initial == provider


async def test_airmeet_host_defaults_to_the_organisers_email(services: Services) -> None:
    modal = await new_meeting_modal(CTX, services, provider="airmeet")
    assert field(modal, "host_email").initial == "ada@example.com"
    assert {c.value for c in field(modal, "access_type").choices} == ACCESS_TYPES


def test_every_provider_has_a_section_of_its_models_fields() -> None:
    assert set(SECTIONS) == set(registry.PROVIDERS)
    for slug, section in SECTIONS.items():
        assert set(section.fields) <= set(registry.options_model(slug).model_fields), slug


async def test_kmeet_planned_is_offered_only_with_a_token(services: Services) -> None:
    mode = field(await new_meeting_modal(CTX, services, provider="kmeet"), "mode")
    assert [c.value for c in mode.choices] == ["instant"] and "/meeting connect kmeet" in (mode.hint or "")
    await connect(services, "kmeet", {"token": INFOMANIAK_TOKEN, "calendar_id": 72618})
    mode = field(await new_meeting_modal(CTX, services, provider="kmeet"), "mode")
    assert [c.value for c in mode.choices] == ["instant", "planned"] and mode.dispatch and mode.hint is None


async def test_a_second_account_adds_an_account_choice(services: Services) -> None:
    await connect(services, "whereby", {"api_key": WHEREBY_KEY})
    assert "account" not in names(await new_meeting_modal(CTX, services, provider="whereby"))
    await connect(services, "whereby", {"api_key": "wb-other"}, name="sales")
    account = field(await new_meeting_modal(CTX, services, provider="whereby"), "account")
    assert [c.value for c in account.choices] == ["default", "sales"] and account.initial == "default"


# --- checks: each bad value is named on its field, and nothing is created ---------------------------


BAD_VALUES = [
    pytest.param("kmeet", {"title": "  "}, "title", "title", id="no title"),
    pytest.param("kmeet", {"start_date": None}, "start_date", "day", id="no day"),
    pytest.param("kmeet", {"start_date": "2030-02-30"}, "start_date", "calendar", id="no such day"),
    pytest.param("kmeet", {"start_time": "25:00"}, "start_time", "time of day", id="no such time"),
    pytest.param("kmeet", {"start_date": "2030-03-19"}, "start_date", "already passed", id="day passed"),
    pytest.param("kmeet", {"start_date": "2030-03-20", "start_time": "09:00"}, "start_time", "already passed",
                 id="time passed today"),
    pytest.param("kmeet", {"start_date": "2030-03-31", "start_time": "02:30"}, "start_time", "jump forward",
                 id="DST gap"),
    pytest.param("kmeet", {"start_date": "2030-10-27", "start_time": "02:30"}, "start_time", "twice",
                 id="DST fold"),
    pytest.param("kmeet", {"start_date": "9999-12-31", "start_time": "23:59"}, "start_date", "too far ahead",
                 id="year 9999"),
    pytest.param("kmeet", {"start_date": "2031-03-21"}, "start_date", "too far ahead", id="a year and a day"),
    pytest.param("kmeet", {"duration": "0"}, "duration", "1 to 1440", id="zero minutes"),
    pytest.param("kmeet", {"duration": "1441"}, "duration", "1 to 1440", id="over a day"),
    pytest.param("kmeet", {"duration": "soon"}, "duration", "duration", id="unreadable duration"),
    pytest.param("kmeet", {"duration": None}, "duration", "how long", id="no duration"),
    pytest.param("kmeet", {"reminders": "1h,tea"}, "reminders", "reminder", id="unreadable reminder"),
    pytest.param("kmeet", {"reminders": "40d"}, "reminders", "30 days", id="reminder too early"),
    pytest.param("kmeet", {"provider": "zoom"}, "provider", "Choose a provider", id="unknown provider"),
    pytest.param("kmeet", {"mode": "planned"}, "mode", "/meeting connect kmeet", id="planned without a token"),
    pytest.param("kmeet", {"provider": "whereby"}, "provider", "/meeting connect whereby", id="not connected"),
]


@pytest.mark.parametrize(("provider", "typed", "name", "words"), BAD_VALUES)
async def test_a_bad_value_is_shown_on_its_field(
    services: Services, provider: str, typed: dict[str, Any], name: str, words: str
) -> None:
    values = await values_for(services, provider, **typed)
    errors = await FORM.check(values, {"channel_id": "C1"}, CTX, services)
    assert list(errors) == [name], errors
    assert words in errors[name]
    assert (await stored_meetings(services)) == []


async def test_a_start_past_the_year_9999_in_utc_is_a_field_error_too(services: Services) -> None:
    new_york = dataclasses.replace(CTX, user_tz="America/New_York")
    values = await values_for(services, "kmeet", start_date="9999-12-31", start_time="23:59")
    errors = await FORM.check(values, {"channel_id": "C1"}, new_york, services)
    assert list(errors) == ["start_date"] and "too far ahead" in errors["start_date"], errors
    assert (await stored_meetings(services)) == []


SECTION_BAD_VALUES = [
    pytest.param("whereby", {"room_name_prefix": "Team_1"}, "room_name_prefix", "lowercase", id="whereby prefix"),
    pytest.param("whereby", {"room_name_prefix": "a" * 40}, "room_name_prefix", "39", id="whereby prefix length"),
    pytest.param("whereby", {"viewer_mode": ["yes"], "room_mode": "normal"}, "room_mode", "group",
                 id="whereby viewer mode in a normal room"),
    pytest.param("clickmeeting", {"access_type": "2"}, "password", "needs a password", id="clickmeeting no password"),
    pytest.param("clickmeeting", {"password": "s3cret"}, "password", "With a password",
                 id="clickmeeting password on an open room"),
    pytest.param("clickmeeting", {"room_type": "party"}, "room_type", "webinar", id="clickmeeting type"),
    pytest.param("airmeet", {"host_email": "ada at example"}, "host_email", "not an e-mail", id="airmeet e-mail"),
    pytest.param("airmeet", {"host_email": None}, "host_email", "needs the host", id="airmeet no host"),
    pytest.param("airmeet", {"access_type": "EVERYONE"}, "access_type", "INVITED_ONLY", id="airmeet access"),
    pytest.param("roomful", {"source_type": "prop", "source_ids": "room-1"}, "source_ids", "prop id",
                 id="roomful prop needs two ids"),
    pytest.param("roomful", {"source_ids": None}, "source_ids", "one room id", id="roomful no id"),
]


@pytest.mark.parametrize(("provider", "typed", "name", "words"), SECTION_BAD_VALUES)
async def test_a_bad_provider_setting_is_shown_on_its_field(
    services: Services, provider: str, typed: dict[str, Any], name: str, words: str
) -> None:
    await connect(services, provider, {"api_key": "k"} if provider in ("whereby", "clickmeeting") else
            {"access_key": "ak", "secret_key": "sk"} if provider == "airmeet" else
            {"email": "bot@acme.com", "password": "pw", "network": "acme"})
    values = await values_for(services, provider, **typed)
    errors = await FORM.check(values, {}, CTX, services)
    assert list(errors) == [name], errors
    assert words in errors[name]


async def test_kmeet_planned_checks_calendar_drive_and_title(services: Services) -> None:
    await connect(services, "kmeet", {"token": INFOMANIAK_TOKEN})  # no calendar on the account
    modal = await new_meeting_modal(CTX, services, values={"provider": "kmeet", "mode": "planned"})
    assert field(modal, "calendar_id").optional is False
    values = slack_values(modal, title="x" * 151, start_date="2030-03-21", start_time="10:00",
                          recording=["yes"], calendar_id=None)
    errors = await FORM.check(values, {}, CTX, services)
    assert set(errors) == {"calendar_id", "drive_id", "title"}
    assert "150" in errors["title"] and "kDrive" in errors["drive_id"]


async def test_several_bad_values_are_all_reported_at_once(services: Services) -> None:
    values = await values_for(services, title="", start_time="7 pm", duration="0", reminders="x")
    errors = await FORM.check(values, {}, CTX, services)
    assert set(errors) == {"title", "start_time", "duration", "reminders"}
    assert all(sentence.strip() for sentence in errors.values())


def test_errors_for_fields_the_view_does_not_show_go_on_the_provider_field() -> None:
    shown = {"provider": "whereby", "title": "Demo"}
    assert on_shown_fields({"title": "Give it a title."}, shown) == {"title": "Give it a title."}
    assert on_shown_fields({"room_name_prefix": "Lowercase only."}, shown) == {"provider": "Lowercase only."}


# --- submit: the meeting, its reminders and the messages --------------------------------------------


async def test_submit_creates_a_kmeet_room_announces_it_and_stores_reminders(services: Services) -> None:
    values = await values_for(services, "kmeet", duration="45", invitees=["U2"], reminders="1h,10m", channel="C9")
    assert await FORM.check(values, {"channel_id": "C1"}, CTX, services) == {}
    reply = await FORM.submit(values, {"channel_id": "C1"}, CTX, services)
    [meeting] = await stored_meetings(services)
    assert meeting.starts_at == datetime(2030, 3, 21, 10, 0, tzinfo=ZURICH)
    assert (meeting.title, meeting.provider, meeting.duration_minutes, meeting.channel_id) == ("Standup", "kmeet", 45, "C9")
    assert meeting.invitee_ids == ("U2",) and meeting.timezone == "Europe/Zurich"
    assert sorted(r.offset_minutes for r in (await services.storage.reminders.for_meeting(TEAM, meeting.id))) == [10, 60]
    [announcement] = [m for m in reply.messages if m.audience is Audience.CHANNEL]
    assert announcement.to == "C9" and announcement.buttons[0].url == meeting.join_url
    assert meeting.join_url.startswith("https://meet.example.test/")
    assert "Room ready" in reply.text


async def test_empty_reminders_mean_none(services: Services) -> None:
    values = await values_for(services, "kmeet", reminders=None)
    await FORM.submit(values, {}, CTX, services)
    [meeting] = await stored_meetings(services)
    assert (await services.storage.reminders.for_meeting(TEAM, meeting.id)) == []


async def test_submit_on_whereby_sends_the_options_and_keeps_the_host_link_out_of_the_channel(
    services: Services, whereby: FakeWhereby
) -> None:
    await connect(services, "whereby", {"api_key": WHEREBY_KEY})
    values = await values_for(services, "whereby", viewer_mode=["yes"], room_name_prefix="team standup",
                              room_mode="group")
    assert await FORM.check(values, {}, CTX, services) == {}
    reply = await FORM.submit(values, {}, CTX, services)

    [request] = whereby.requests_to("/v1/meetings", "POST")
    body = request.json
    assert body["templateType"] == "viewerMode" and body["roomMode"] == "group"
    assert body["roomNamePrefix"] == "teamstandup" and "isLocked" not in body
    assert body["endDate"] == "2030-03-21T09:30:00Z"  # 10:00 Zurich (UTC+1) plus 30 minutes
    [room] = whereby.meetings.values()
    channel = [m for m in reply.messages if m.audience is Audience.CHANNEL]
    dms = [m for m in reply.messages if m.audience is Audience.DM]
    assert [m.buttons[0].url for m in channel] == [room.viewer_room_url]
    assert [(m.to, m.buttons[0].url) for m in dms] == [("U1", room.host_room_url)]
    assert all(room.host_room_url not in (b.url or "") for m in reply.messages if m.audience is not Audience.DM
               for b in m.buttons)


async def test_cohosts_from_the_picker_are_stored_and_get_the_host_link(
    services: Services, whereby: FakeWhereby
) -> None:
    await connect(services, "whereby", {"api_key": WHEREBY_KEY})
    values = await values_for(services, "whereby", invitees=["U2", "U3"], cohosts=["U3", "U1"])
    assert await FORM.check(values, {}, CTX, services) == {}
    reply = await FORM.submit(values, {}, CTX, services)
    [meeting] = await stored_meetings(services)
    assert (meeting.cohost_ids, meeting.invitee_ids) == (("U3",), ("U2",))  # the organiser hosts anyway
    [room] = whereby.meetings.values()
    hosts = {m.to: m.buttons[0].url for m in reply.messages if m.audience is Audience.DM and "host link" in m.text}
    assert hosts == {"U1": room.host_room_url, "U3": room.host_room_url}


async def test_a_provider_failure_leaves_nothing_half_made(services: Services, whereby: FakeWhereby) -> None:
    await connect(services, "whereby", {"api_key": WHEREBY_KEY})
    whereby.faults.add(Fault(status=500), path="/v1/meetings", method="POST")
    values = await values_for(services, "whereby")
    reply = await FORM.submit(values, {}, CTX, services)  # the registry's forms answer errors in one sentence
    assert reply.text == Unavailable(provider="whereby").user_message
    assert len(whereby.requests_to("/v1/meetings", "POST")) == 1  # a create is never blindly retried
    assert whereby.meetings == {} and (await stored_meetings(services)) == []


async def test_submit_on_kmeet_planned_sends_the_conference_settings(
    services: Services, infomaniak: FakeInfomaniak
) -> None:
    await connect(services, "kmeet", {"token": INFOMANIAK_TOKEN, "calendar_id": 72618})
    modal = await new_meeting_modal(CTX, services, values={"provider": "kmeet", "mode": "planned"})
    values = slack_values(modal, title="Board", start_date="2030-03-21", start_time="10:00", lobby=["yes"],
                          e2ee=["yes"], muted=["yes"], password="pin-42")
    assert await FORM.check(values, {}, CTX, services) == {}
    reply = await FORM.submit(values, {}, CTX, services)
    [request] = infomaniak.requests_to("/1/kmeet/rooms", "POST")
    body = request.json
    assert body["calendar_id"] == 72618 and body["starting_at"] == "2030-03-21 10:00:00"
    assert body["timezone"] == "Europe/Zurich"
    [options] = body["options"]
    assert (options["lobby_enabled"], options["e2ee_enabled"], options["start_audio_muted"]) == (True, True, True)
    assert options["enable_recording"] is False and options["password"] == "pin-42"
    assert "Room ready" in reply.text and "pin-42" not in reply.text
    assert len((await stored_meetings(services))) == 1


async def test_submit_on_clickmeeting_sends_access_type_and_password(
    services: Services, clickmeeting: FakeClickMeeting
) -> None:
    await connect(services, "clickmeeting", {"api_key": CLICKMEETING_KEY})
    values = await values_for(services, "clickmeeting", room_type="webinar", access_type="2", password="s3cret")
    assert await FORM.check(values, {}, CTX, services) == {}
    await FORM.submit(values, {}, CTX, services)
    [room] = clickmeeting.conferences.values()
    assert (room["room_type"], room["access_type"]) == ("webinar", 2)
    assert clickmeeting.passwords[room["id"]] == "s3cret"
    assert [m.room_id for m in (await stored_meetings(services))] == [str(room["id"])]


async def test_submit_on_airmeet_uses_the_host_email_from_the_form(services: Services, airmeet: FakeAirmeet) -> None:
    await connect(services, "airmeet", {"access_key": "ak", "secret_key": "sk"})
    values = await values_for(services, "airmeet", host_email="host@example.com", short_desc="Quarterly",
                              access_type="WITH_VERIFIED_EMAIL")
    assert await FORM.check(values, {}, CTX, services) == {}
    await FORM.submit(values, {}, CTX, services)
    [event] = airmeet.events.values()
    assert event.fields["hostEmail"] == "host@example.com"
    assert (event.fields["shortDesc"], event.fields["accessType"]) == ("Quarterly", "WITH_VERIFIED_EMAIL")
    assert len((await stored_meetings(services))) == 1


# --- change: the provider section follows the provider ---------------------------------------------


async def test_changing_the_provider_swaps_the_section_and_keeps_what_was_typed(services: Services) -> None:
    await connect(services, "whereby", {"api_key": WHEREBY_KEY})
    await connect(services, "kmeet", {"token": INFOMANIAK_TOKEN, "calendar_id": 1})
    opened = await new_meeting_modal(CTX, services, provider="kmeet", values={"mode": "planned"})
    typed = slack_values(opened, provider="whereby", title="Retro", start_time="16:30", invitees=["U2"],
                         password="kmeet-only")
    changed = await FORM.change(typed, opened.state, CTX, services)
    assert changed is not None and changed.callback == CALLBACK
    assert names(changed)[9:] == ["room_mode", "is_locked", "viewer_mode", "room_name_prefix"]
    assert (field(changed, "title").initial, field(changed, "start_time").initial) == ("Retro", "16:30")
    assert field(changed, "invitees").initial == ["U2"] and field(changed, "provider").initial == "whereby"
    assert changed.state == {"provider": "whereby", "channel_id": "C1"}

    back = await FORM.change(slack_values(changed, provider="clickmeeting"), changed.state, CTX, services)
    assert back is not None and names(back)[9:] == ["room_type", "access_type", "password"]
    assert field(back, "password").initial is None  # another provider's settings are not carried over


async def test_changing_the_kmeet_mode_shows_the_planned_settings(services: Services) -> None:
    await connect(services, "kmeet", {"token": INFOMANIAK_TOKEN, "calendar_id": 1})
    opened = await new_meeting_modal(CTX, services)
    changed = await FORM.change(slack_values(opened, mode="planned", title="Board"), opened.state, CTX, services)
    assert changed is not None
    assert names(changed)[9:] == ["mode", "calendar_id", "password", "lobby", "e2ee", "recording", "drive_id",
                                  "muted"]
    assert field(changed, "title").initial == "Board" and field(changed, "calendar_id").optional


async def test_a_change_keeps_exactly_the_fields_before_the_provider_section(services: Services) -> None:
    modal = await new_meeting_modal(CTX, services)
    assert set(names(modal)[:9]) == GENERAL_INPUTS


# --- the console: the same fields as key=value ------------------------------------------------------


async def test_inline_fields_create_the_same_meeting(services: Services) -> None:
    reply = await new_meeting_inline(
        {"title": "Standup", "start_date": "2030-03-21", "start_time": "10:00", "duration": "1h",
         "invitees": "@U2, U3", "cohosts": "@U4", "channel": "#C7"},
        CTX, services,
    )
    assert "Room ready" in reply.text
    [meeting] = await stored_meetings(services)
    assert (meeting.provider, meeting.duration_minutes, meeting.channel_id) == ("kmeet", 60, "C7")
    assert meeting.invitee_ids == ("U2", "U3") and meeting.cohost_ids == ("U4",)
    assert [r.offset_minutes for r in (await services.storage.reminders.for_meeting(TEAM, meeting.id))] == [10]  # workspace default


async def test_inline_errors_name_each_key(services: Services) -> None:
    reply = await new_meeting_inline({"title": "Standup", "start_date": "2030-03-19", "start_time": "10:00",
                                      "provider": "whereby"}, CTX, services)
    assert isinstance(reply, Reply) and "`start_date`" in reply.text and "`provider`" in reply.text
    assert (await stored_meetings(services)) == []
