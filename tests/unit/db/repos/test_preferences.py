"""Default providers per user and channel, on SQLite and PostgreSQL."""

from __future__ import annotations

from db.storage import Storage


async def test_the_users_default_wins_over_the_channels(storage: Storage) -> None:
    prefs = storage.preferences
    assert await prefs.default_provider("T1", user_id="U1", channel_id="C1") is None
    await prefs.set_default_provider("T1", scope="channel", scope_id="C1", provider="kmeet")
    assert await prefs.default_provider("T1", user_id="U1", channel_id="C1") == "kmeet"
    assert await prefs.default_provider("T1", user_id="U1", channel_id=None) is None
    await prefs.set_default_provider("T1", scope="user", scope_id="U1", provider="whereby")
    await prefs.set_default_provider("T1", scope="user", scope_id="U1", provider="airmeet")
    assert await prefs.default_provider("T1", user_id="U1", channel_id="C1") == "airmeet"
    assert await prefs.default_provider("T2", user_id="U1", channel_id="C1") is None
