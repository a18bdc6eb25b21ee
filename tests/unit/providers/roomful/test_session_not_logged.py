"""Issue 11, finding 2: Roomful's session token rides in the socket URL (``?sessionId=``), and
engineio logs that URL at INFO. Through meetbot's logging set-up it never shows."""

from __future__ import annotations

import pytest

from tests.support.logs import captured_logs


@pytest.mark.parametrize("level", ["info", "debug"])
async def test_the_session_token_is_in_no_log_line(fake, make, level: str) -> None:  # type: ignore[no-untyped-def]
    with captured_logs(level=level) as lines:
        await make().verify()
    session = fake.connections[-1].query["sessionId"]
    written = lines.getvalue()
    assert session and session not in written and "s3cret" not in written
    if level == "debug":  # the library's line is written, redacted
        assert "sessionId=[redacted]" in written
