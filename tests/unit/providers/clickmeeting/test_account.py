"""ClickMeeting account calls: contacts, time zones, phone gateways, ping."""

from __future__ import annotations

import pytest

from providers.clickmeeting import ClickMeetingProvider
from providers.errors import Rejected
from tests.fakes.clickmeeting import FakeClickMeeting
from tests.unit.providers.clickmeeting.support import form_of, last


# --- contacts, time zones, phone gateways ------------------------------------------------------------------


async def test_add_contact_adds_then_updates(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    await adapter.add_contact(email="ann@x.io", firstname="Ann", lastname="Lee", country="PL")
    assert form_of(last(fake, "POST", "/v1/contacts.json")) == [
        ("email", "ann@x.io"),
        ("firstname", "Ann"),
        ("lastname", "Lee"),
        ("country", "PL"),
    ]
    await adapter.add_contact(email="ann@x.io", firstname="Ann", lastname="Lee-Smith", company="Acme")
    assert fake.contacts == {
        "ann@x.io": {
            "email": "ann@x.io",
            "firstname": "Ann",
            "lastname": "Lee-Smith",
            "country": "PL",
            "company": "Acme",
        }
    }
    with pytest.raises(Rejected) as caught:
        await adapter.add_contact(email="not-an-email", firstname="A", lastname="B")
    assert caught.value.field == "email"


async def test_time_zones_all_and_by_country(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    everything = await adapter.time_zones()
    assert last(fake, "GET", "/v1/time_zone_list.json")
    assert "Europe/Warsaw" in everything and "America/New_York" in everything and everything == sorted(everything)
    polish = await adapter.time_zones("PL")
    assert last(fake, "GET", "/v1/time_zone_list/pl.json")
    assert polish == ["Europe/Warsaw"]


async def test_phone_gateways(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    berlin = {"code": "DE", "location": "Berlin", "value": "+49 30 555", "geo": {"lat": "52.5", "long": "13.4"}}
    fake.phone_gateways.append(berlin)
    gateways = await adapter.phone_gateways()
    assert last(fake, "GET", "/v1/phone_gateways.json")
    assert [g["code"] for g in gateways] == ["US", "PL", "DE"]


async def test_ping(
    fake: FakeClickMeeting, adapter: ClickMeetingProvider
) -> None:
    assert await adapter.ping() == {"ping": "pong"}
    assert last(fake, "GET", "/v1/ping.json").body == b""
