"""commands/meeting/connect.py, credentials.py, disconnect.py and default.py: parsing inline keys, field errors, who may connect, and that keys never leak.

The providers are the loopback fakes; what was saved is read back from the repository (both
databases), and what reached the provider from the fake's recorded requests.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from commands.framework.arguments import read
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.replies import Reply
from commands.meeting.connect import ConnectArgs, connect_modal
from commands.meeting.credentials import FieldErrors, plain_credentials, read_credentials
from db.storage import Storage
from providers.base import Endpoints
from tests.fakes.airmeet import FakeAirmeet
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.kmeet import FakeInfomaniak
from tests.fakes.roomful import FakeRoomful
from tests.fakes.server import Fault, serve
from tests.fakes.whereby import FakeWhereby
from tests.support.people import People
from tests.support.policy import FAST
from tests.support.registry import REGISTRY

WHEREBY_KEY = "wb-secret-7Qx93kLm"
CM_KEY = "cm-secret-Zr81Pq0w"
ADMIN = Context(team_id="T1", user_id="U1", channel_id="C1", user_tz="Europe/Zurich")
MEMBER = Context(team_id="T1", user_id="U2", channel_id="C1", user_tz="America/New_York")


@dataclass
class Fakes:
    whereby: FakeWhereby
    clickmeeting: FakeClickMeeting
    airmeet: FakeAirmeet
    kmeet: FakeInfomaniak
    roomful: FakeRoomful
    endpoints: Endpoints


@pytest.fixture(scope="module")
def fakes() -> Iterator[Fakes]:
    whereby, clickmeeting = FakeWhereby(api_key=WHEREBY_KEY), FakeClickMeeting(api_key=CM_KEY)
    airmeet = FakeAirmeet(access_key="ak-live", secret_key="sk-live-secret")
    kmeet = FakeInfomaniak(token="ik-secret-token")
    roomful = FakeRoomful(email="bot@acme.test", password="rf secret pw", network="acme")
    with (serve(whereby.app) as wb, serve(clickmeeting.app) as cm, serve(airmeet.app) as am,
          serve(kmeet.app) as km, serve(roomful.app) as rf):
        endpoints = Endpoints(whereby=wb + "/v1", clickmeeting=cm + "/v1", airmeet=am, infomaniak=km, roomful=rf)
        yield Fakes(whereby, clickmeeting, airmeet, kmeet, roomful, endpoints)


@pytest.fixture
def services(storage: Storage, fakes: Fakes) -> Services:
    for fake in (fakes.whereby, fakes.clickmeeting, fakes.airmeet, fakes.kmeet, fakes.roomful):
        fake.requests.clear()
        fake.faults.clear()
    return Services(storage=storage, directory=People(), endpoints=fakes.endpoints, policy=FAST)


async def meeting(text: str, ctx: Context, services: Services) -> Reply:
    return await REGISTRY.dispatch("/meeting", text, ctx, services)


def assert_no_secret(secret: str, reply: Reply, caplog: pytest.LogCaptureFixture) -> None:
    assert secret not in reply.text
    assert all(secret not in str(getattr(m, name)) for m in reply.messages for name in ("fields", "buttons"))
    assert all(secret not in record.getMessage() for record in caplog.records)


# --- parsing ------------------------------------------------------------------------------------


def parse_arguments(text: str) -> ConnectArgs:
    return read(ConnectArgs, text, command="/meeting connect")


def test_inline_values_may_be_quoted_and_keep_apostrophes() -> None:
    parsed = parse_arguments("""roomful email=bot@acme.com password="p w&amp;d" network=acme account=it's""")
    assert parsed.provider == "roomful" and parsed.account == "it's"
    assert parsed.credentials() == {"email": "bot@acme.com", "password": "p w&d", "network": "acme"}
    smart = parse_arguments("airmeet ACCESS_KEY=“A K” secret_key='s k' region=eu")
    assert smart.credentials() == {"access_key": "A K", "secret_key": "s k", "region": "eu"}


def test_slack_escapes_in_values_are_undone() -> None:
    parsed = parse_arguments("roomful email=<mailto:bot@acme.com|bot@acme.com> password=a&lt;b&gt;c")
    assert parsed.credentials() == {"email": "bot@acme.com", "password": "a<b>c"}


def test_parse_errors_never_repeat_the_value() -> None:
    with pytest.raises(UserError) as unclosed:
        parse_arguments('whereby api_key="sekrit-value')
    assert "api_key" in str(unclosed.value) and "sekrit" not in str(unclosed.value)
    with pytest.raises(UserError) as twice:
        parse_arguments("whereby api_key=one-secret api_key=two-secret")
    assert "twice" in str(twice.value) and "secret" not in str(twice.value)


# --- credentials --------------------------------------------------------------------------------


def test_missing_unknown_and_invalid_fields_are_named_without_values() -> None:
    with pytest.raises(FieldErrors) as missing:
        read_credentials("whereby", {"api_key": "   "})
    assert missing.value.errors == {"api_key": "API key is required."}
    with pytest.raises(FieldErrors) as unknown:
        read_credentials("whereby", {"api_key": "k", "apikey": "leaky-value"})
    assert list(unknown.value.errors) == ["apikey"] and "`api_key=`" in unknown.value.errors["apikey"]
    assert "leaky-value" not in unknown.value.sentence("whereby")
    with pytest.raises(FieldErrors) as region:
        read_credentials("airmeet", {"access_key": "a", "secret_key": "s", "region": "mars"})
    assert region.value.errors == {"region": "Choose one of: default, eu, us."}
    with pytest.raises(FieldErrors) as roomful:
        read_credentials("roomful", {"email": "not-an-address", "password": "pw-value", "network": ""})
    assert roomful.value.errors == {"network": "Network id is required.", "email": "That is not an email address."}
    assert "not-an-address" not in roomful.value.sentence("roomful")


def test_kmeet_connect_needs_both_its_optional_fields() -> None:
    with pytest.raises(FieldErrors) as error:
        read_credentials("kmeet", {"token": "t"})
    assert error.value.errors == {"calendar_id": "Calendar id is required."}
    with pytest.raises(FieldErrors) as number:
        read_credentials("kmeet", {"token": "t", "calendar_id": "seven"})
    assert number.value.errors == {"calendar_id": "Calendar id must be a whole number."}


def test_values_are_stripped_and_stored_as_plain_json() -> None:
    credentials = read_credentials("airmeet", {"access_key": " ak \n", "secret_key": "sk", "region": "eu"})
    assert isinstance(credentials.access_key, SecretStr)  # type: ignore[attr-defined]
    plain = plain_credentials(credentials)
    assert plain == {"access_key": "ak", "secret_key": "sk", "region": "eu"}
    assert json.loads(json.dumps(plain)) == plain
    assert plain_credentials(read_credentials("kmeet", {"token": "t", "calendar_id": "72618"})) == {
        "token": "t", "calendar_id": 72618,
    }


# --- the form -------------------------------------------------------------------------------------


async def test_modal_inputs_follow_each_credentials_model(services: Services) -> None:
    await services.storage.accounts.save("T1", provider="whereby", credentials={"api_key": WHEREBY_KEY})
    whereby = await connect_modal("whereby", ADMIN, services)
    assert whereby.callback == "connect_provider"
    assert whereby.state == {"provider": "whereby", "channel_id": "C1"}
    assert [(i.name, i.kind, i.secret, i.optional, i.initial) for i in whereby.inputs] == [
        ("api_key", "text", True, False, None),  # a secret is never pre-filled, even when one is saved
        ("account", "text", False, True, "default"),
    ]
    airmeet = {i.name: i for i in (await connect_modal("airmeet", ADMIN, services)).inputs}
    assert airmeet["region"].kind == "select" and airmeet["region"].initial == "default"
    assert [c.value for c in airmeet["region"].choices] == ["default", "eu", "us"]
    assert airmeet["access_key"].secret and airmeet["secret_key"].secret
    roomful = {i.name: i for i in (await connect_modal("roomful", ADMIN, services)).inputs}
    assert not roomful["email"].secret and roomful["password"].secret and not roomful["network"].optional
    kmeet = {i.name: i for i in (await connect_modal("kmeet", ADMIN, services)).inputs}
    assert kmeet["calendar_id"].kind == "number" and not kmeet["token"].optional


async def test_connect_without_keys_opens_the_form_and_without_provider_asks_which(services: Services) -> None:
    reply = await meeting("connect whereby", ADMIN, services)
    assert reply.modal is not None and reply.modal.state["provider"] == "whereby"
    chooser = (await meeting("connect", ADMIN, services)).modal
    assert chooser is not None and [i.name for i in chooser.inputs] == ["provider"] and chooser.inputs[0].dispatch
    form = REGISTRY.form("connect_provider")
    assert form is not None
    changed = await form.change({"provider": "clickmeeting"}, chooser.state, ADMIN, services)
    assert changed is not None and [i.name for i in changed.inputs] == ["provider", "api_key", "account"]
    assert changed.state["provider"] == "clickmeeting"


async def test_members_are_refused_in_one_sentence_and_nothing_happens(
    services: Services, fakes: Fakes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for text in ("connect whereby", f"connect whereby api_key={WHEREBY_KEY}", "disconnect whereby",
                 "default whereby account=default"):
        reply = await meeting(text, MEMBER, services)
        assert reply.modal is None and len(reply.messages) == 1
        assert reply.text.startswith("Only workspace admins and owners") and reply.text.count(". ") == 0
        assert_no_secret(WHEREBY_KEY, reply, caplog)
    assert fakes.whereby.requests == []
    assert (await services.storage.accounts.all("T1")) == []


async def test_meetbot_admins_may_connect_too(services: Services, fakes: Fakes) -> None:
    services.admins = frozenset({"U2"})
    reply = await meeting(f"connect whereby api_key={WHEREBY_KEY}", MEMBER, services)
    assert "Whereby is connected" in reply.text
    assert (await services.storage.accounts.get("T1", "whereby")).created_by == "U2"  # type: ignore[union-attr]


# --- verifying and saving ---------------------------------------------------------------------------


async def test_a_wrong_key_is_refused_by_the_provider_and_nothing_is_saved(
    services: Services, fakes: Fakes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wb-wrong-4Hh2Lq"
    reply = await meeting(f"connect whereby api_key={wrong}", ADMIN, services)
    assert reply.text.startswith("Whereby refused those credentials, so nothing was saved")
    [request] = fakes.whereby.requests
    assert request.headers["authorization"] == f"Bearer {wrong}" and request.query == {"limit": "1"}
    assert (await services.storage.accounts.all("T1")) == []
    assert_no_secret(wrong, reply, caplog)


async def test_the_right_key_is_checked_once_then_saved(
    services: Services, fakes: Fakes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = await meeting(f'connect whereby api_key="{WHEREBY_KEY}"', ADMIN, services)
    assert "Whereby is connected" in reply.text and "`default`" in reply.text
    assert_no_secret(WHEREBY_KEY, reply, caplog)
    assert [(r.method, r.path, r.query) for r in fakes.whereby.requests] == [("GET", "/v1/meetings", {"limit": "1"})]
    account = await services.storage.accounts.get("T1", "whereby")
    assert account is not None and account.is_default and account.created_by == "U1"
    assert account.credentials == {"api_key": WHEREBY_KEY}


async def test_clickmeeting_is_checked_with_ping_and_accounts_can_be_named(
    services: Services, fakes: Fakes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first = await meeting(f"connect clickmeeting api_key={CM_KEY}", ADMIN, services)
    assert "ClickMeeting is connected" in first.text
    second = await meeting(f"connect clickmeeting api_key={CM_KEY} account=webinars", ADMIN, services)
    assert "added the account `webinars`" in second.text and "default stays `default`" in second.text
    assert {r.path.removesuffix(".json") for r in fakes.clickmeeting.requests} == {"/v1/ping"}
    assert all(r.headers["x-api-key"] == CM_KEY for r in fakes.clickmeeting.requests)
    names = {(a.name, a.is_default) for a in (await services.storage.accounts.all("T1", "clickmeeting"))}
    assert names == {("default", True), ("webinars", False)}
    for reply in (first, second):
        assert_no_secret(CM_KEY, reply, caplog)


async def test_airmeet_keys_and_region_are_verified_with_auth(services: Services, fakes: Fakes) -> None:
    reply = await meeting("connect airmeet access_key=ak-live secret_key=sk-live-secret region=eu", ADMIN, services)
    assert "Airmeet is connected" in reply.text and "sk-live-secret" not in reply.text
    [auth] = fakes.airmeet.requests_to("/auth")
    assert auth.headers["x-airmeet-access-key"] == "ak-live"
    stored = await services.storage.accounts.get("T1", "airmeet")
    assert stored is not None
    assert stored.credentials == {"access_key": "ak-live", "secret_key": "sk-live-secret", "region": "eu"}


async def test_kmeet_token_and_calendar_are_checked_with_the_calendar_list(services: Services, fakes: Fakes) -> None:
    missing = await meeting("connect kmeet token=ik-secret-token", ADMIN, services)
    assert "`calendar_id=`: Calendar id is required" in missing.text and fakes.kmeet.requests == []
    reply = await meeting("connect kmeet token=ik-secret-token calendar_id=72618", ADMIN, services)
    assert "kMeet is connected" in reply.text
    assert [r.path for r in fakes.kmeet.requests] == ["/api/pim/calendar"]
    stored = await services.storage.accounts.get("T1", "kmeet")
    assert stored is not None and stored.credentials == {"token": "ik-secret-token", "calendar_id": 72618}


async def test_kmeet_connect_refuses_a_calendar_the_token_cannot_write_to(services: Services) -> None:
    reply = await meeting("connect kmeet token=ik-secret-token calendar_id=555", ADMIN, services)
    assert "Calendar 555" in reply.text and "kMeet is connected" not in reply.text
    assert "ik-secret-token" not in reply.text
    assert await services.storage.accounts.get("T1", "kmeet") is None


async def test_roomful_signs_in_with_a_quoted_password(
    services: Services, fakes: Fakes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = await meeting("connect roomful email=bot@acme.test password=rf-wrong-pw network=acme", ADMIN, services)
    assert wrong.text.startswith("Roomful refused those credentials") and (await services.storage.accounts.all("T1")) == []
    reply = await meeting('connect roomful email=bot@acme.test password="rf secret pw" network=acme', ADMIN, services)
    assert "Roomful is connected" in reply.text
    # The suggestion works as typed (test_try_it.py): a Roomful meeting needs its place.
    assert ('Try `/meeting new roomful "Standup" tomorrow 10:00 source_type=room source_ids=<room id>` with the id '
            "of a Roomful room for `<room id>`; `/meeting new help` lists every setting.") in reply.text
    signins = fakes.roomful.requests_to("/api/v1/auth/signin")
    assert len(signins) == 2 and "rf secret pw" in signins[-1].body.decode()
    stored = await services.storage.accounts.get("T1", "roomful")
    assert stored is not None
    assert stored.credentials == {"email": "bot@acme.test", "password": "rf secret pw", "network": "acme"}
    assert_no_secret("rf secret pw", reply, caplog)
    assert_no_secret("rf-wrong-pw", wrong, caplog)


async def test_an_unreachable_provider_saves_nothing(services: Services, fakes: Fakes) -> None:
    fakes.whereby.faults.add(Fault(status=503), path="/v1/meetings", times=10)
    reply = await meeting(f"connect whereby api_key={WHEREBY_KEY}", ADMIN, services)
    assert reply.text.startswith("I could not reach Whereby to check those credentials, so nothing was saved")
    assert (await services.storage.accounts.all("T1")) == []


async def test_inline_mistakes_are_one_sentence_naming_the_field(services: Services, fakes: Fakes) -> None:
    reply = await meeting("connect whereby apikey=leaky-secret", ADMIN, services)
    assert "`apikey=`" in reply.text and "`api_key=`" in reply.text and "leaky-secret" not in reply.text
    bad_name = await meeting(f"connect whereby api_key={WHEREBY_KEY} account=all", ADMIN, services)
    assert "account name" in bad_name.text and WHEREBY_KEY not in bad_name.text
    typo = await meeting(f"connect wherby api_key={WHEREBY_KEY}", ADMIN, services)
    assert "did you mean `whereby`" in typo.text and WHEREBY_KEY not in typo.text
    assert fakes.whereby.requests == [] and (await services.storage.accounts.all("T1")) == []


@pytest.mark.parametrize("pasted", [
    "{key}",  # the key where the provider goes
    "whereby {key}",  # the key without api_key=
    "whereby {key}==",  # a base64 key without api_key=: it reads as a field name
    "whereby {key}=\"x",  # ...with an unclosed quote
    "whereby api_key={key} {key}=x {key}=y",  # ...twice
    "whereby ZGVm=x",  # even a short piece of one
])
async def test_a_key_pasted_in_the_wrong_place_is_not_repeated(pasted: str, services: Services, fakes: Fakes) -> None:
    key = "ZGVmYXVsdC1zZWNyZXQtMTIz"
    reply = await meeting("connect " + pasted.format(key=key), ADMIN, services)
    assert reply.modal is None and len(reply.messages) == 1
    assert key not in reply.text and "ZGVm".lower() not in reply.text.lower()
    assert fakes.whereby.requests == [] and (await services.storage.accounts.all("T1")) == []


async def test_form_check_names_fields_and_submit_verifies_then_saves(services: Services, fakes: Fakes) -> None:
    form = REGISTRY.form("connect_provider")
    assert form is not None
    state = {"provider": "whereby", "channel_id": "C1"}
    assert await form.check({"api_key": None, "account": None}, state, ADMIN, services) == {
        "api_key": "API key is required."
    }
    bad_name = await form.check({"api_key": "x", "account": "no spaces"}, state, ADMIN, services)
    assert list(bad_name) == ["account"] and "account name" in bad_name["account"]
    refused = await form.check({"api_key": WHEREBY_KEY, "account": None}, state, MEMBER, services)
    assert list(refused) == ["api_key"] and refused["api_key"].startswith("Only workspace admins")
    assert fakes.whereby.requests == []
    values = {"api_key": f" {WHEREBY_KEY} ", "account": "sales"}
    assert await form.check(values, state, ADMIN, services) == {}
    reply = await form.submit(values, state, ADMIN, services)
    assert "added the account `sales`" in reply.text and WHEREBY_KEY not in reply.text
    stored = await services.storage.accounts.get("T1", "whereby", "sales")
    assert stored is not None and stored.credentials == {"api_key": WHEREBY_KEY}


# --- disconnect and defaults -------------------------------------------------------------------------


async def test_disconnect_asks_which_of_several_then_names_the_new_default(services: Services) -> None:
    storage = services.storage
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "a"}, name="default")
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "b"}, name="sales")
    which = await meeting("disconnect whereby", ADMIN, services)
    assert "`default`, `sales`" in which.text and len((await storage.accounts.all("T1"))) == 2
    nope = await meeting("disconnect whereby nope", ADMIN, services)
    assert "no account called `nope`" in nope.text
    gone = await meeting("disconnect whereby default", ADMIN, services)
    assert "Removed the Whereby account `default`" in gone.text and "now `sales`" in gone.text
    assert [(a.name, a.is_default) for a in (await storage.accounts.all("T1"))] == [("sales", True)]
    last = await meeting("disconnect whereby", ADMIN, services)
    assert "Whereby is no longer connected" in last.text and (await storage.accounts.all("T1")) == []
    again = await meeting("disconnect whereby", ADMIN, services)
    assert "nothing to remove" in again.text


async def test_disconnect_all_and_the_home_buttons(services: Services) -> None:
    storage = services.storage
    for name in ("default", "eu", "us"):
        await storage.accounts.save("T1", provider="airmeet", credentials={"access_key": "a", "secret_key": "s"}, name=name)
    await storage.accounts.save("T1", provider="clickmeeting", credentials={"api_key": "a"}, name="default")
    disconnect = REGISTRY.action("disconnect_provider")
    assert disconnect is not None
    refused = await disconnect("clickmeeting", MEMBER, services)
    assert refused.text.startswith("Only workspace admins") and len((await storage.accounts.all("T1", "clickmeeting"))) == 1
    clicked = await disconnect("airmeet", ADMIN, services)  # the default account only
    assert "`default`" in clicked.text and [a.name for a in (await storage.accounts.all("T1", "airmeet"))] == ["eu", "us"]
    everything = await meeting("disconnect airmeet all", ADMIN, services)
    assert "`eu`, `us`" in everything.text and (await storage.accounts.all("T1", "airmeet")) == []
    connect = REGISTRY.action("connect_provider")
    assert connect is not None
    assert (await connect("whereby", MEMBER, services)).modal is None
    modal = (await connect("whereby", ADMIN, services)).modal
    assert modal is not None and modal.state["provider"] == "whereby"


async def test_defaults_for_a_person_a_channel_and_an_account(services: Services) -> None:
    storage = services.storage
    shown = await meeting("default", MEMBER, services)
    assert "Your default: none" in shown.text and "uses *kMeet*" in shown.text
    refused = await meeting("default clickmeeting --channel", MEMBER, services)  # admins only
    assert refused.text.startswith("Only workspace admins and owners can set a channel's default provider")
    assert await storage.preferences.defaults("T1", user_id="U2", channel_id="C1") == []
    channel = await meeting("default clickmeeting --channel", ADMIN, services)
    assert "default in <#C1>" in channel.text and "not connected yet" in channel.text
    assert (await storage.preferences.default_provider("T1", user_id="U3", channel_id="C1")) == "clickmeeting"
    mine = await meeting("default whereby", MEMBER, services)
    assert "your default" in mine.text
    assert (await storage.preferences.default_provider("T1", user_id="U2", channel_id="C1")) == "whereby"
    shown = await meeting("default", MEMBER, services)
    assert "Your default: *Whereby*" in shown.text and "Default in <#C1>: *ClickMeeting*" in shown.text
    assert "Your default Whereby and this channel's default ClickMeeting are not connected" in shown.text
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "a"}, name="default")
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "b"}, name="sales")
    assert (await meeting("default whereby account=sales", MEMBER, services)).text.startswith("Only workspace admins")
    assert "`sales` is now the default" in (await meeting("default whereby account=sales", ADMIN, services)).text
    assert (await storage.accounts.get("T1", "whereby")).name == "sales"  # type: ignore[union-attr]
    no_channel = Context(team_id="T1", user_id="U2")
    assert "in the channel" in (await meeting("default whereby --channel", no_channel, services)).text


async def test_help_lists_the_three_commands(services: Services) -> None:
    text = (await meeting("help", ADMIN, services)).text
    for usage in ("/meeting connect <provider>", "/meeting disconnect <provider>", "/meeting default [provider|none]"):
        assert usage in text


async def test_default_none_clears_yours_or_as_an_admin_the_channels(services: Services) -> None:
    prefs = services.storage.preferences
    assert "You have no default provider" in (await meeting("default none", MEMBER, services)).text
    await prefs.set_default_provider("T1", scope="user", scope_id="U2", provider="whereby")
    await prefs.set_default_provider("T1", scope="channel", scope_id="C1", provider="kmeet")
    cleared = await meeting("default none", MEMBER, services)
    assert cleared.text == ("Cleared the default Whereby. `/meeting new` without a provider now uses *kMeet* for you "
                            "here.")
    assert (await meeting("default none --channel", MEMBER, services)).text.startswith("Only workspace admins")
    assert await prefs.defaults("T1", user_id="U2", channel_id="C1") == [("channel", "kmeet")]
    assert "Cleared the default kMeet" in (await meeting("default none --channel", ADMIN, services)).text
    assert await prefs.defaults("T1", user_id="U2", channel_id="C1") == []
    assert "`account=` needs a provider" in (await meeting("default none account=x", ADMIN, services)).text
