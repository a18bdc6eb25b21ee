"""The App Home tab, published on ``app_home_opened``: my meetings with Join buttons, the providers,
and Connect/Disconnect buttons for admins only (U1 is an admin, U2 a member)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

from db.records import Meeting, new_meeting_id
from tests.scenario.harness import SlackScenario


async def add(slack: SlackScenario, *, title: str, organiser: str, invitees: tuple[str, ...] = (),
        host_url: str | None = None) -> Meeting:
    return await slack.storage.meetings.add(Meeting(
        id=new_meeting_id(), team_id="T1", provider="whereby", title=title,
        starts_at=slack.runtime.services.clock() + timedelta(hours=2), duration_minutes=30, timezone="UTC",
        channel_id="C1", organiser_id=organiser, invitee_ids=invitees, room_id=title,
        join_url=f"https://acme.whereby.com/{title}", host_url=host_url,
    ))


async def open_home(slack: SlackScenario, user: str, *, tab: str = "home") -> None:
    response = await slack.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": tab,
                                  "event_ts": f"{time.time():.6f}"})
    assert response.status_code == 200


async def published_home(slack: SlackScenario, user: str) -> dict[str, Any]:
    await slack.fake.wait_for("views.publish", lambda c: c.ok and c.args.get("user_id") == user)
    home = slack.fake.home_tab(user)
    assert home is not None and home["type"] == "home"
    return home


def elements(home: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]


async def test_an_admin_sees_meetings_and_connect_buttons(slack: SlackScenario) -> None:
    await slack.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "wb-key"})
    board = await add(slack, title="Board", organiser="U1", host_url="https://acme.whereby.com/Board?roomKey=secret")
    await open_home(slack, "U1")
    home = await published_home(slack, "U1")
    text = json.dumps(home)
    assert "Board" in text and "<!date^" in text and "roomKey" not in text  # no host link on the tab
    assert board.join_url in [e.get("url") for e in elements(home)]
    admin_buttons = {(e["action_id"], e["value"]) for e in elements(home) if "url" not in e}
    assert ("disconnect_provider", "whereby") in admin_buttons
    assert {("connect_provider", slug) for slug in ("kmeet", "clickmeeting", "airmeet", "roomful")} <= admin_buttons
    # Disconnect deletes keys, so Slack asks first (Block Kit confirm); Connect only opens a form.
    [disconnect] = [e for e in elements(home) if e.get("action_id") == "disconnect_provider"]
    assert disconnect["confirm"]["title"]["text"] == "Disconnect Whereby?" and disconnect["confirm"]["style"] == "danger"
    assert disconnect["confirm"]["confirm"]["text"] == "Disconnect" and "stored keys" in disconnect["confirm"]["text"]["text"]
    assert all("confirm" not in e for e in elements(home) if e.get("action_id") == "connect_provider")


async def test_a_member_sees_their_meetings_and_no_admin_buttons(slack: SlackScenario) -> None:
    invited = await add(slack, title="Retro", organiser="U1", invitees=("U2",))
    await add(slack, title="Private", organiser="U3")
    await open_home(slack, "U2")
    home = await published_home(slack, "U2")
    text = json.dumps(home)
    assert "Retro" in text and "Private" not in text
    assert [e.get("url") for e in elements(home)] == [invited.join_url]  # Join only; no Connect/Disconnect
    assert "A workspace admin can connect the others." in text


async def test_the_messages_tab_publishes_nothing(slack: SlackScenario) -> None:
    await open_home(slack, "U1", tab="messages")
    await asyncio.sleep(0.3)
    assert slack.fake.calls_to("views.publish") == []
