"""Airmeet speakers: ``await adapter.add_speaker(event_id, name="Ada", email="ada@example.com")``."""

from __future__ import annotations

from dataclasses import dataclass

from providers.airmeet.auth import SLUG
from providers.airmeet.client import AirmeetClient, _rejected, is_image_url
from providers.errors import Rejected

DEFAULT_IMAGE_WARNING = (
    "Airmeet only takes .jpg, .jpeg or .png speaker pictures, so {email} gets the default "
    "profile image; it can be changed in the Airmeet dashboard."
)


@dataclass(frozen=True, kw_only=True)
class SpeakerAdded:
    """A speaker on an event; ``warnings`` says what Airmeet will not take as given (the picture)."""

    email: str
    status: str
    warnings: tuple[str, ...] = ()



class SpeakersAPI(AirmeetClient):
    """``/airmeet/{id}/speaker``."""

    async def add_speaker(
        self,
        event_id: str,
        *,
        name: str,
        email: str,
        organisation: str | None = None,
        designation: str | None = None,
        image_url: str | None = None,
        bio: str | None = None,
        city: str | None = None,
        country: str | None = None,
    ) -> SpeakerAdded:
        """``POST /airmeet/{id}/speaker``; a picture that is not .jpg/.jpeg/.png is left out with a warning."""
        if not name.strip():
            raise Rejected(provider=SLUG, field="name", reason="the speaker needs a name")
        if not email.strip():
            raise Rejected(provider=SLUG, field="email", reason="the speaker needs an e-mail")
        warnings: list[str] = []
        if image_url is not None and not is_image_url(image_url):
            # Airmeet would silently use its default picture; dropping it makes that visible.
            warnings.append(DEFAULT_IMAGE_WARNING.format(email=email))
            image_url = None
        optional = {
            "organisation": organisation, "designation": designation, "imageUrl": image_url,
            "bio": bio, "city": city, "country": country,
        }
        payload = {"name": name, "email": email, **{k: v for k, v in optional.items() if v is not None}}
        body = await self._call(
            "POST", f"/airmeet/{event_id}/speaker", idempotent=False, json=payload,
            # "400 Bad Request - in case the speaker with the same name or email already exists"
            errors={400: _rejected(
                f"{email} (or a speaker named {name}) is already a speaker of that Airmeet event.", field="email",
            )},
        )
        return SpeakerAdded(email=str(body.get("email") or email), status=str(body.get("status", "")), warnings=tuple(warnings))

