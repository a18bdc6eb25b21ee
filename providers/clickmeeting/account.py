"""ClickMeeting account-wide calls: contacts, time zones, phone gateways, ping.

    await adapter.add_contact(email=e, firstname=f, lastname=l)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from providers.clickmeeting.client import ClickMeetingClient, _expect_ok


class AccountAPI(ClickMeetingClient):
    """Calls about the account rather than one room."""

    async def add_contact(
        self,
        *,
        email: str,
        firstname: str,
        lastname: str,
        phone: str | None = None,
        company: str | None = None,
        country: str | None = None,
    ) -> None:
        """Add or update (same e-mail) a contact: ``await adapter.add_contact(email=e, firstname=f, lastname=l)``."""
        form = {
            "email": email,
            "firstname": firstname,
            "lastname": lastname,
            "phone": phone,
            "company": company,
            "country": country,
        }
        # The seed: an existing e-mail is updated, so a repeat changes nothing.
        _expect_ok(await self._json("POST", "contacts", idempotent=True, form=form))

    async def time_zones(self, country: str | None = None) -> list[str]:
        """All time zone names, or one country's (ISO 3166 alpha-2): ``await adapter.time_zones("PL")``."""
        path = "time_zone_list" if country is None else f"time_zone_list/{quote(country.lower(), safe='')}"
        return [str(zone) for zone in await self._get(path)]

    async def phone_gateways(self) -> list[dict[str, Any]]:
        """Dial-in numbers (code, location, value, geo): ``await adapter.phone_gateways()``."""
        return list(await self._get("phone_gateways"))

    async def ping(self) -> dict[str, Any]:
        """``{"ping": "pong"}`` when the API and the key work: ``await adapter.ping()``."""
        return dict(await self._get("ping"))
