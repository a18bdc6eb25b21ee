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


async def test_defaults_are_listed_in_order_cleared_and_counted_per_provider(storage: Storage) -> None:
    prefs = storage.preferences
    await prefs.set_default_provider("T1", scope="user", scope_id="U1", provider="whereby")
    await prefs.set_default_provider("T1", scope="channel", scope_id="C1", provider="whereby")
    await prefs.set_default_provider("T2", scope="channel", scope_id="C1", provider="whereby")
    assert await prefs.defaults("T1", user_id="U1", channel_id="C1") == [("user", "whereby"), ("channel", "whereby")]
    assert await prefs.defaults("T1", user_id="U1", channel_id=None) == [("user", "whereby")]
    assert await prefs.count_naming("T1", "whereby") == 2 and await prefs.count_naming("T1", "kmeet") == 0
    assert await prefs.clear_default_provider("T1", scope="user", scope_id="U1") == "whereby"
    assert await prefs.clear_default_provider("T1", scope="user", scope_id="U1") is None
    assert await prefs.defaults("T1", user_id="U1", channel_id="C1") == [("channel", "whereby")]
    assert await prefs.count_naming("T2", "whereby") == 1
