"""Roomful client: the REST sign-in, the credentials, and refusals read as typed errors."""

from __future__ import annotations

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers.errors import AuthFailed, RateLimited, Unavailable
from providers.roomful import RoomfulCredentials
from providers.roomful.client import _ack_error
from tests.fakes.server import Fault


# --- sign-in and session ------------------------------------------------------------------------


async def test_verify_signs_in_with_network_and_opens_websocket_with_session(fake, make):
    adapter = make()
    await adapter.verify()

    (signin,) = fake.signins()
    assert signin.headers["x-network"] == "acme"
    assert signin.json == {"email": "bot@acme.test", "password": "s3cret"}
    (connection,) = fake.connections
    assert connection.query["sessionId"] in fake.sessions
    assert connection.query["transport"] == "websocket"
    assert connection.query["EIO"] == "3"  # the Engine.IO generation Roomful's server speaks
    assert adapter.user["id"] == fake.owner_id


@pytest.mark.parametrize(
    ("email", "password", "network", "code"),
    [
        ("bot@acme.test", "wrong", "acme", "401"),
        ("nobody@acme.test", "s3cret", "acme", "1021"),
        ("bot@acme.test", "s3cret", "other-network", "401"),
    ],
)
async def test_refused_sign_in_is_auth_failed(fake, make, email, password, network, code):
    adapter = make(email=email, password=password, network=network)
    with pytest.raises(AuthFailed) as caught:
        await adapter.verify()
    assert caught.value.status == 400
    assert caught.value.raw.startswith(f"{code}:")
    # The sentence speaks of Roomful only; the commands layer adds how to connect it again.
    assert caught.value.user_message == "Roomful refused this workspace's email, password or network id."
    assert fake.connections == []


async def test_sign_in_throttled_with_705_is_rate_limited(fake, make):
    body = {"data": None, "error": {"status": True, "code": 705, "message": "Too frequent request"}}
    fake.faults.add(Fault(status=400, body=body), path="/api/v1/auth/signin")
    with pytest.raises(RateLimited) as caught:
        await make().verify()
    assert caught.value.raw == "705: Too frequent request"


async def test_sign_in_outage_is_unavailable_after_retries(fake, make):
    fake.faults.add(Fault(status=503), path="/api/v1/auth/signin", times=3)
    with pytest.raises(Unavailable):
        await make().verify()
    assert len(fake.signins()) == 3  # the first try and FAST's two retries


async def test_unverified_account_is_auth_failed(fake, make):
    fake.add_user("new@acme.test", password="pw", verified=False)
    with pytest.raises(AuthFailed) as caught:
        await make(email="new@acme.test", password="pw").verify()
    assert "not verified" in caught.value.user_message


def test_credentials_validate_and_hide_the_password():
    credentials = RoomfulCredentials(email="bot@acme.test", password="s3cret", network="acme")
    assert "s3cret" not in repr(credentials)
    with pytest.raises(pydantic.ValidationError):
        RoomfulCredentials(email="not-an-email", password="x", network="acme")
    with pytest.raises(pydantic.ValidationError):
        RoomfulCredentials(email="bot@acme.test", password="x", network="")


# --- reading an ack's error object, as Roomful's own client does ----------------------------------


@pytest.mark.parametrize(
    ("ack", "failure"),
    [
        ({"data": {}, "error": {"status": False, "code": 0, "message": ""}}, None),
        ({"data": {}}, None),
        ({"data": {}, "error": None}, None),
        ({"error": {"status": True, "code": 705, "message": "Too frequent request"}}, (705, "Too frequent request")),
        ({"error": {"code": 0, "message": "Meeting not found"}}, (0, "Meeting not found")),  # no status at all
        ({"error": {"status": None, "code": 404}}, (404, "")),
        ({"error": {"status": 0, "description": "timed out"}}, (0, "timed out")),  # 0 is not `false`
        ({"error": "boom"}, (0, "boom")),
        ({"error": {"code": float("inf")}}, (0, "")),
    ],
)
def test_an_error_object_fails_the_call_unless_its_status_is_false(ack, failure):
    assert _ack_error(ack) == failure


@given(st.dictionaries(st.sampled_from(["data", "error"]), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["status", "code", "message", "description"]), inner, max_size=4),
    max_leaves=8,
)))
def test_any_ack_reads_as_success_or_one_failure(ack):
    failure = _ack_error(ack)
    error = ack.get("error")
    succeeded = not error or (isinstance(error, dict) and error.get("status") is False)
    assert (failure is None) == succeeded
    if failure is not None:
        assert isinstance(failure[0], int) and isinstance(failure[1], str)
