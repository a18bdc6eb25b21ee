"""Each provider's options model: the one place its option rules live, read by adapters and forms alike."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers import registry
from providers.airmeet.options import ACCESS_TYPES, AirmeetOptions
from providers.base import ProviderOptions
from providers.clickmeeting.options import AccessType, ClickMeetingOptions, RoomType
from providers.errors import Rejected
from providers.kmeet import KMeetOptions
from providers.roomful.options import RoomfulOptions, SourceType
from providers.whereby import RoomMode, WherebyOptions


def rejected(model: type[ProviderOptions], slug: str, **options: object) -> Rejected:
    with pytest.raises(Rejected) as caught:
        model.parse(options, provider=slug)
    return caught.value


def test_registry_finds_each_model_by_slug() -> None:
    assert {slug: registry.options_model(slug) for slug in registry.slugs()} == {
        "kmeet": KMeetOptions, "whereby": WherebyOptions, "clickmeeting": ClickMeetingOptions,
        "airmeet": AirmeetOptions, "roomful": RoomfulOptions,
    }
    for slug in registry.slugs():
        assert registry.adapter_class(slug).options_model is registry.options_model(slug)


def test_roomful_options_load_without_socket_io() -> None:
    # A fresh interpreter: this test process may have loaded socket.io for other tests already.
    code = (
        "import sys\n"
        "from providers import registry\n"
        "import providers.roomful.options\n"
        "assert registry.options_model('roomful').__name__ == 'RoomfulOptions'\n"
        "assert 'socketio' not in sys.modules and 'engineio' not in sys.modules, 'socket.io was loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(("word", "value"), [("yes", True), ("ON", True), ("1", True), (True, True),
                                             ("no", False), ("off", False), ("", False), (False, False)])
def test_flags_take_bools_and_the_console_words(word: object, value: bool) -> None:
    assert KMeetOptions.parse({"mode": "planned", "lobby": word}, provider="kmeet").lobby is value


def test_a_flag_that_is_neither_says_so_and_names_the_field() -> None:
    error = rejected(KMeetOptions, "kmeet", lobby="maybe")
    assert error.field == "lobby"
    assert error.user_message == "kMeet cannot take that `lobby` (Lobby): it takes yes or no."


def test_an_unknown_option_is_named_with_the_known_ones() -> None:
    error = rejected(WherebyOptions, "whereby", password="x")
    assert error.field == "password"
    assert error.user_message.startswith("Whereby has no option `password`; it understands `room_mode`")


def test_a_secret_is_never_echoed() -> None:
    error = rejected(ClickMeetingOptions, "clickmeeting", access_type="1", password="hunter2-secret")
    assert error.field == "password"
    assert "hunter2" not in error.user_message and "hunter2" not in str(error)
    error = rejected(KMeetOptions, "kmeet", password=["hunter2-secret"])
    assert error.field == "password" and "hunter2" not in str(error)


def test_every_field_has_a_form_label_and_a_hint() -> None:
    for slug in registry.slugs():
        for name, field in registry.options_model(slug).model_fields.items():
            assert field.title and field.description, f"{slug}.{name}"


def test_whereby_rules() -> None:
    options = WherebyOptions.parse({"room_mode": "GROUP", "room_name_prefix": "team standup"}, provider="whereby")
    assert (options.room_mode, options.room_name_prefix) == (RoomMode.GROUP, "teamstandup")
    assert WherebyOptions.parse({"room_name_prefix": "Team Sync"}, provider="whereby").room_name_prefix == "teamsync"
    assert rejected(WherebyOptions, "whereby", room_name_prefix="team_sync").field == "room_name_prefix"
    assert rejected(WherebyOptions, "whereby", viewer_mode="yes", room_mode="normal").field == "room_mode"
    assert rejected(WherebyOptions, "whereby", viewer_mode=True, is_locked="no").field == "is_locked"


def test_kmeet_rules_and_request_limits() -> None:
    assert KMeetOptions.title_max_length == 150
    assert KMeetOptions.parse({}, provider="kmeet").planned is False
    assert KMeetOptions.parse({"lobby": "yes"}, provider="kmeet").planned is True  # a planned-only option
    assert KMeetOptions.parse({"mode": "Instant", "lobby": "yes"}, provider="kmeet").planned is False
    assert rejected(KMeetOptions, "kmeet", mode="sometimes").field == "mode"
    assert rejected(KMeetOptions, "kmeet", mode="planned", recording="yes").field == "drive_id"
    assert rejected(KMeetOptions, "kmeet", calendar_id="work").field == "calendar_id"


def test_clickmeeting_rules() -> None:
    options = ClickMeetingOptions.parse({"access_type": "2", "password": "p", "lobby_enabled": "yes"},
                                        provider="clickmeeting")
    assert (options.room_type, options.access_type, options.lobby_enabled) == (RoomType.MEETING,
                                                                               AccessType.PASSWORD, True)
    assert rejected(ClickMeetingOptions, "clickmeeting", lobby_enabled="sometimes").field == "lobby_enabled"
    assert rejected(ClickMeetingOptions, "clickmeeting", access_type=2).field == "password"
    assert rejected(ClickMeetingOptions, "clickmeeting", access_type=7).field == "access_type"
    assert rejected(ClickMeetingOptions, "clickmeeting", room_type="party").field == "room_type"


def test_airmeet_access_types_are_the_seeds() -> None:
    assert ACCESS_TYPES == {"INVITED_ONLY", "WITH_VERIFIED_EMAIL", "WITHOUT_VERIFIED_EMAIL", "EMAIL_UNIQUE_LINK"}
    assert AirmeetOptions.host_email_required
    assert rejected(AirmeetOptions, "airmeet", access_type="EVERYONE").field == "access_type"


def test_roomful_needs_as_many_ids_as_the_place() -> None:
    options = RoomfulOptions.parse({"source_type": "prop", "source_ids": "r1, p1"}, provider="roomful")
    assert (options.source_type, options.source_ids) == (SourceType.PROP, ("r1", "p1"))
    assert rejected(RoomfulOptions, "roomful", source_type="prop", source_ids=["r1"]).field == "source_ids"
    assert rejected(RoomfulOptions, "roomful").field == "source_ids"
    assert rejected(RoomfulOptions, "roomful", source_type="hall", source_ids="x").field == "source_type"
    assert rejected(RoomfulOptions, "roomful", source_ids="r1", color="red").field == "color"


def test_a_choice_outside_the_list_names_every_choice_with_its_label() -> None:
    from providers.clickmeeting.options import ClickMeetingOptions

    with pytest.raises(Rejected) as caught:
        ClickMeetingOptions.parse({"room_type": "seminar"}, provider="clickmeeting")
    assert caught.value.field == "room_type"
    assert "choose one of `meeting` (Meeting), `webinar` (Webinar)" in caught.value.user_message
    assert "seminar" not in caught.value.user_message  # what was typed is never quoted


@pytest.mark.parametrize(
    ("slug", "typed", "meant"),
    [
        ("whereby", "room_mod", "room_mode"),
        ("kmeet", "lobbby", "lobby"),
        ("kmeet", "calendar", "calendar_id"),
        ("clickmeeting", "acces_type", "access_type"),
        ("clickmeeting", "skinid", "skin_id"),
        ("airmeet", "short_description", "short_desc"),
        ("roomful", "source_id", "source_ids"),
    ],
)
def test_an_unknown_option_close_to_a_known_one_asks_did_you_mean(slug: str, typed: str, meant: str) -> None:
    error = rejected(registry.options_model(slug), slug, **{typed: "group"})
    assert error.field == typed and error.reason == "unknown option"
    assert error.user_message.endswith(f"has no option `{typed}` — did you mean `{meant}`?")
    assert "group" not in error.user_message


@pytest.mark.parametrize("slug", ["whereby", "kmeet", "clickmeeting", "airmeet", "roomful"])
def test_every_provider_refuses_an_unknown_option(slug: str) -> None:
    error = rejected(registry.options_model(slug), slug, bogus="1")
    assert error.field == "bogus" and "has no option `bogus`" in error.user_message


def test_a_key_that_is_no_option_name_is_not_repeated() -> None:
    error = rejected(KMeetOptions, "kmeet", **{"xK9pQ2mZr7TsecretTOKEN": "1"})
    assert "xK9pQ2" not in error.user_message and "has no such option" in error.user_message


@given(
    slug=st.sampled_from(["whereby", "kmeet", "clickmeeting", "airmeet", "roomful"]),
    key=st.text(min_size=1, max_size=30),
    value=st.from_regex(r"Zq[0-9]{6,12}", fullmatch=True),
)
def test_any_unknown_option_gets_one_sentence_without_the_value(slug: str, key: str, value: str) -> None:
    model = registry.options_model(slug)
    if key in model.model_fields or key in ("settings", "registration"):
        return
    with pytest.raises(Rejected) as caught:
        model.parse({key: value}, provider=slug)
    sentence = caught.value.user_message
    assert value not in sentence.replace(f"`{key}`", "")
    assert "\n" not in sentence and sentence[-1] in ".?"
    assert caught.value.field == key and caught.value.reason == "unknown option"
