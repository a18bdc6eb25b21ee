"""Fixtures every provider test folder shares: one loopback server per test module, switched per test.

A folder (or module) defines ``fake``, which puts a fresh fake on ``server``'s switch; ``base_url``
then points at it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.server import FakeService, FakeSwitch, serve_switch


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeSwitch, str]]:
    # Starting uvicorn per test is slow; each test still gets its own fake.
    with serve_switch() as (switch, url):
        yield switch, url


@pytest.fixture
def base_url(server: tuple[FakeSwitch, str], fake: FakeService) -> str:
    return server[1]
