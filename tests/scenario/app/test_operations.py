"""/metrics scraped after real traffic, and /readyz naming what is wrong (schema, key, scheduler)."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlencode

import httpx
import time_machine
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from cryptography.fernet import Fernet
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from bot.http.app import create_app
from bot.runtime import build_runtime
from bot.workers.reminders import tick
from db import schema
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby
from tests.scenario.harness import SlackScenario, scenario_settings, sign, slack_app
from tests.support.eventually import eventually

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(http: httpx.AsyncClient) -> Samples:
    """Every sample of ``GET /metrics``, parsed as Prometheus parses it."""
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_count_commands_by_name_and_outcome_and_time_the_ack(slack: SlackScenario) -> None:
    before = await scrape(slack.http)
    await slack.command("/meeting help")
    await slack.command("/meeting new kmeet Standup")
    await slack.command("/meeting frobnicate sk-secret-words")
    unsigned = urlencode({"command": "/meeting", "text": "help"}).encode()
    await slack.post(unsigned, "application/x-www-form-urlencoded", sign(unsigned, secret="wrong"))
    after = await scrape(slack.http)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("meetbot_commands_total", command="/meeting help", outcome="ok") == 1
    assert grew("meetbot_commands_total", command="/meeting new", outcome="ok") == 1
    assert grew("meetbot_commands_total", command="/meeting other", outcome="ok") == 1  # never the typed words
    assert grew("meetbot_ack_seconds_count", kind="command") == 3
    assert grew("meetbot_slack_refused_total", status="401") == 1  # the unsigned one: refused before parsing
    assert grew("meetbot_ack_seconds_bucket", kind="command", le="+Inf") == 3
    assert "sk-secret-words" not in (await slack.http.get("/metrics")).text


async def test_metrics_count_buttons_by_action_id(slack: SlackScenario) -> None:
    before = await scrape(slack.http)
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1", "team_id": "T1"},
               "api_app_id": "A0MEETBOT1", "trigger_id": slack.fake.new_trigger_id(),
               "actions": [{"action_id": "no_such_button", "value": "x", "type": "button"}]}
    assert (await slack.interact(payload)).status_code == 200
    after = await scrape(slack.http)
    assert (value(after, "meetbot_actions_total", action="other", outcome="ok")
            - value(before, "meetbot_actions_total", action="other", outcome="ok")) == 1


async def test_slack_429s_are_counted_per_method(slack: SlackScenario) -> None:
    before = await scrape(slack.http)
    slack.fake.rate_limit_next("chat.postMessage", retry_after=0)
    await slack.command("/meeting new kmeet Standup")
    await slack.fake.wait_for("chat.postMessage", lambda c: c.ok, timeout=8)
    after = await scrape(slack.http)
    assert (value(after, "meetbot_slack_rate_limited_total", method="chat.postMessage")
            - value(before, "meetbot_slack_rate_limited_total", method="chat.postMessage")) == 1


async def test_provider_calls_are_counted_by_provider_endpoint_and_status(database_url: str) -> None:
    fake = FakeWhereby(api_key="wb-key")
    with serve(fake.app) as url:
        async with slack_app(database_url, whereby_api_url=f"{url}/v1") as slack:
            await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-key"})
            before = await scrape(slack.http)
            await slack.command('/meeting new whereby "Standup" tomorrow 10:00 for 15m')
            await slack.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "C1")
            after = await scrape(slack.http)
    created = [key for key, count in after.items()
               if key[0] == "meetbot_provider_calls_total" and ("provider", "whereby") in key[1]
               and count > before.get(key, 0.0)]
    assert created, "no Whereby call was counted"
    labels = dict(created[0][1])
    assert labels["endpoint"] == "POST /meetings" and labels["status"] == "201"
    assert value(after, "meetbot_provider_call_seconds_count", provider="whereby", endpoint="POST /meetings") >= 1


async def test_metrics_name_every_family_the_operators_page_lists(slack: SlackScenario) -> None:
    families = {family.name for family in text_string_to_metric_families((await slack.http.get("/metrics")).text)}
    assert {"meetbot_commands", "meetbot_actions", "meetbot_ack_seconds", "meetbot_provider_calls",
            "meetbot_provider_call_seconds", "meetbot_reminders", "meetbot_outbox_depth",
            "meetbot_outbox_oldest_age_seconds", "meetbot_slack_rate_limited", "meetbot_import_rows"} <= families


def ticking(slack: SlackScenario) -> None:
    """Attach the heartbeat as the lifespan does (the harness runs no lifespan), and tick once."""
    heartbeat = slack.http._transport.app.state.heartbeat  # type: ignore[attr-defined]
    heartbeat.attach(AsyncIOScheduler())
    heartbeat.beat()


async def test_readyz_is_ok_when_every_part_is(slack: SlackScenario) -> None:
    ticking(slack)
    response = await slack.http.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True, "checks": {"database": "ok", "schema": "ok", "key": "ok",
                                                      "scheduler": "ok"}}


async def test_readyz_fails_naming_the_scheduler_when_ticks_stop(slack: SlackScenario) -> None:
    ticking(slack)
    with time_machine.travel(time.time() + 3 * slack.settings.meetbot_tick_seconds + 1, tick=False):
        response = await slack.http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["scheduler"]
    assert "has not ticked for" in response.json()["checks"]["scheduler"]


async def test_readyz_without_a_scheduler_says_so(slack: SlackScenario) -> None:
    response = await slack.http.get("/readyz")
    assert response.status_code == 503 and response.json()["failing"] == ["scheduler"]


async def test_readyz_names_a_wrong_key(database_url: str) -> None:
    async with slack_app(database_url) as slack:
        await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-key"})
        ticking(slack)
        assert (await slack.http.get("/readyz")).status_code == 200  # plants the canary
        settings = slack.settings
    wrong = scenario_settings(settings.slack_api_url, database_url, meetbot_secret_keys=Fernet.generate_key().decode())
    app = create_app(wrong, build_runtime(wrong, purpose="serve"), scheduler=False)
    app.state.heartbeat.attach(AsyncIOScheduler())
    app.state.heartbeat.beat()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://meetbot.test") as http:
        response = await http.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing"] == ["key"]
        assert "MEETBOT_SECRET_KEYS cannot decrypt" in response.json()["checks"]["key"]
        assert (await http.get("/healthz")).status_code == 200  # liveness alone would not have told


async def test_readyz_names_a_schema_behind_head(slack: SlackScenario) -> None:
    ticking(slack)
    with slack.storage.engine.begin() as connection:  # as if an older meetbot had migrated it
        connection.execute(text("UPDATE alembic_version SET version_num = '0003_tokens'"))
    response = await slack.http.get("/readyz")
    assert response.status_code == 503 and response.json()["failing"] == ["schema"]
    assert f"not {schema.head_revision()}: run `meetbot migrate`" in response.json()["checks"]["schema"]


async def test_a_tick_of_a_real_scheduler_beats(slack: SlackScenario) -> None:
    heartbeat = slack.http._transport.app.state.heartbeat  # type: ignore[attr-defined]
    scheduler = AsyncIOScheduler()
    heartbeat.attach(scheduler)
    scheduler.add_job(lambda: None, "date")  # runs at once
    scheduler.start()
    try:
        await eventually(lambda: heartbeat.last is not None)
    finally:
        scheduler.shutdown(wait=False)
    assert heartbeat.problem() is None


async def test_reminders_are_counted_as_due_then_sent_or_failed(slack: SlackScenario) -> None:
    await slack.command("/meeting new kmeet Standup in 30m remind 10m,20m")
    await slack.reply()
    services, outbox = slack.runtime.services, slack.app_shell.outbox
    real_clock = services.clock
    before = await scrape(slack.http)
    services.clock = lambda: real_clock() + timedelta(minutes=11)  # the 20m reminder falls due
    slack.fake.fail_next("chat.postMessage", "channel_not_found")
    assert (await tick(services, outbox)).claimed == 1
    await outbox.drain()  # its channel post is refused for good
    services.clock = lambda: real_clock() + timedelta(minutes=21)  # the 10m one is due
    assert (await tick(services, outbox)).claimed == 1
    await outbox.drain()

    async def grew(outcome: str) -> float:
        after = await scrape(slack.http)
        return value(after, "meetbot_reminders_total", outcome=outcome) - value(before, "meetbot_reminders_total",
                                                                               outcome=outcome)

    async def settled() -> bool:  # the worker's own loop may post a row a moment later than drain
        return await grew("failed") + await grew("sent") + await grew("late") == 2

    await eventually(settled)
    assert await grew("due") == 2
    assert await grew("failed") == 1
    assert await grew("sent") + await grew("late") == 1
