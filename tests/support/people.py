"""The people command tests talk about: Ada (admin, Zurich), Bob (New York), Cy (Kolkata), Dee (no e-mail).

    services = Services(storage=storage, directory=People())
    People(private_channels={"G1": {"U1", "U3"}})      # G1 is private to Ada and Cy; the rest is public
    People(members={"C2": {"U1"}}, silent={"C9"})       # only Ada is in C2; the bot cannot post in C9
"""

from __future__ import annotations

from collections.abc import Mapping

from commands.framework.context import Person

TEAM = "T1"
ADA = Person(id="U1", name="Ada Admin", email="ada@example.com", tz="Europe/Zurich", is_admin=True)
BOB = Person(id="U2", name="Bob Member", email="bob@example.com", tz="America/New_York")
CY = Person(id="U3", name="Cy Guest", email="cy@example.com", tz="Asia/Kolkata")
DEE = Person(id="U4", name="Dee NoMail")
PEOPLE = {person.id: person for person in (ADA, BOB, CY, DEE)}


class People:
    """A Directory of ``people`` in team ``TEAM``; a channel not in ``private_channels`` is public."""

    def __init__(self, people: Mapping[str, Person] = PEOPLE, *,
                 private_channels: Mapping[str, set[str]] | None = None,
                 members: Mapping[str, set[str]] | None = None, silent: set[str] | None = None) -> None:
        self.people = dict(people)
        self.private_channels = dict(private_channels or {})
        self.members = dict(members or {})  # a channel in neither mapping has everyone in it
        self.silent = set(silent or ())

    async def person(self, team_id: str, user_id: str) -> Person | None:
        return self.people.get(user_id) if team_id == TEAM else None

    async def can_read(self, team_id: str, channel_id: str, user_id: str) -> bool:
        return user_id in self.private_channels.get(channel_id, {user_id})

    async def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        everyone = {user_id}
        return user_id in self.private_channels.get(channel_id, self.members.get(channel_id, everyone))

    async def can_post(self, team_id: str, channel_id: str) -> bool:
        return team_id == TEAM and channel_id not in self.silent
