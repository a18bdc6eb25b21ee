"""The Slack fake behaves like Slack for slack_sdk's AsyncWebClient: tests of the fake itself."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.server import Fault, serve
from tests.fakes.slack import FakeSlack

BOT = "xoxb-T1-bot"
OTHER_BOT = "xoxb-T2-bot"
APP_TOKEN = "xapp-1-A0MEETBOT1-1-abc"
MODAL = {
    "type": "modal",
    "callback_id": "new_meeting",
    "title": {"type": "plain_text", "text": "New meeting"},
    "submit": {"type": "plain_text", "text": "Create"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


class _Current:
    """One loopback server for the module that forwards to each test's fresh fake (stopping a
    uvicorn server costs ~0.2 s, which would dominate this file)."""

    fake: FakeSlack | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        assert self.fake is not None
        await self.fake.app(scope, receive, send)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[_Current, str]]:
    current = _Current()
    with serve(current) as root_url:
        yield current, root_url


@pytest.fixture
def fake(server: tuple[_Current, str]) -> Iterator[FakeSlack]:
    current, root_url = server
    fake = FakeSlack(tokens={BOT: "T1", OTHER_BOT: "T2"}, app_tokens=[APP_TOKEN])
    fake.add_team("T1", name="Acme", domain="acme")
    fake.add_user(
        "U1", team_id="T1", name="ada", real_name="Ada Lovelace", email="ada@example.com", tz="Asia/Kolkata",
        is_admin=True,
    )
    fake.add_user("U2", team_id="T1", name="bob")
    fake.add_channel("C1", team_id="T1", name="general", members=["U1"])
    fake.add_channel("C2", team_id="T2", name="elsewhere")
    fake.bind(root_url)
    current.fake = fake
    yield fake
    current.fake = None


def test_running_serves_the_fake_on_its_own_port() -> None:
    fake = FakeSlack(tokens={BOT: "T1"})
    with fake.running() as api_url:
        answer = httpx.post(f"{api_url}auth.test", headers={"Authorization": f"Bearer {BOT}"}).json()
    assert api_url.startswith("http://127.0.0.1:") and api_url.endswith("/api/")
    assert answer["ok"] is True and answer["team_id"] == "T1"


def client(fake: FakeSlack, token: str | None = BOT, **kwargs: object) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.api_url, **kwargs)  # type: ignore[arg-type]


async def slack_error(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        await call  # type: ignore[misc]
    return raised.value.response["error"]


async def test_post_message_then_update_changes_the_stored_message(fake: FakeSlack) -> None:
    web = client(fake)
    posted = await web.chat_postMessage(channel="C1", text="Standup at 10")
    assert posted["channel"] == "C1"
    assert posted["message"]["bot_id"] == "B0BOT1"

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Standup* moved to 11"}}]
    updated = await web.chat_update(channel="C1", ts=posted["ts"], text="Standup at 11", blocks=blocks)

    assert updated["ts"] == posted["ts"]
    [message] = fake.messages_in("C1")
    assert message["text"] == "Standup at 11"
    assert message["blocks"] == blocks
    assert "edited" in message
    post_call, update_call = fake.calls
    assert (post_call.method, post_call.token, post_call.team_id) == ("chat.postMessage", BOT, "T1")
    assert post_call.content_type.startswith("application/json")
    assert update_call.args["ts"] == posted["ts"]


async def test_update_and_delete_of_unknown_message_answer_message_not_found(fake: FakeSlack) -> None:
    web = client(fake)
    assert await slack_error(web.chat_update(channel="C1", ts="1700000000.000001", text="x")) == "message_not_found"
    posted = await web.chat_postMessage(channel="C1", text="bye")
    await web.chat_delete(channel="C1", ts=posted["ts"])
    assert fake.messages_in("C1") == []
    assert await slack_error(web.chat_delete(channel="C1", ts=posted["ts"])) == "message_not_found"
    # slack_sdk sends chat.delete as query parameters: the fake merged them into args.
    assert fake.calls_to("chat.delete")[0].args == {"channel": "C1", "ts": posted["ts"]}


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")  # slack_sdk's own
async def test_post_message_checks_channel_text_and_membership(fake: FakeSlack) -> None:
    web = client(fake)
    assert await slack_error(web.chat_postMessage(channel="C2", text="hi")) == "channel_not_found"  # T2's channel
    assert await slack_error(web.chat_postMessage(channel="C1", text="")) == "no_text"
    fake.add_channel("C3", team_id="T1", name="quiet", bot_member=False)
    assert await slack_error(web.chat_postMessage(channel="C3", text="hi")) == "not_in_channel"
    untyped_block = web.chat_postMessage(channel="C1", text="x", blocks=[{"text": "no type"}])
    assert await slack_error(untyped_block) == "invalid_blocks"
    assert fake.messages_in("C1") == [] and fake.messages_in("C3") == []


async def test_bad_missing_and_revoked_tokens(fake: FakeSlack) -> None:
    assert await slack_error(client(fake, token="xoxb-nope").chat_postMessage(channel="C1", text="x")) == "invalid_auth"
    assert await slack_error(client(fake, token=None).auth_test()) == "not_authed"
    fake.revoke(BOT)
    assert await slack_error(client(fake).auth_test()) == "token_revoked"
    assert fake.messages_in("C1") == []
    assert [c.error for c in fake.calls] == ["invalid_auth", "not_authed", "token_revoked"]


async def test_auth_test_describes_the_bot_and_reports_scopes(fake: FakeSlack) -> None:
    answer = await client(fake).auth_test()
    assert answer["team_id"] == "T1" and answer["team"] == "Acme"
    assert answer["user_id"] == "U0BOT1" and answer["bot_id"] == "B0BOT1"
    assert answer["url"] == "https://acme.slack.com/"
    assert "chat:write" in answer.headers["x-oauth-scopes"]


async def test_missing_scope_names_the_needed_scope(fake: FakeSlack) -> None:
    fake.add_token("xoxb-narrow", "T1", scopes=["commands"])
    with pytest.raises(SlackApiError) as raised:
        await client(fake, token="xoxb-narrow").chat_postMessage(channel="C1", text="x")
    assert raised.value.response["error"] == "missing_scope"
    assert raised.value.response["needed"] == "chat:write"


async def test_rate_limited_call_is_retried_once_by_slack_sdk(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk sleeps Retry-After plus random() seconds; drop the jitter so the test stays fast.
    monkeypatch.setattr("slack_sdk.http_retry.builtin_async_handlers.random.random", lambda: 0.0)
    fake.rate_limit_next("chat.postMessage", retry_after=0)
    web = client(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])

    answer = await web.chat_postMessage(channel="C1", text="after the limit")

    assert answer["ok"] is True
    first, second = fake.calls_to("chat.postMessage")
    assert (first.status, first.error) == (429, "ratelimited")
    assert first.args == second.args == {"channel": "C1", "text": "after the limit"}
    assert second.ok
    assert [m["text"] for m in fake.messages_in("C1")] == ["after the limit"]


async def test_rate_limit_answer_carries_retry_after_header(fake: FakeSlack) -> None:
    fake.rate_limit_next("auth.test", retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        await client(fake, retry_handlers=[]).auth_test()
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"


async def test_fail_next_answers_once_then_recovers(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", error="channel_not_found")
    web = client(fake)
    assert await slack_error(web.chat_postMessage(channel="C1", text="x")) == "channel_not_found"
    await web.chat_postMessage(channel="C1", text="x")
    assert len(fake.messages_in("C1")) == 1


async def test_shared_fault_500_never_reaches_the_fake_state(fake: FakeSlack) -> None:
    fake.faults.add(Fault(status=500), path="/api/chat.postMessage")
    with pytest.raises(SlackApiError):
        await client(fake, retry_handlers=[]).chat_postMessage(channel="C1", text="x")
    assert fake.messages_in("C1") == []
    assert fake.calls == []
    assert len(fake.requests_to("/api/chat.postMessage", "POST")) == 1


async def test_users_info_returns_the_seeded_user_scoped_by_team(fake: FakeSlack) -> None:
    answer = await client(fake).users_info(user="U1")
    user = answer["user"]
    assert (user["id"], user["team_id"], user["name"], user["real_name"]) == ("U1", "T1", "ada", "Ada Lovelace")
    assert (user["tz"], user["tz_offset"]) == ("Asia/Kolkata", 19800)
    assert (user["is_admin"], user["is_owner"]) == (True, False)
    assert user["profile"]["email"] == "ada@example.com"
    assert fake.calls_to("users.info")[0].http_method == "GET"

    assert await slack_error(client(fake).users_info(user="U404")) == "user_not_found"
    assert await slack_error(client(fake, token=OTHER_BOT).users_info(user="U1")) == "user_not_found"
    fake.add_token("xoxb-no-email", "T1", scopes=["users:read"])
    hidden = await client(fake, token="xoxb-no-email").users_info(user="U1")
    assert "email" not in hidden["user"]["profile"]


async def test_conversations_open_gives_a_stable_dm_and_ephemerals_need_membership(fake: FakeSlack) -> None:
    web = client(fake)
    first = await web.conversations_open(users="U1")
    again = await web.conversations_open(users=["U1"])
    assert first["channel"]["id"].startswith("D")
    assert again["channel"]["id"] == first["channel"]["id"] and again["already_open"] is True
    assert await slack_error(web.conversations_open(users="U404")) == "user_not_found"

    dm = first["channel"]["id"]
    ephemeral = await web.chat_postEphemeral(channel=dm, user="U1", text="only you")
    assert ephemeral["message_ts"]
    assert await slack_error(web.chat_postEphemeral(channel="C1", user="U2", text="x")) == "user_not_in_channel"
    assert [e["text"] for e in fake.ephemerals_for("U1")] == ["only you"]
    assert fake.ephemerals_for("U2") == []

    by_user = await web.chat_postMessage(channel="U1", text="your host link")
    assert by_user["channel"] == dm
    assert [m["text"] for m in fake.messages_in(dm)] == ["your host link"]


async def test_views_open_then_update_with_stale_hash_conflicts(fake: FakeSlack) -> None:
    web = client(fake)
    trigger = fake.new_trigger_id()
    opened = (await web.views_open(trigger_id=trigger, view=MODAL))["view"]
    assert opened["id"].startswith("V") and opened["hash"]
    assert opened["callback_id"] == "new_meeting"

    changed = {**MODAL, "title": {"type": "plain_text", "text": "Pick a provider"}}
    updated = (await web.views_update(view_id=opened["id"], hash=opened["hash"], view=changed))["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert fake.view(opened["id"])["title"]["text"] == "Pick a provider"

    stale = web.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    assert await slack_error(stale) == "hash_conflict"
    assert fake.view(opened["id"])["title"]["text"] == "Pick a provider"
    assert await slack_error(web.views_update(view_id="VNOPE", view=MODAL)) == "not_found"


async def test_views_open_trigger_rules_and_view_validation(fake: FakeSlack) -> None:
    web = client(fake)
    used = fake.new_trigger_id()
    await web.views_open(trigger_id=used, view=MODAL)
    assert await slack_error(web.views_open(trigger_id=used, view=MODAL)) == "exchanged_trigger_id"

    expired = fake.new_trigger_id()
    fake.expire_trigger(expired)
    assert await slack_error(web.views_open(trigger_id=expired, view=MODAL)) == "expired_trigger_id"
    fake.expire_triggers = True
    assert await slack_error(web.views_open(trigger_id="111.222.fresh", view=MODAL)) == "expired_trigger_id"
    fake.expire_triggers = False
    assert await slack_error(web.views_open(trigger_id="not a trigger", view=MODAL)) == "invalid_trigger_id"

    no_submit = {key: value for key, value in MODAL.items() if key != "submit"}
    with pytest.raises(SlackApiError) as raised:
        await web.views_open(trigger_id=fake.new_trigger_id(), view=no_submit)
    assert raised.value.response["error"] == "invalid_arguments"
    assert "submit" in raised.value.response["response_metadata"]["messages"][0]


async def test_views_publish_stores_the_home_tab_per_user(fake: FakeSlack) -> None:
    web = client(fake)
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Next: Standup"}}]}
    first = (await web.views_publish(user_id="U1", view=home))["view"]
    second = (await web.views_publish(user_id="U1", view=home, hash=first["hash"]))["view"]
    assert second["id"] == first["id"]
    assert await slack_error(web.views_publish(user_id="U1", view=home, hash=first["hash"])) == "hash_conflict"
    assert fake.home_tab("U1", team_id="T1")["blocks"] == home["blocks"]
    assert fake.home_tab("U2", team_id="T1") is None
    assert await slack_error(web.views_publish(user_id="U1", view=MODAL)) == "invalid_arguments"


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")  # inside slack_sdk
async def test_oauth_v2_access_exchanges_a_code_once_and_activates_the_token(fake: FakeSlack) -> None:
    fake.add_oauth_code(
        "code-1",
        team_id="T9",
        team_name="Nine",
        bot_token="xoxb-T9-new",
        bot_user_id="U9BOT",
        scopes=["chat:write", "commands"],
    )
    web = AsyncWebClient(base_url=fake.api_url)

    answer = await web.oauth_v2_access(client_id=fake.client_id, client_secret=fake.client_secret, code="code-1")

    assert answer.data == {
        "ok": True,
        "access_token": "xoxb-T9-new",
        "token_type": "bot",
        "scope": "chat:write,commands",
        "bot_user_id": "U9BOT",
        "app_id": fake.app_id,
        "team": {"id": "T9", "name": "Nine"},
        "enterprise": None,
        "authed_user": {"id": "U0INSTALLER"},
        "is_enterprise_install": False,
    }
    assert fake.calls_to("oauth.v2.access")[0].args == {"code": "code-1"}  # credentials came as HTTP basic
    assert (await client(fake, token="xoxb-T9-new").auth_test())["user_id"] == "U9BOT"
    again = web.oauth_v2_access(client_id=fake.client_id, client_secret=fake.client_secret, code="code-1")
    assert await slack_error(again) == "invalid_code"
    wrong = web.oauth_v2_access(client_id=fake.client_id, client_secret="guess", code="code-1")
    assert await slack_error(wrong) == "bad_client_secret"


async def test_oauth_v2_access_accepts_credentials_in_the_form_body(fake: FakeSlack) -> None:
    redirect_uri = "https://bot.example/slack/oauth_redirect"
    fake.add_oauth_code("code-2", team_id="T1", bot_token="xoxb-T1-second", redirect_uri=redirect_uri)
    form = {"client_id": fake.client_id, "client_secret": fake.client_secret, "code": "code-2"}
    async with httpx.AsyncClient(base_url=fake.api_url) as http:
        without_redirect = (await http.post("oauth.v2.access", data=form)).json()
        form["redirect_uri"] = redirect_uri
        accepted = (await http.post("oauth.v2.access", data=form)).json()
    assert without_redirect == {"ok": False, "error": "bad_redirect_uri"}
    assert accepted["ok"] is True and accepted["team"]["id"] == "T1"


async def test_body_encodings_are_checked(fake: FakeSlack) -> None:
    headers = {"Authorization": f"Bearer {BOT}"}
    async with httpx.AsyncClient(base_url=fake.api_url, headers=headers) as http:
        broken = await http.post("chat.postMessage", content=b"{nope", headers={"Content-Type": "application/json"})
        array = await http.post("chat.postMessage", content=b"[]", headers={"Content-Type": "application/json"})
        untyped = await http.post("chat.postMessage", content=b"channel=C1&text=hi", headers={"Content-Type": ""})
        form = await http.post("chat.postMessage", data={"channel": "C1", "text": "by form", "blocks": "[]"})
        multipart = await http.post(
            "chat.postMessage", data={"channel": "C1", "text": "by multipart"}, files={"note": ("n.txt", b"x")}
        )
        token_in_json = await http.post(
            "auth.test", json={"token": BOT}, headers={"Authorization": "", "Content-Type": "application/json"}
        )
        unknown = await http.post("meetings.teleport", json={})
    assert broken.json()["error"] == "invalid_json"
    assert array.json()["error"] == "json_not_object"
    assert untyped.json()["error"] == "missing_post_type"
    assert form.json()["ok"] is True and multipart.json()["ok"] is True
    assert token_in_json.json()["error"] == "not_authed"
    assert unknown.json()["error"] == "unknown_method"
    assert [m["text"] for m in fake.messages_in("C1")] == ["by form", "by multipart"]


async def test_apps_connections_open_wants_an_app_level_token(fake: FakeSlack) -> None:
    answer = await AsyncWebClient(base_url=fake.api_url).apps_connections_open(app_token=APP_TOKEN)
    assert answer["url"].startswith(f"ws://{fake.root_url.removeprefix('http://')}/link/?ticket=")
    assert len(fake.socket_tickets) == 1
    bot_try = AsyncWebClient(base_url=fake.api_url).apps_connections_open(app_token=BOT)
    assert await slack_error(bot_try) == "not_allowed_token_type"
    assert await slack_error(client(fake, token=APP_TOKEN).auth_test()) == "not_allowed_token_type"


async def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    url = fake.response_url("new-meeting")
    hook = AsyncWebhookClient(url)

    sent = await hook.send(text="Room ready", response_type="in_channel", replace_original=True)

    assert (sent.status_code, sent.body) == (200, "ok")
    [post] = fake.responses_to("new-meeting")
    assert (post.text, post.response_type, post.replace_original, post.delete_original) == (
        "Room ready",
        "in_channel",
        True,
        False,
    )
    assert (await hook.send(text="")).status_code == 400  # no_text
    assert (await AsyncWebhookClient(url + "-unknown").send(text="x")).status_code == 404
    for _ in range(4):
        await hook.send(text="again")
    assert (await hook.send(text="sixth")).status_code == 404  # a response_url takes five posts
    assert len(fake.responses) == 5


async def test_wait_for_sees_a_call_made_later_in_the_background(fake: FakeSlack) -> None:
    since = fake.mark()

    async def post_later() -> None:
        await asyncio.sleep(0.1)
        await client(fake).chat_postMessage(channel="C1", text="reminder: Standup in 10 minutes")

    task = asyncio.create_task(post_later())
    call = await fake.wait_for("chat.postMessage", lambda c: "reminder" in c.args["text"], timeout=3, since=since)
    await task
    assert call.ok and call.args["channel"] == "C1"
    with pytest.raises(AssertionError, match="no matching chat.update"):
        await fake.wait_for("chat.update", timeout=0.05)


def test_wait_for_sync_from_another_thread(fake: FakeSlack) -> None:
    def post() -> None:
        asyncio.run(client(fake).chat_postMessage(channel="C1", text="from a thread"))

    thread = threading.Timer(0.05, post)
    thread.start()
    call = fake.wait_for_sync("chat.postMessage", timeout=3)
    thread.join()
    assert call.args["text"] == "from a thread"

    def respond() -> None:
        asyncio.run(AsyncWebhookClient(fake.response_url("cmd")).send(text="done"))

    threading.Timer(0.05, respond).start()
    assert fake.wait_for_response_sync("cmd", timeout=3).text == "done"
    with pytest.raises(AssertionError):
        fake.wait_for_sync("views.open", timeout=0.05)
