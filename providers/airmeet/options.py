"""What an Airmeet event may set when ``/meeting`` creates one (seed 000, "Create Airmeet").

    AirmeetOptions.parse({"access_type": "INVITED_ONLY"}, provider="airmeet")
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

from pydantic import Field

from providers.base import ProviderOptions

AccessType = Literal["INVITED_ONLY", "WITH_VERIFIED_EMAIL", "WITHOUT_VERIFIED_EMAIL", "EMAIL_UNIQUE_LINK"]
# The seed: "Access Type can be INVITED_ONLY or WITH_VERIFIED_EMAIL or WITHOUT_VERIFIED_EMAIL or
# EMAIL_UNIQUE_LINK. Default is INVITED_ONLY".
ACCESS_TYPES: frozenset[str] = frozenset(get_args(AccessType))


class AirmeetOptions(ProviderOptions):
    """The event's options; the host is ``RoomRequest.host_email``, which Airmeet requires."""

    # The seed: "Only hostEmail, eventName, shortDesc, timing ... are mandatory fields".
    host_email_required: ClassVar[bool] = True

    short_desc: str | None = Field(
        None, title="Short description", description="Leave empty to use the title.",
    )
    access_type: AccessType | None = Field(
        None, title="Who can join", description="Airmeet's default is invited people only.",
        json_schema_extra={"labels": {
            "INVITED_ONLY": "Invited people only",
            "WITH_VERIFIED_EMAIL": "Anyone who verifies their e-mail",
            "WITHOUT_VERIFIED_EMAIL": "Anyone, without e-mail verification",
            "EMAIL_UNIQUE_LINK": "A unique link per e-mail",
        }},
    )
    # The seed lists no event types, so the value is Airmeet's to judge.
    event_type: str | None = Field(None, title="Event type", description="Airmeet's event type, as it names it.")
