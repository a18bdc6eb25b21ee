"""Issue 11: uninstalling (or ``meetbot purge``) deletes every row a workspace left, and nobody else's."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import SQLModel

from db.repos.purge import NOT_TEAM_DATA, TEAM_COLUMNS, team_tables
from db.storage import Storage
from tests.support.storage import NOW, meeting_record, raw_rows

TEAM_TABLES = ("workspace", "provideraccount", "preference", "meeting", "meetingparticipant", "issuedtoken", "reminder")


async def fill(storage: Storage, team: str) -> None:
    await storage.workspaces.save_installation(team, bot_token=f"xoxb-{team}", bot_id="B", bot_user_id="UB",
                                               bot_scopes="commands")
    await storage.accounts.save(team, provider="whereby", credentials={"api_key": f"k-{team}"})
    await storage.preferences.set_default_provider(team, scope="user", scope_id="U1", provider="whereby")
    meeting = await storage.meetings.add(meeting_record(team, invitee_ids=["U2"]),
                                         reminder_times=[(NOW + timedelta(hours=1), 60)])
    await storage.tokens.keep(team, meeting.id, "U2", f"tok-{team}")


async def rows_of(storage: Storage, team: str) -> dict[str, int]:
    return {name: (await raw_rows(storage, f"SELECT count(*) FROM {name} WHERE team_id = '{team}'"))[0][0]
            for name in TEAM_TABLES}


async def test_forget_deletes_every_row_of_the_team_and_counts_them(storage: Storage) -> None:
    await fill(storage, "T1")
    await fill(storage, "T2")
    counts = await storage.workspaces.forget("T1")
    assert {name: counts[name] for name in TEAM_TABLES} == {
        "workspace": 1, "provideraccount": 1, "preference": 1, "meeting": 1, "meetingparticipant": 2,
        "issuedtoken": 1, "reminder": 1}
    assert set(counts.values()) - {0, 1, 2} == set()
    assert await rows_of(storage, "T1") == dict.fromkeys(TEAM_TABLES, 0)
    assert all(await rows_of(storage, "T2"))  # the other workspace keeps everything
    assert await storage.workspaces.forget("T1") == dict.fromkeys(counts, 0)  # twice is harmless


def test_every_table_is_purged_or_declared_to_hold_no_team_data() -> None:
    purged = {model.name for model, _ in team_tables()}
    undecided = set(SQLModel.metadata.tables) - purged - NOT_TEAM_DATA - set(TEAM_COLUMNS)
    assert undecided == set(), "add each to TEAM_COLUMNS or NOT_TEAM_DATA in db/repos/purge.py"
    assert set(TEAM_TABLES) <= purged
