"""Any text to every ``/meeting`` subcommand, any values in the ``new_meeting`` and
``connect_provider`` forms: one plain sentence back when refused, never an internal error, never a
secret echoed, and nothing stored on refusal (issue 8, "How it is checked"). SQLite and PostgreSQL;
the providers are the loopback fakes, the subcommands come from the registry, so new ones are covered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from commands import meeting as meeting_commands
from commands.framework.context import Context, Services
from commands.framework import errors
from commands.framework.errors import DATABASE_UNREACHABLE, SOMETHING_WENT_WRONG
from commands.framework.replies import Audience, Input, Reply
from commands.meeting.connect import connect_modal
from commands.meeting.new_form import CALLBACK as NEW_MEETING
from commands.meeting.new_form import new_meeting_modal
from db.storage import Storage
from providers import registry
from providers.base import Endpoints
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.kmeet import FakeInfomaniak
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby
from tests.support.meetings import seed_meeting
from tests.support.people import People
from tests.support.policy import FAST
from tests.support.registry import REGISTRY
from tests.support.sentences import assert_one_sentence

SECRET = "s3cr3t-Vq81Zk0p"  # typed where a key goes, or anywhere: never shown back, never logged
NOW = datetime(2030, 3, 20, 8, 0, tzinfo=UTC)
SUBCOMMANDS = sorted(meeting_commands.GROUP.table())
SLUGS = registry.slugs()
EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TABLES = ("meeting", "meetingparticipant", "reminder", "provideraccount", "preference", "issuedtoken")

words = st.sampled_from([
    *SLUGS, "help", "mine", "past", "page", "0", "-1", "99999999999999999999", "none", "--channel", "all",
    "tomorrow", "10:00", "9999-12-31", "23:59", "yesterday", "for", "1h", "0m", "cohost", "invite", "remind",
    "1d,15m", "<@U2>", "<@U9|ghost>", "<#C1|general>", "<#G0SECRET>", "#quiet", "@here", '"', "'", "=", "\\",
    f"api_key={SECRET}", f"password={SECRET}", f"token={SECRET}", "access_type=3", "bogus=1", "room_mode=group", "k7m2qx",
    "<MEETING>", "<TOKEN ROOM>", "<WHEREBY>", "x" * 300,
    # /meeting move: time phrases and lengths as people type them
    "in 2 hours", "next monday 10am", "3pm tomorrow", "noon", "dec 5 14:00", "05.12.2030 10:00", "2030-03-21T10:00",
    "10:00 EST", "10:00 America/New_York", "Mars/Olympus", "2030-10-27 02:30", "2030-03-31 02:30", "25:00", "for 45m", "\u202e", "\u00a0", "\n", "`", "*", "<!channel>",
])
typed = st.lists(st.one_of(words, st.text(max_size=12)), max_size=6).map(" ".join)
people = st.sampled_from(["U1", "U2"])  # an admin, a member
times = st.sampled_from(["tomorrow 10:00", "in 2 hours", "next monday 10am", "3pm tomorrow", "noon", "dec 5 14:00",
                         "2030-03-21T10:00", "10:00 America/New_York", "yesterday 10:00", "2030-10-27 02:30"])
NOT_CONNECTED_FIELD_ERROR = "an admin can run /meeting connect"


@pytest.fixture(scope="module")
def endpoints() -> Iterator[Endpoints]:
    whereby, clickmeeting = FakeWhereby(api_key="wb-key"), FakeClickMeeting(api_key="cm-key")
    airmeet, kmeet = FakeAirmeet(access_key="ak", secret_key="sk"), FakeInfomaniak(token="ik-token")
    with serve(whereby.app) as wb, serve(clickmeeting.app) as cm, serve(airmeet.app) as am, serve(kmeet.app) as km:
        yield Endpoints(whereby=wb + "/v1", clickmeeting=cm + "/v1", airmeet=am, infomaniak=km,
                        kmeet_host="meet.example.test")


@pytest.fixture
async def services(storage: Storage, endpoints: Endpoints) -> Services:
    for slug, key in (("whereby", "wb-key"), ("clickmeeting", "cm-key")):
        await storage.accounts.save("T1", provider=slug, credentials={"api_key": key})
    return Services(storage=storage, directory=People(), endpoints=endpoints, policy=FAST, clock=lambda: NOW)


@pytest.fixture
async def seeded(storage: Storage) -> dict[str, str]:
    """Meeting ids the typed text may name: ``<MEETING>`` (kMeet), ``<TOKEN ROOM>`` (ClickMeeting, a room
    the fake does not know: a provider refusal) and ``<WHEREBY>`` (moved to a new room)."""
    return {
        "<MEETING>": (await seed_meeting(storage, now=NOW, organiser="U3", invitee_ids=["U2"], reminders=1)).id,
        "<TOKEN ROOM>": (await seed_meeting(storage, now=NOW, organiser="U3", invitee_ids=["U2"],
                                            provider="clickmeeting", room_id="1", provider_data={"access_type": 3})).id,
        # Moving it makes a new room at the fake (the old one, unknown there, counts as deleted).
        "<WHEREBY>": (await seed_meeting(storage, now=NOW, organiser="U1", cohost_ids=["U2"], provider="whereby",
                                         room_id="404", provider_data={"options": {"room_mode": "group"}})).id,
    }


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sentences the guard answered errors with (a refusal: the command raised), in order."""
    said: list[str] = []
    original = errors.sentence_for

    def recording(error: Exception, *, where: str) -> str:
        said.append(original(error, where=where))
        return said[-1]

    monkeypatch.setattr(errors, "sentence_for", recording)
    return said


def assert_plain_sentence(message: str) -> None:
    """One sentence; it may open with the quoted value it is about (``'25:61' is not a time of day…``)
    or a name spelt in lower case (kMeet)."""
    assert_one_sentence(re.sub(r"^('[^']*'|`[^`]*`|kMeet)", "It", message))


def ctx(user: str) -> Context:
    return Context(team_id="T1", user_id=user, channel_id="C1", user_tz="Europe/Zurich")


def stored(storage: Storage) -> dict[str, Any]:
    with storage.engine.connect() as connection:
        counts: dict[str, Any] = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
        counts["cancelled"] = connection.execute(
            text("SELECT count(*) FROM meeting WHERE status = 'cancelled'")).scalar_one()
    return counts


def shown(reply: Reply) -> str:
    """Everything a reply shows anyone: texts, fields, buttons, a modal."""
    return "\n".join(f"{m.text} {m.fields} {m.buttons}" for m in reply.messages) + str(reply.modal or "")


def assert_answered(reply: Reply, before: dict[str, Any], after: dict[str, Any],
                    caplog: pytest.LogCaptureFixture, refusals: list[str]) -> None:
    everything = shown(reply)
    assert reply.messages or reply.modal is not None
    for internal in (SOMETHING_WENT_WRONG, DATABASE_UNREACHABLE, "Traceback"):
        assert internal not in everything
    assert SECRET not in everything
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    if refusals:  # refused: that one sentence, only to the speaker, and nothing stored
        [message] = reply.messages
        assert message.text == refusals[-1] and message.audience is Audience.REQUESTER
        assert_plain_sentence(message.text)
        assert after == before


@EXAMPLES
@given(subcommand=st.sampled_from(SUBCOMMANDS), rest=typed, user=people)
async def test_any_text_to_any_subcommand(  # type: ignore[no-untyped-def]
    services: Services, storage: Storage, seeded, caplog: pytest.LogCaptureFixture, refusals, subcommand, rest, user
) -> None:
    refusals.clear()
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    before = stored(storage)
    for word, meeting_id in seeded.items():
        rest = rest.replace(word, meeting_id)
    reply = await REGISTRY.dispatch("/meeting", f"{subcommand} {rest}", ctx(user), services)
    assert_answered(reply, before, stored(storage), caplog, refusals)


@EXAMPLES
@given(target=st.sampled_from(["<MEETING>", "<TOKEN ROOM>", "<WHEREBY>", "zzzzzz", ""]), user=people,
       rest=st.one_of(typed, st.tuples(times, st.sampled_from(["", " for 45m", " for 2 hours", " for 0m"])).map("".join)))
async def test_any_time_to_move(  # type: ignore[no-untyped-def]
    services: Services, storage: Storage, seeded, caplog: pytest.LogCaptureFixture, refusals, target, rest, user
) -> None:
    """``/meeting move <id> <anything>``: moved, or one sentence and nothing changed (the rows above, and
    the meeting's time and room)."""
    refusals.clear()
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    meeting_id = seeded.get(target, target)
    was = await storage.meetings.get("T1", meeting_id) if meeting_id else None
    before = stored(storage)
    reply = await REGISTRY.dispatch("/meeting", f"move {meeting_id} {rest}", ctx(user), services)
    assert_answered(reply, before, stored(storage), caplog, refusals)
    event("refused" if refusals else "moved")
    if refusals and was is not None:
        now = await storage.meetings.get("T1", meeting_id)
        assert now is not None and (now.starts_at, now.room_id, now.join_url) == (was.starts_at, was.room_id,
                                                                                   was.join_url)


async def test_list_does_not_repeat_a_pasted_key(services: Services) -> None:
    reply = await REGISTRY.dispatch("/meeting", f"list api_key={SECRET}", ctx("U1"), services)
    assert SECRET not in reply.text


async def test_the_new_meeting_form_names_an_unconnected_provider_in_one_sentence(services: Services) -> None:
    form = REGISTRY.form(NEW_MEETING)
    assert form is not None
    modal = await new_meeting_modal(ctx("U1"), services, provider="airmeet")
    values = {item.name: item.initial for item in modal.inputs}
    errors = await form.check(values | {"provider": "airmeet"}, dict(modal.state), ctx("U1"), services)
    assert NOT_CONNECTED_FIELD_ERROR in errors["provider"]
    assert_plain_sentence(errors["provider"])


def modal_value(item: Input) -> st.SearchStrategy[Any]:
    """Anything Slack could submit for ``item``; the secret only in secret inputs (a value typed in a
    plain field, such as reminders, may be quoted back to the person who typed it)."""
    if item.secret:
        return st.one_of(st.none(), st.just(SECRET), st.text(max_size=12).map(lambda t: SECRET + t))
    if item.kind in ("users", "checkbox", "channel"):
        return st.lists(st.one_of(st.sampled_from(["U2", "U4", "U9", "C1", "G0SECRET", ""]), st.text(max_size=6)),
                        max_size=3)
    plain = words.filter(lambda word: SECRET not in word)
    return st.one_of(st.none(), plain, st.text(max_size=20), st.sampled_from(
        ["2030-03-21", "10:00", "2030-02-30", "25:61", "9999-12-31", "-5", "1e9", *(c.value for c in item.choices)]))


@EXAMPLES
@given(provider=st.sampled_from([None, *SLUGS]), data=st.data(), user=people)
async def test_any_values_in_the_new_meeting_form(  # type: ignore[no-untyped-def]
    services: Services, storage: Storage, caplog: pytest.LogCaptureFixture, refusals, provider, data, user
) -> None:
    refusals.clear()
    form = REGISTRY.form(NEW_MEETING)
    assert form is not None
    modal = await new_meeting_modal(ctx(user), services, provider=provider)
    values = {item.name: data.draw(modal_value(item), label=item.name) for item in modal.inputs}
    await submit_anything(form, values, dict(modal.state), user, services, storage, caplog, refusals)


@EXAMPLES
@given(provider=st.sampled_from(SLUGS), data=st.data(), user=people)
async def test_any_values_in_the_connect_form(  # type: ignore[no-untyped-def]
    services: Services, storage: Storage, caplog: pytest.LogCaptureFixture, refusals, provider, data, user
) -> None:
    refusals.clear()
    form = REGISTRY.form("connect_provider")
    assert form is not None
    modal = await connect_modal(provider, ctx("U1"), services)
    values = {item.name: data.draw(modal_value(item), label=item.name) for item in modal.inputs}
    await submit_anything(form, values, dict(modal.state), user, services, storage, caplog, refusals)


async def submit_anything(form: Any, values: dict[str, Any], state: dict[str, str], user: str, services: Services,
                          storage: Storage, caplog: pytest.LogCaptureFixture, refusals: list[str]) -> None:
    """Check, and submit what passes the check (as Slack does); field errors are sentences, and a
    form refused in its check stores nothing."""
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    before = stored(storage)
    errors = await form.check(values, state, ctx(user), services)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    if errors:
        for sentence in errors.values():
            assert SECRET not in sentence
            assert_plain_sentence(sentence)
        assert stored(storage) == before
        return
    reply = await form.submit(values, state, ctx(user), services)
    assert_answered(reply, before, stored(storage), caplog, refusals)


# --- what the property found, each pinned by an example ----------------------------------------------


async def test_a_nul_character_is_dropped_before_it_reaches_the_database(
    services: Services, storage: Storage, seeded: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    meeting_id = seeded["<MEETING>"]
    reply = await REGISTRY.dispatch("/meeting", f"link {meeting_id[:3]}\x00{meeting_id[3:]}", ctx("U2"), services)
    assert DATABASE_UNREACHABLE not in reply.text and f"`{meeting_id}`" in reply.text
    missing = await REGISTRY.dispatch("/meeting", "cancel zz\x00zz", ctx("U1"), services)
    assert missing.text == "There is no meeting `zzzz` in this workspace; `/meeting list` shows the ids."
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("key", ["k\u00e9y-123", "abc\u00a0def", "\u201cabc\u201d", "ab\x80"])
async def test_a_key_no_provider_could_be_sent_is_refused_in_words(
    key: str, services: Services, storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    before = stored(storage)
    if "\u00a0" not in key and "\u201c" not in key:  # the one line splits at those, or reads them as quotes
        reply = await REGISTRY.dispatch("/meeting", f"connect whereby api_key={key}", ctx("U1"), services)
        assert reply.text == ("Nothing was saved — `api_key=`: API key has characters no key has: copy it again "
                              "from Whereby; `/meeting connect whereby` shows the fields.")
        assert_plain_sentence(reply.text)
    form = REGISTRY.form("connect_provider")
    assert form is not None
    errors = await form.check({"api_key": key, "account": None}, {"provider": "clickmeeting"}, ctx("U1"), services)
    assert errors == {"api_key": "API key has characters no key has: copy it again from ClickMeeting."}
    assert stored(storage) == before and key not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
