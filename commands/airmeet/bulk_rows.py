"""The CSV rows ``/airmeet … bulk`` reads, one pydantic model per kind, checked as the seed says.

    SpeakerRow.model_validate({"name": "Ada", "email": "ada@example.com"})
    person("Ada Lovelace <ada@example.com>") == ("Ada Lovelace", "ada@example.com")

Columns may be spelt as any listed alias (``commands.imports.column``); a problem is a few words
("is not a valid e-mail address") that the preview puts after the column's name.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, field_validator

from commands.imports import Row, column, email_address, not_blank, optional
from providers.airmeet.client import is_tz_name

Email = Annotated[str, AfterValidator(email_address)]
Text = Annotated[str, AfterValidator(not_blank)]
Maybe = Annotated[str | None, BeforeValidator(optional)]
SPEAKER_IN_LIST = re.compile(r"^\s*(?:(?P<name>[^<]*?)\s*<(?P<angle>[^>]+)>|(?P<bare>\S+))\s*$")


def email_list(value: Any) -> list[str]:
    """``"a@x.io; Ada <ada@x.io>"`` → the e-mails; each must be one (semicolons or commas between them)."""
    if isinstance(value, list):
        return value
    return [item.strip() for item in re.split(r"[;,]", str(value or "")) if item.strip()]


def person(item: str) -> tuple[str, str]:
    """``"Ada Lovelace <ada@x.io>"`` → (name, e-mail); a bare e-mail is named after its local part."""
    match = SPEAKER_IN_LIST.match(item)
    if match is None:
        raise ValueError(f"{item[:40]!r} is not an e-mail or `Name <e-mail>`")
    email = (match["angle"] or match["bare"] or "").strip()
    email_address(email)
    name = (match["name"] or "").strip() or email.split("@")[0].replace(".", " ").title()
    return name, email


def people(value: list[str]) -> list[str]:
    for item in value:
        person(item)
    return value


People = Annotated[list[str], BeforeValidator(email_list), AfterValidator(people)]


class SpeakerRow(Row):
    """``POST /airmeet/{id}/speaker``: name and e-mail required, the rest optional (all strings, seed §4.2)."""

    name: Text = column(..., "speaker", "full name", max_length=200)
    email: Email = column(..., "e-mail", "email address", "mail")
    organisation: Maybe = column(None, "organization", "company")
    designation: Maybe = column(None, "job title", "role")
    bio: Maybe = column(None, "about")
    image_url: Maybe = column(None, "image", "imageurl", "photo", "picture")
    city: Maybe = column(None)
    country: Maybe = column(None)


class SessionRow(Row):
    """``POST /airmeet/{id}/session`` (type HOSTING): title, start, duration and host required (seed §4.3)."""

    title: Text = column(..., "session title", "sessiontitle", "name", max_length=200)
    start: Text = column(..., "start time", "starts", "sessionstarttime")
    duration: int = column(..., "duration minutes", "minutes", "sessionduration")
    host_email: Email = column(..., "host", "host e-mail", "hostemail")
    timezone: Maybe = column(None, "time zone", "tz", "zone")
    summary: Maybe = column(None, "description", "sessionsummary")
    speakers: People = column([], "speaker emails", "speakeremails")
    cohosts: People = column([], "cohost emails", "co-hosts", "cohostemails")

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("is not a date and time like 2030-05-06 09:00") from None
        return value

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: int) -> int:
        if not 1 <= value <= 24 * 60:
            raise ValueError("must be between 1 and 1440 minutes")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and not is_tz_name(value):
            raise ValueError("is not a time zone name such as Europe/Zurich")
        return value

    def starts_at(self, default_zone: str) -> datetime:
        """The start as an aware datetime: its own offset, else its ``timezone``, else the importer's zone."""
        moment = datetime.fromisoformat(self.start)
        if moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=ZoneInfo(self.timezone or default_zone))


class BoothRow(Row):
    """``POST /airmeet/{id}/booths``: only the name is required (seed §4.5); logos are dashboard-only."""

    name: Text = column(..., "booth", "booth name", max_length=200)
    exhibitors: People = column([], "exhibitor emails")
    tags: Annotated[list[str], BeforeValidator(email_list)] = column([], "tag")


class RegistrationRow(Row):
    """``POST /airmeet/{id}/attendee``: e-mail, first and last name are mandatory (seed §5)."""

    email: Email = column(..., "e-mail", "email address", "mail")
    first_name: Text = column(..., "first", "firstname", "given name")
    last_name: Text = column(..., "last", "lastname", "surname", "family name")
