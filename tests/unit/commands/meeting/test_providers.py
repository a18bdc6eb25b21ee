"""``/meeting providers``: one line per provider, each sentence starting with a capital, none repeating
what the blurb says (issue 8, defect 12). On SQLite and PostgreSQL (the ``storage`` fixture)."""

from __future__ import annotations

import re

from commands.framework.context import Services
from tests.unit.commands.meeting.seeded import only, run, services  # noqa: F401 (fixture)


def sentences(line: str) -> list[str]:
    """The sentences after ``• *Name* (`slug`): ``, emoji codes dropped."""
    body = re.sub(r":[a-z_]+: ", "", line.split("`): ", 1)[1])
    return [part for part in re.split(r"(?<=[.!?]) ", body) if part]


async def test_each_provider_line_is_sentences_that_start_with_capitals(services: Services) -> None:
    await services.storage.accounts.save("T1", provider="whereby", credentials={"api_key": "a"})
    text = only(await run("providers", services)).text
    heading, *lines = text.splitlines()
    assert heading == "*Providers in this workspace*" and len(lines) == 5
    for line in lines:
        assert all(not part[0].islower() and part.endswith(".") for part in sentences(line)), line  # "3D" starts one
    [whereby] = [line for line in lines if "(`whereby`)" in line]
    assert whereby.endswith(":white_check_mark: Connected, account `default` (default).")
    [clickmeeting] = [line for line in lines if "(`clickmeeting`)" in line]
    assert clickmeeting.endswith("Not connected: an admin can run `/meeting connect clickmeeting`.")


async def test_kmeets_line_says_each_thing_once(services: Services) -> None:
    [kmeet] = [line for line in only(await run("providers", services)).text.splitlines() if "(`kmeet`)" in line]
    assert kmeet == ("• *Infomaniak kMeet* (`kmeet`): Instant rooms with no account; planned conferences with an "
                     "Infomaniak token. :white_check_mark: Ready now; an admin can add the token with "
                     "`/meeting connect kmeet`.")
    assert kmeet.lower().count("instant") == 1 and kmeet.lower().count("account") == 1
