"""commands/meeting/sections.py: the ``/meeting new`` provider sections are made from the providers' options models.

A label, hint or rule changed in a model shows in the form without a change in commands/: the
tests compare the form with the model itself, and swap in a changed model to watch the form follow.
The one-line form goes through the same model before any provider call.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import Field, model_validator

from commands.framework.context import Context, Services
from commands.framework.router import Subcommand
from commands.lifecycle.create import title_limit
from commands.meeting import GROUP
from commands.meeting.new_form import CALLBACK, new_meeting_inline, new_meeting_modal
from commands.meeting.sections import (
    HOST_EMAIL,
    SECTIONS,
    YES,
    Setup,
    plain_sentence,
    read_options,
    section_inputs,
    validated_options,
)
from db.storage import Storage
from providers import registry
from providers.base import Endpoints, OptionRule
from providers.clickmeeting.options import AccessType
from providers.errors import Rejected
from providers.whereby import RoomMode, WherebyOptions
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby
from tests.support.people import People
from tests.support.policy import FAST
from tests.support.registry import REGISTRY

NOW = datetime(2030, 3, 20, 8, 7, tzinfo=UTC)
CTX = Context(team_id="T1", user_id="U1", channel_id="C1", user_tz="Europe/Zurich", user_name="Ada")
KEY = "wb-sections-key"
EVERYWHERE = {slug: ["default"] for slug in registry.PROVIDERS}
SETUP = Setup(EVERYWHERE, "whereby", "default")
PLANNED = Setup(EVERYWHERE, "kmeet", "default", kmeet_planned=True, kmeet_calendar=True)
NO_FORM_INPUTS: frozenset[str] = frozenset()
FORM = REGISTRY.form(CALLBACK)
assert FORM is not None


def rejection(slug: str, options: dict[str, Any]) -> Rejected:
    """What the provider's own model says about ``options`` (the adapter raises the same)."""
    with pytest.raises(Rejected) as raised:
        registry.options_model(slug).parse(options, provider=slug)
    return raised.value


def shown(slug: str) -> tuple[Any, ...]:
    """Every input of ``slug``'s section, kMeet's planned ones included."""
    setup, values = (PLANNED, {"mode": "planned"}) if slug == "kmeet" else (SETUP, {})
    return section_inputs(slug, values, setup, None)


@pytest.fixture
def whereby() -> Iterator[tuple[FakeWhereby, str]]:
    fake = FakeWhereby(api_key=KEY, clock=lambda: NOW)
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
async def services(storage: Storage, whereby: tuple[FakeWhereby, str]) -> Services:
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": KEY})
    endpoints = Endpoints(whereby=f"{whereby[1]}/v1")
    return Services(storage=storage, directory=People(), endpoints=endpoints, policy=FAST, clock=lambda: NOW)


# --- inputs: the model's fields ----------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(SECTIONS))
def test_each_input_is_its_model_fields_label_hint_kind_and_choices(slug: str) -> None:
    fields = registry.options_model(slug).model_fields
    for item in shown(slug):
        if item.name == HOST_EMAIL:
            continue
        info = fields[item.name]
        assert item.label == info.title, item.name
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if item.kind == "checkbox":
            assert [(c.value, c.label) for c in item.choices] == [(YES, (info.description or "").rstrip("."))]
        elif item.kind == "select":
            assert {c.value: c.label for c in item.choices} == extra["labels"]
        elif (slug, item.name) != ("kmeet", "calendar_id"):  # its hint says what the account has
            assert item.hint == info.description, item.name


def test_input_kinds_follow_the_field_types() -> None:
    kinds = {(slug, item.name): (item.kind, item.secret) for slug in SECTIONS for item in shown(slug)}
    assert kinds["whereby", "room_mode"] == ("select", False)  # an enum
    assert kinds["kmeet", "mode"] == ("select", False)  # a Literal
    assert kinds["whereby", "viewer_mode"] == ("checkbox", False)  # a Flag
    assert kinds["kmeet", "calendar_id"] == ("number", False)  # an int
    assert kinds["clickmeeting", "password"] == ("text", True)  # a SecretStr
    assert kinds["kmeet", "password"] == ("text", True)
    assert kinds["roomful", "source_ids"] == ("text", False)


def test_an_input_is_optional_unless_the_model_refuses_to_go_without_it() -> None:
    optional = {(slug, item.name): item.optional for slug in SECTIONS for item in shown(slug)}
    assert optional["roomful", "source_ids"] is False  # its rule wants at least one id
    assert optional["whereby", "room_name_prefix"] and optional["clickmeeting", "password"]
    assert optional["whereby", "room_mode"] and not optional["clickmeeting", "access_type"]  # no default / one


def test_airmeet_asks_for_the_host_because_its_model_requires_one() -> None:
    assert registry.options_model("airmeet").host_email_required  # type: ignore[attr-defined]
    assert [item.name for item in shown("airmeet")][0] == HOST_EMAIL
    assert all(HOST_EMAIL not in [item.name for item in shown(slug)] for slug in SECTIONS if slug != "airmeet")


# --- a changed model changes the form --------------------------------------------------------------


class StricterWhereby(WherebyOptions):
    """Whereby as it might change: shorter prefixes, and no locked group rooms."""

    room_name_prefix: str | None = Field(
        None, title="Room prefix", pattern="^[a-z]{0,5}$", description="Five lowercase letters at most.",
    )

    @model_validator(mode="after")
    def _no_locked_group_rooms(self) -> StricterWhereby:
        if self.is_locked and self.room_mode is RoomMode.GROUP:
            raise OptionRule("is_locked", "This Whereby plan cannot lock a group room.")
        return self


def test_a_rule_label_or_hint_changed_in_the_model_shows_in_the_form(monkeypatch: pytest.MonkeyPatch) -> None:
    original = registry.options_model
    monkeypatch.setattr(registry, "options_model",
                        lambda slug: StricterWhereby if slug == "whereby" else original(slug))
    [prefix] = [item for item in section_inputs("whereby", {}, SETUP, None) if item.name == "room_name_prefix"]
    assert (prefix.label, prefix.hint) == ("Room prefix", "Five lowercase letters at most.")

    typed = {"room_name_prefix": "standup", "room_mode": "group", "is_locked": [YES]}
    options, errors = read_options("whereby", typed, SETUP, form_inputs=NO_FORM_INPUTS)
    assert options == {}
    assert errors == {
        "room_name_prefix": rejection("whereby", {"room_name_prefix": "standup"}).user_message,
        "is_locked": "This Whereby plan cannot lock a group room.",
    }
    assert "five lowercase letters at most" in errors["room_name_prefix"]
    assert read_options("whereby", {"room_name_prefix": "team"}, SETUP, form_inputs=NO_FORM_INPUTS)[1] == {}


async def test_the_forms_error_for_a_bad_whereby_prefix_is_the_models_sentence(services: Services) -> None:
    model_says = rejection("whereby", {"room_name_prefix": "Team_1"}).user_message
    modal = await new_meeting_modal(CTX, services, provider="whereby")
    values = {item.name: item.initial for item in modal.inputs} | {
        "title": "Standup", "start_date": "2030-03-21", "start_time": "10:00", "room_name_prefix": "Team_1"}
    errors = await FORM.check(values, {}, CTX, services)
    assert errors == {"room_name_prefix": model_says.replace("`", "")}  # a modal shows no mrkdwn

    reply = await new_meeting_inline({"provider": "whereby", "title": "Standup", "start_date": "2030-03-21",
                                      "start_time": "10:00", "room_name_prefix": "Team_1"}, CTX, services)
    assert reply.text == f"`room_name_prefix`: {model_says}"


# --- reading: every error at once, and the options the model validated ------------------------------


def test_the_options_handed_over_are_the_validated_models() -> None:
    typed = {"room_mode": "Group", "viewer_mode": [YES], "is_locked": [], "room_name_prefix": "team standup"}
    assert read_options("whereby", typed, SETUP, form_inputs=NO_FORM_INPUTS) == (
        {"room_mode": RoomMode.GROUP, "viewer_mode": True, "room_name_prefix": "teamstandup"}, {})
    options, errors = read_options("clickmeeting", {"access_type": "2", "password": " s3cret "}, SETUP,
                                   form_inputs=NO_FORM_INPUTS)
    assert errors == {} and options["access_type"] is AccessType.PASSWORD
    assert options["password"].get_secret_value() == "s3cret" and "s3cret" not in repr(options)


def test_every_bad_field_of_a_submission_is_named_at_once() -> None:
    typed = {"room_type": "party", "access_type": "9", "password": "s3cret"}
    _, errors = read_options("clickmeeting", typed, SETUP, form_inputs=NO_FORM_INPUTS)
    assert set(errors) == {"room_type", "access_type", "password"}
    assert all("s3cret" not in sentence for sentence in errors.values())
    assert errors["password"] == rejection("clickmeeting", {"password": "x"}).user_message


def test_the_console_reaches_every_model_field_and_unknown_keys_are_refused() -> None:
    options, errors = read_options("clickmeeting", {"lobby_enabled": "yes", "title": "x"}, SETUP,
                                   form_inputs=frozenset({"title"}))
    assert errors == {} and options == {"lobby_enabled": True}  # not in the modal, still an option
    _, errors = read_options("clickmeeting", {"lobby": "yes"}, SETUP, form_inputs=NO_FORM_INPUTS)
    assert errors == {"lobby": rejection("clickmeeting", {"lobby": "yes"}).user_message}


def test_kmeet_planned_needs_a_token_and_its_title_limit_is_the_models_via_the_one_title_check() -> None:
    no_token = Setup(EVERYWHERE, "kmeet", "default")
    _, errors = read_options("kmeet", {"lobby": "yes"}, no_token, form_inputs=NO_FORM_INPUTS)  # implies planned
    assert "/meeting connect kmeet" in errors["mode"]
    limit = registry.options_model("kmeet").title_max_length  # type: ignore[attr-defined]
    assert title_limit("kmeet") == limit  # one title check for every provider and mode (create.title_problem)
    values = {"title": "x" * (limit + 1), "mode": "planned"}
    assert read_options("kmeet", values, PLANNED, form_inputs=frozenset({"title"}))[1] == {}


def test_a_modal_sentence_names_a_choice_by_its_label() -> None:
    sentence = rejection("clickmeeting", {"password": "x"}).user_message
    assert "`access_type=2`" in sentence
    assert "“With a password”" in plain_sentence("clickmeeting", sentence) and "`" not in plain_sentence(
        "clickmeeting", sentence)


# --- the one-line form goes through the same model --------------------------------------------------


async def test_one_line_options_are_the_models_before_any_provider_call(
    services: Services, whereby: tuple[FakeWhereby, str]
) -> None:
    fake, _ = whereby
    bad = await REGISTRY.dispatch("/meeting", 'new whereby "Demo" tomorrow 10:00 room_name_prefix=Team_1',
                                  CTX, services)
    assert rejection("whereby", {"room_name_prefix": "Team_1"}).user_message in bad.text
    assert fake.requests_to("/v1/meetings", "POST") == []

    good = await REGISTRY.dispatch("/meeting", 'new whereby "Demo" tomorrow 10:00 room_mode=group viewer_mode=yes',
                                   CTX, services)
    assert "Room ready" in good.text
    [request] = fake.requests_to("/v1/meetings", "POST")
    assert (request.json["roomMode"], request.json["templateType"]) == ("group", "viewerMode")


def test_validated_options_raise_the_models_rejection() -> None:
    assert validated_options("kmeet", {}) == {}
    with pytest.raises(Rejected) as raised:
        validated_options("kmeet", {"recording": "yes"})
    assert raised.value.field == "drive_id"


def test_new_help_lists_every_setting_of_every_provider_from_its_model() -> None:
    new = GROUP.table()["new"]
    assert isinstance(new, Subcommand)
    text = new.help("/meeting")
    for slug in registry.slugs():
        for name in registry.options_model(slug).model_fields:
            assert f"`{name}=" in text, (slug, name)
    assert "`room_mode=normal|group`" in text and "`lobby=yes|no`" in text and "`host_email=" in text
