"""Provider fakes the /meeting scenarios run against, each on its own loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.clickmeeting import FakeClickMeeting
from tests.fakes.server import serve
from tests.fakes.whereby import FakeWhereby


@pytest.fixture
def whereby() -> Iterator[tuple[FakeWhereby, str]]:
    """A Whereby fake that accepts the API key ``wb-key``, and its base URL."""
    fake = FakeWhereby(api_key="wb-key")
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def clickmeeting() -> Iterator[tuple[FakeClickMeeting, str]]:
    """A ClickMeeting fake that accepts the API key ``cm-key``, and its base URL."""
    fake = FakeClickMeeting(api_key="cm-key")
    with serve(fake.app) as url:
        yield fake, url
