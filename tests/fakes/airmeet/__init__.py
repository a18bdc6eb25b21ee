"""A loopback Airmeet that checks keys, tokens, headers, mandatory fields and enums as the seed does.

    fake = FakeAirmeet(access_key="ak", secret_key="sk", team=("host@example.com",))
    with serve(fake.app) as url:
        adapter = AirmeetProvider(creds, endpoints=Endpoints(airmeet=url))
        ...
        fake.expire_tokens()            # the next call with an old token gets 412
        assert fake.auth_calls == 2

State lives on the instance (``events``, ``tokens``, ``team``); tests seed registrations and
exports with ``add_participants``/``add_attendees``/... and make an export answer the in-body 202
"Preparing your results" with ``preparing``. ``base_path="/prod"`` serves under the real prefix.
"""

from __future__ import annotations

from tests.fakes.airmeet.details import DetailsFake
from tests.fakes.airmeet.manage import ManageFake
from tests.fakes.airmeet.wire import PREPARING, FakeEvent


__all__ = ["PREPARING", "FakeAirmeet", "FakeEvent"]


class FakeAirmeet(ManageFake, DetailsFake):
    """Airmeet's public API on loopback: ``FakeAirmeet(access_key="ak", secret_key="sk")``."""
