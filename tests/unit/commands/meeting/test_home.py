"""commands/meeting/home.py: the App Home tab through ``registry.home`` — my meetings, the providers, admin buttons."""

from __future__ import annotations

from commands.framework.context import Services
from commands.framework.replies import Reply
from db.storage import Storage
from tests.support.registry import REGISTRY
from tests.unit.commands.meeting.seeded import (  # noqa: F401  (services is a fixture)
    add,
    ctx,
    run,
    services,
)

# -- App Home --------------------------------------------------------------------------------


async def test_home_for_an_admin_has_my_meetings_and_connect_buttons(services: Services, storage: Storage) -> None:
    await storage.accounts.save("T1", provider="whereby", credentials={"api_key": "k"})
    mine = await add(storage, title="Mine", organiser="U1", host_url="https://join.example/Mine?roomKey=secret")
    await add(storage, title="Not mine", organiser="U3")
    home = await REGISTRY.home(ctx("U1"), services)
    text = "\n".join(s.text for s in home.sections)
    assert "Mine" in text and "Not mine" not in text
    card = next(s for s in home.sections if "*Mine*" in s.text)
    assert [b.url for b in card.buttons] == [mine.join_url] and "roomKey" not in repr(home)
    assert f"`/meeting link {mine.id}` gives you the host link" in card.text
    actions = {(b.action_id, b.value) for s in home.sections for b in s.buttons if b.action_id}
    assert ("disconnect_provider", "whereby") in actions and ("connect_provider", "whereby") not in actions
    assert {("connect_provider", slug) for slug in ("kmeet", "clickmeeting", "airmeet", "roomful")} <= actions


async def test_home_for_a_member_has_no_admin_buttons(services: Services, storage: Storage) -> None:
    await add(storage, title="Invited", organiser="U1", invitee_ids=["U2"])
    home = await REGISTRY.home(ctx("U2"), services)
    assert all(b.action_id is None for s in home.sections for b in s.buttons)
    assert "A workspace admin can connect the others." in "\n".join(s.text for s in home.sections)
    card = next(s for s in home.sections if "*Invited*" in s.text)
    assert "You're invited." in card.text and "host link" not in card.text
    empty = await REGISTRY.home(ctx("U3"), services)
    assert "None yet" in empty.sections[0].text


async def test_a_private_channels_meetings_stay_with_its_members(services: Services, storage: Storage) -> None:
    secret = await add(storage, title="Reorg", channel="G1", organiser="U1")

    def listed(reply: Reply) -> str:
        return " ".join(f.label for m in reply.messages for f in m.fields)

    assert secret.id in listed(await run("list all", services, user="U3", channel="C1"))  # a member of G1
    assert secret.id not in listed(await run("list all", services, user="U2", channel="C1"))
    refusal = (await run(f"link {secret.id}", services, user="U2")).text
    assert "channel you are not in" in refusal and secret.join_url not in refusal


async def test_provider_cards_are_sentences_and_kmeets_says_each_thing_once(services: Services) -> None:
    home = await REGISTRY.home(ctx("U1"), services)
    kmeet = next(s for s in home.sections if "(`kmeet`)" in s.text)
    assert kmeet.text == ("*Infomaniak kMeet* (`kmeet`): :white_check_mark: Ready now; connecting adds the token.\n"
                          "_Instant rooms with no account; planned conferences with an Infomaniak token._")
    whereby = next(s for s in home.sections if "(`whereby`)" in s.text)
    assert whereby.text.startswith("*Whereby* (`whereby`): :heavy_minus_sign: Not connected.\n_Rooms with")
