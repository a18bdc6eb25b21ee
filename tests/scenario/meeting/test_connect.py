"""Issue 4 through signed Slack requests: connecting, disconnecting and choosing default providers.

The app talks to the fake Slack and to the Whereby and ClickMeeting fakes; each test reads what
reached them, what the database holds, and checks that no key shows up anywhere it should not:
any Slack Web API call, any response_url post, any log record.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.console import ConsoleDirectory, run_console
from bot.runtime import build_runtime
from bot.settings import Settings
from commands.framework.context import Context, Person
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby
from tests.scenario.harness import SlackScenario, slack_app
from tests.scenario.views import opened_view, parse, picked, submission

WHEREBY_KEY = "wb-live-key-83Jd0aQz"
CM_KEY = "cm-live-key-Pq72mXw1"


@dataclass
class Providers:
    whereby: FakeWhereby
    clickmeeting: FakeClickMeeting
    settings: dict[str, str]  # slack_app overrides pointing the app at the fakes


@pytest.fixture(scope="module")
def served() -> Iterator[Providers]:
    whereby, clickmeeting = FakeWhereby(api_key=WHEREBY_KEY), FakeClickMeeting(api_key=CM_KEY)
    with serve(whereby.app) as wb, serve(clickmeeting.app) as cm:
        yield Providers(whereby, clickmeeting, {"whereby_api_url": wb + "/v1", "clickmeeting_api_url": cm + "/v1"})


@pytest.fixture
def providers(served: Providers) -> Providers:
    """The module's fakes, emptied: each test sees only its own requests and meetings."""
    for fake in (served.whereby, served.clickmeeting):
        fake.requests.clear()
        fake.faults.clear()
    served.whereby.meetings.clear()
    return served


@pytest.fixture
async def slack(database_url: str, providers: Providers) -> AsyncIterator[SlackScenario]:
    async with slack_app(database_url, **providers.settings) as scenario:
        yield scenario


def assert_secret_nowhere(secret: str, slack: SlackScenario, caplog: pytest.LogCaptureFixture) -> None:
    """The key is in no Slack call, no response_url post and no log record."""
    for call in slack.fake.calls:
        assert secret not in json.dumps(call.args, default=str), call.method
    for post in slack.fake.responses:
        assert secret not in json.dumps(post.body)
    for record in caplog.records:
        assert secret not in record.getMessage(), record.name


async def test_an_admin_gets_the_whereby_form_with_its_credential_fields(slack: SlackScenario) -> None:
    await slack.command("/meeting connect whereby", user="U1")
    view = await opened_view(slack)
    assert view["callback_id"] == "connect_provider"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["api_key", "account"]  # WherebyCredentials has api_key only
    assert inputs["api_key"]["optional"] is False and "initial_value" not in inputs["api_key"]["element"]
    assert inputs["account"]["optional"] is True and inputs["account"]["element"]["initial_value"] == "default"
    assert json.loads(view["private_metadata"]) == {"channel_id": "C1", "provider": "whereby"}


async def test_without_a_provider_the_form_asks_first_then_shows_its_fields(slack: SlackScenario) -> None:
    await slack.command("/meeting connect")
    chooser = await opened_view(slack)
    [select] = [b for b in chooser["blocks"] if b["type"] == "input"]
    assert select["block_id"] == "provider" and select.get("dispatch_action") is True
    await slack.interact(picked(slack, chooser, "provider", "airmeet"))
    update = await slack.fake.wait_for("views.update")
    assert update.ok, update.response
    blocks = [b["block_id"] for b in parse(update.args["view"])["blocks"] if b["type"] == "input"]
    assert blocks == ["provider", "access_key", "secret_key", "region", "account"]
    assert json.loads(parse(update.args["view"])["private_metadata"]) == {"channel_id": "C1", "provider": "airmeet"}


async def test_a_member_is_refused_and_no_form_opens(slack: SlackScenario) -> None:
    await slack.command("/meeting connect whereby", user="U2")
    reply = await slack.reply()
    assert reply.startswith("Only workspace admins and owners can connect")
    assert slack.fake.calls_to("views.open") == []


async def test_an_empty_key_is_a_field_error_in_the_ack(slack: SlackScenario, providers: Providers) -> None:
    await slack.command("/meeting connect whereby")
    view = await opened_view(slack)
    response = await slack.interact(submission(slack, view, api_key=None, account="default"))
    assert response.json() == {"response_action": "errors", "errors": {"api_key": "API key is required."}}
    assert providers.whereby.requests == [] and (await slack.storage.accounts.all("T1")) == []


async def test_a_wrong_key_saves_nothing_and_the_right_one_connects_whereby(
    slack: SlackScenario, providers: Providers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wb-wrong-key-Zz19"
    await slack.command("/meeting connect whereby")
    view = await opened_view(slack)
    response = await slack.interact(submission(slack, view, api_key=wrong, account="default"))
    assert response.status_code == 200 and not response.content  # a plain ack: the form closes
    refusal = await slack.fake.wait_for("chat.postEphemeral")
    assert refusal.args["channel"] == "C1" and refusal.args["user"] == "U1"
    assert refusal.args["text"].startswith("Whereby refused those credentials, so nothing was saved")
    [check] = providers.whereby.requests
    assert (check.method, check.path, check.query) == ("GET", "/v1/meetings", {"limit": "1"})
    assert check.headers["authorization"] == f"Bearer {wrong}"
    assert (await slack.storage.accounts.all("T1")) == []

    mark = slack.fake.mark()
    await slack.command("/meeting connect whereby")
    view = await opened_view(slack, since=mark)
    await slack.interact(submission(slack, view, api_key=f"  {WHEREBY_KEY}  ", account=None))
    done = await slack.fake.wait_for("chat.postEphemeral", since=mark)
    assert "Whereby is connected" in done.args["text"]
    assert providers.whereby.requests[-1].query == {"limit": "1"}
    with slack.storage.engine.connect() as session:  # a test may block its own loop
        stored = session.execute(text("SELECT credentials FROM provideraccount")).scalar_one()
    assert WHEREBY_KEY not in stored and "api_key" not in stored  # ciphertext at rest
    account = await slack.storage.accounts.get("T1", "whereby")
    assert account is not None and account.credentials == {"api_key": WHEREBY_KEY}

    await slack.command('/meeting new whereby "X"')
    assert "Room ready" in await slack.reply()
    assert len(providers.whereby.meetings) == 1
    assert providers.whereby.requests_to("/v1/meetings", "POST")[0].headers["authorization"] == f"Bearer {WHEREBY_KEY}"
    assert_secret_nowhere(WHEREBY_KEY, slack, caplog)
    assert_secret_nowhere(wrong, slack, caplog)


async def test_inline_clickmeeting_keys_a_second_account_and_disconnect(
    slack: SlackScenario, providers: Providers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await slack.command(f"/meeting connect clickmeeting api_key={CM_KEY}")
    assert "ClickMeeting is connected" in await slack.reply()
    await slack.command(f'/meeting connect clickmeeting api_key="{CM_KEY}" account=webinars')
    second = await slack.reply()
    assert "added the account `webinars`" in second and "default stays `default`" in second
    pings = providers.clickmeeting.requests
    assert [r.path.removesuffix(".json") for r in pings] == ["/v1/ping", "/v1/ping"]
    assert {r.headers["x-api-key"] for r in pings} == {CM_KEY}
    assert [(a.name, a.is_default) for a in (await slack.storage.accounts.all("T1"))] == [("default", True), ("webinars", False)]
    assert slack.fake.calls_to("views.open") == []  # inline keys skip the form

    await slack.command("/meeting disconnect clickmeeting")
    assert "`default`, `webinars`" in await slack.reply()
    await slack.command("/meeting disconnect clickmeeting default", user="U2")
    assert (await slack.reply()).startswith("Only workspace admins")
    await slack.command("/meeting disconnect clickmeeting default")
    gone = await slack.reply()
    assert "Removed the ClickMeeting account `default`" in gone and "now `webinars`" in gone
    assert [(a.name, a.is_default) for a in (await slack.storage.accounts.all("T1"))] == [("webinars", True)]
    assert_secret_nowhere(CM_KEY, slack, caplog)


async def test_meetbot_admins_lets_a_member_connect(database_url: str, providers: Providers) -> None:
    async with slack_app(database_url, meetbot_admins="U2", **providers.settings) as slack:
        await slack.command(f"/meeting connect whereby api_key={WHEREBY_KEY}", user="U2")
        assert "Whereby is connected" in await slack.reply()
        account = await slack.storage.accounts.get("T1", "whereby")
        assert account is not None and account.created_by == "U2"


async def test_user_and_channel_defaults_pick_the_provider_of_new(slack: SlackScenario, providers: Providers) -> None:
    await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": WHEREBY_KEY})
    await slack.command("/meeting default whereby --channel", user="U2")  # not an admin
    assert (await slack.reply()).startswith("Only workspace admins and owners can set a channel's default")
    await slack.command("/meeting default whereby --channel", user="U1")
    assert "default in <#C1>" in await slack.reply()
    await slack.command('/meeting new "Standup"', user="U3")  # no own default: the channel's
    assert "on Whereby" in await slack.reply()
    await slack.command("/meeting default kmeet", user="U1")
    assert "your default" in await slack.reply()
    await slack.command('/meeting new "Retro"', user="U1")  # the own default comes first
    assert "on Infomaniak kMeet" in await slack.reply()
    meetings = (await slack.storage.meetings.upcoming("T1", after=slack.runtime.services.clock())).items
    assert sorted((m.title, m.provider) for m in meetings) == [("Retro", "kmeet"), ("Standup", "whereby")]
    assert len(providers.whereby.meetings) == 1
    await slack.command("/meeting default", user="U1")
    shown = await slack.reply()
    assert "Your default: *kMeet*" in shown and "Default in <#C1>: *Whereby*" in shown


async def test_after_disconnect_a_default_naming_the_provider_falls_back_and_says_so(
    slack: SlackScenario, providers: Providers
) -> None:
    await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": WHEREBY_KEY})
    await slack.storage.preferences.set_default_provider("T1", scope="channel", scope_id="C1", provider="whereby")
    await slack.storage.preferences.set_default_provider("T1", scope="user", scope_id="U2", provider="whereby")
    await slack.command("/meeting disconnect whereby", user="U1")
    assert "2 defaults name Whereby: `/meeting new` passes over them" in await slack.reply()
    await slack.command('/meeting new "Standup"', user="U2")
    said = await slack.reply()
    assert "on Infomaniak kMeet" in said
    post = await slack.fake.wait_for_response(slack.last_response_name or "", lambda p: "not connected" in (p.text or ""))
    assert post.text == ("Your default Whereby and this channel's default Whereby are not connected in this "
                         "workspace, so this meeting is on Infomaniak kMeet.")
    assert not providers.whereby.meetings
    await slack.command("/meeting default none", user="U2")
    assert (await slack.reply()).startswith("Cleared the default Whereby.")
    await slack.command("/meeting default none --channel", user="U2")
    assert (await slack.reply()).startswith("Only workspace admins")
    await slack.command("/meeting default none --channel", user="U1")
    assert (await slack.reply()).startswith("Cleared the default Whereby. `/meeting new` without a provider")
    assert await slack.storage.preferences.defaults("T1", user_id="U2", channel_id="C1") == []


async def test_app_home_buttons_open_the_form_and_disconnect(slack: SlackScenario) -> None:
    await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": WHEREBY_KEY})

    def click(action_id: str, value: str, user: str = "U1") -> dict[str, Any]:
        return {
            "type": "block_actions", "user": {"id": user, "team_id": "T1"}, "api_app_id": "A0MEETBOT1",
            "token": "verification_token", "container": {"type": "view", "view_id": "VHOME"},
            "trigger_id": slack.fake.new_trigger_id(), "team": {"id": "T1", "domain": "acme"},
            "view": {"id": "VHOME", "type": "home", "team_id": "T1", "callback_id": "", "private_metadata": ""},
            "actions": [{"action_id": action_id, "block_id": "home", "value": value, "type": "button",
                         "action_ts": "1596530385.194939"}],
        }

    await slack.interact(click("connect_provider", "clickmeeting"))
    view = await opened_view(slack)
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["api_key", "account"]
    assert json.loads(view["private_metadata"]) == {"provider": "clickmeeting"}

    await slack.interact(click("disconnect_provider", "whereby", user="U2"))
    refusal = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "U2")
    assert refusal.args["text"].startswith("Only workspace admins") and (await slack.storage.accounts.all("T1"))
    await slack.interact(click("disconnect_provider", "whereby"))
    done = await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "U1")
    assert "Removed the Whereby account `default`" in done.args["text"]
    assert (await slack.storage.accounts.all("T1")) == []


async def test_the_console_connects_whereby_inline_without_echoing_the_key(
    tmp_path: Any, providers: Providers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'console.db'}",
        meetbot_secret_keys=Fernet.generate_key().decode(),
        whereby_api_url=providers.settings["whereby_api_url"],
        meetbot_tick_seconds=60,
    )
    speaker = Person(id="U1", name="Ada", tz="Europe/Zurich", is_admin=True)
    runtime = build_runtime(settings, purpose="console", directory=ConsoleDirectory(speaker))
    ctx = Context(team_id="T1", user_id="U1", channel_id="C0CONSOLE", user_tz="Europe/Zurich")
    source = io.StringIO(
        "/meeting connect whereby\n"
        f"/meeting connect whereby api_key={WHEREBY_KEY} \n"
        '/meeting new whereby "Console sync"\n'
    )
    out = io.StringIO()
    assert await run_console(runtime, ctx, source=source, out=out) == 0
    printed = out.getvalue()
    assert "api_key=…" in printed and "account=…" in printed  # the form, as fields to give inline
    assert "Whereby is connected" in printed and "Room ready" in printed
    assert WHEREBY_KEY not in printed
    assert all(WHEREBY_KEY not in record.getMessage() for record in caplog.records)
    assert providers.whereby.requests[0].query == {"limit": "1"} and len(providers.whereby.meetings) == 1
