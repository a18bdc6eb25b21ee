"""The app starting and stopping: what it prepares before the first command, and commands being
handled as it stops, whose work ends first (within a grace), so no room is left made at a provider
and unknown to meetbot; the provider clients it kept are closed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
import pytest

from bot.slack import listeners
from commands.framework.when_words import zone_keys
from tests.fakes.server import Fault
from tests.fakes.whereby import FakeWhereby
from tests.scenario.harness import slack_app
from tests.scenario.meeting.conftest import connected

LINE = '/meeting new whereby "Standup" tomorrow 10:00 for 15m'


async def test_a_command_in_flight_when_the_app_stops_is_finished_and_announced_first(
        database_url: str, whereby: tuple[FakeWhereby, str]) -> None:
    fake, url = whereby
    fake.faults.add(Fault(delay=0.5), path="/v1/meetings")  # the room is being made as the app stops
    async with connected(database_url, provider="whereby", api_key=fake.api_key, url=url) as slack:
        await slack.command(LINE)
    # The app's shutdown has run: the command's work had ended by then.
    [meeting] = (await slack.storage.meetings.upcoming("T1", after=datetime.now(UTC))).items
    assert meeting.title == "Standup" and meeting.announcement_ts
    assert len(fake.meetings) == 1
    assert any("Standup" in str(message.get("blocks")) for message in slack.fake.messages_in("C1"))


async def test_work_past_the_grace_is_stopped_with_one_warning(
        database_url: str, whereby: tuple[FakeWhereby, str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    fake, url = whereby
    monkeypatch.setattr(listeners, "WORK_GRACE", 0.2)
    fake.faults.add(Fault(delay=3.0), path="/v1/meetings")
    with caplog.at_level(logging.WARNING):
        async with connected(database_url, provider="whereby", api_key=fake.api_key, url=url) as slack:
            await slack.command(LINE)
    assert (await slack.storage.meetings.upcoming("T1", after=datetime.now(UTC))).items == ()
    [warning] = [record for record in caplog.records if record.name == "bot.slack.listeners"]
    assert "1 Slack requests were still being handled" in warning.getMessage() and warning.exc_info is None


async def test_provider_clients_are_kept_between_commands_and_closed_when_the_app_stops(
        database_url: str, whereby: tuple[FakeWhereby, str]) -> None:
    fake, url = whereby
    given_back: list[httpx.AsyncClient] = []
    async with connected(database_url, provider="whereby", api_key=fake.api_key, url=url) as slack:
        pool = slack.runtime.services.clients
        assert pool is not None
        keep = pool.give_back

        async def spy(client: httpx.AsyncClient) -> None:
            given_back.append(client)
            await keep(client)

        pool.give_back = spy  # type: ignore[method-assign]
        for title in ("Standup", "Retro"):
            await slack.command(f'/meeting new whereby "{title}" tomorrow 10:00 for 15m')
            await slack.fake.wait_for("chat.postMessage", lambda call, title=title: title in str(call.args))
        assert pool.idle == 1  # the second command borrowed the client the first gave back
        assert given_back[0] is given_back[-1] and not given_back[0].is_closed
    assert pool.idle == 0 and all(client.is_closed for client in given_back)


async def test_the_zone_names_are_read_at_startup_not_during_the_first_command(database_url: str) -> None:
    zone_keys.cache_clear()
    async with slack_app(database_url):
        assert zone_keys.cache_info().currsize == 1  # read by the startup, before any request came in
