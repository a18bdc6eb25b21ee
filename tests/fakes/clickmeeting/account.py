"""Account calls: ping, contacts, time zones, phone gateways."""

from __future__ import annotations

import re
from typing import Any, ClassVar
from zoneinfo import available_timezones

from tests.fakes.clickmeeting.wire import EMAIL, TIMEZONE_AREAS, Invalid, Req, _required, country_time_zones

from tests.fakes.clickmeeting.app import ClickMeetingApp


class AccountFake(ClickMeetingApp):
    """Account calls: ping, contacts, time zones, phone gateways."""

    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"ping", "ping"),
        ("POST", r"contacts", "add_contact"),
        ("GET", r"time_zone_list(?:/(?P<country>[A-Za-z]{2}))?", "time_zones"),
        ("GET", r"phone_gateways", "list_phone_gateways"),
    ]

    async def ping(self, req: Req) -> Any:
        return {"ping": "pong"}


    # --- contacts, time zones, phone gateways ---

    async def add_contact(self, req: Req) -> Any:
        form = req.form
        _required(form, "email", "firstname", "lastname")
        if not EMAIL.fullmatch(str(form["email"])):
            raise Invalid(422, ("email", "This value is not a valid email address."))
        if "country" in form and not re.fullmatch(r"[A-Za-z]{2}", str(form["country"])):
            raise Invalid(422, ("country", "Use an ISO 2 country code."))
        contact = self.contacts.setdefault(str(form["email"]).lower(), {})
        fields = ("email", "firstname", "lastname", "phone", "company", "country")
        contact.update({key: form[key] for key in fields if key in form})
        return {"status": "OK"}

    async def time_zones(self, req: Req) -> Any:
        country = req.params.get("country")
        if country is None:
            names = {name for name in available_timezones() if name.split("/")[0] in TIMEZONE_AREAS}
            return sorted(names | {"UTC"})
        return country_time_zones().get(country.upper(), [])

    async def list_phone_gateways(self, req: Req) -> Any:
        return self.phone_gateways

