"""The row of each ``/airmeet`` add: one pydantic model per kind, for the form, ``key=value`` and a CSV row alike.

    SpeakerRow.model_validate({"name": "Ada", "email": "ada@example.com"})
    person("Ada Lovelace <ada@example.com>") == ("Ada Lovelace", "ada@example.com")

A field's ``title``/``description`` label the form's input; its ``aliases`` are the other CSV header
spellings (``commands.imports.table``). A problem is a few words ("is not a valid e-mail address")
that the form puts on its input and the CSV preview after the column's name. Checks needing the
speaker's clock and zone (a start in the past) come later, in ``sessions.session_times``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from commands.framework.when import WhenError, parse_duration, parse_when
from commands.imports import Row, email_address, optional
from providers.airmeet.client import is_tz_name

SPEAKER_IN_LIST = re.compile(r"^\s*(?:(?P<name>[^<]*?)\s*<(?P<angle>[^>]+)>|(?P<bare>\S+))\s*$")


def column(default: Any, *aliases: str, title: str, description: str | None = None,
           max_length: int | None = None, multiline: bool = False) -> Any:
    """A field with its form label and the other CSV header spellings it answers to."""
    extra: dict[str, Any] = {"aliases": list(aliases), **({"multiline": True} if multiline else {})}
    return Field(default, title=title, description=description, max_length=max_length, json_schema_extra=extra)


def an_email(value: str) -> str:
    # A "value_error" without pydantic's "Value error, " prefix: the form and the preview both read it.
    try:
        return email_address(value)
    except ValueError as error:
        raise PydanticCustomError("value_error", str(error)) from None


def not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("missing", "is empty")
    return value


def split_list(value: Any) -> list[str]:
    """``"a@x.io; Ada <ada@x.io>"`` → the items (semicolons or commas between them); a ticked list as is."""
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


def emails(value: list[str]) -> list[str]:
    for item in value:
        an_email(item)
    return value


Email = Annotated[str, AfterValidator(an_email)]
Text = Annotated[str, AfterValidator(not_blank)]
Maybe = Annotated[str | None, BeforeValidator(optional)]
People = Annotated[list[str], BeforeValidator(split_list), AfterValidator(people)]
Emails = Annotated[list[str], BeforeValidator(split_list), AfterValidator(emails)]
Words = Annotated[list[str], BeforeValidator(split_list)]


class SpeakerRow(Row):
    """``POST /airmeet/{id}/speaker``: name and e-mail required, the rest optional (all strings, seed §4.2)."""

    name: Text = column(..., "speaker", "full name", title="Name", max_length=200)
    email: Email = column(..., "e-mail", "email address", "mail", title="E-mail", max_length=254)
    organisation: Maybe = column(None, "organization", "company", title="Organisation", max_length=200)
    designation: Maybe = column(None, "job title", "role", title="Designation", max_length=200)
    bio: Maybe = column(None, "about", title="Bio", max_length=2000, multiline=True)
    image_url: Maybe = column(None, "image", "imageurl", "photo", "picture", title="Image URL", max_length=2000,
                              description="A link ending in .jpg, .jpeg or .png.")
    city: Maybe = column(None, title="City", max_length=200)
    country: Maybe = column(None, title="Country", max_length=200)


class SessionRow(Row):
    """``POST /airmeet/{id}/session`` (type HOSTING, seed §4.3): title, start, duration; host and speakers optional.

    The start is read in the row's ``timezone``, else the speaker's (or importer's) zone, unless it
    carries its own offset; the host defaults to the speaker's (importer's) Slack e-mail.
    """

    title: Text = column(..., "session title", "sessiontitle", "name", title="Title", max_length=200)
    start: Text = column(..., "start time", "starts", "sessionstarttime", title="Start", max_length=60,
                         description="e.g. 2026-12-10 16:00 or tomorrow 16:00, in your time zone")
    duration: Annotated[str, BeforeValidator(str)] = column(
        ..., "duration minutes", "minutes", "sessionduration", title="Duration", max_length=20,
        description="Minutes, or e.g. 1h30m")
    host_email: Annotated[str | None, BeforeValidator(optional), AfterValidator(lambda v: v and an_email(v))] = column(
        None, "host", "host e-mail", "hostemail", title="Host e-mail", max_length=254,
        description="A team member of the Airmeet community; your Slack e-mail if empty")
    timezone: Maybe = column(None, "time zone", "tz", "zone", title="Time zone", max_length=60,
                             description="e.g. Europe/Zurich; your own if empty")
    summary: Maybe = column(None, "description", "sessionsummary", title="Summary", max_length=2000, multiline=True)
    speakers: People = column([], "speaker emails", "speakeremails", title="Speakers", max_length=50,
                              description="E-mails of speakers already on the event, comma-separated")
    cohosts: People = column([], "cohost emails", "co-hosts", "cohostemails", title="Co-hosts", max_length=50,
                             description="E-mails of speakers already on the event, comma-separated")

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            try:  # "tomorrow 16:00" reads; whether it is in the past is asked with the speaker's clock later
                parse_when(value, now=datetime.now(UTC), tz=ZoneInfo("UTC"))
            except WhenError:
                raise PydanticCustomError("value_error", "is not a date and time like 2030-05-06 09:00") from None
        return value

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        minutes(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and not is_tz_name(value):
            raise PydanticCustomError("value_error", "is not a time zone name such as Europe/Zurich")
        return value

    def speaker_emails(self, field: str = "speakers") -> list[str]:
        return [person(item)[1] for item in getattr(self, field)]


def minutes(text: str) -> int:
    """``"45"`` or ``"1h30m"`` → minutes, from 1 to 24 hours; a "value_error" otherwise."""
    text = text.strip()
    try:
        count = int(text) if text.isdigit() else int(parse_duration(text).total_seconds() // 60)
    except WhenError as error:
        raise PydanticCustomError("value_error", str(error)) from None
    if not 1 <= count <= 24 * 60:
        raise PydanticCustomError("value_error", "must be between 1 and 1440 minutes")
    return count


class BoothRow(Row):
    """``POST /airmeet/{id}/booths``: only the name is required (seed §4.5); logos are dashboard-only."""

    name: Text = column(..., "booth", "booth name", title="Booth name", max_length=200)
    exhibitors: Emails = column([], "exhibitor emails", title="Exhibitors", max_length=50,
                                description="Exhibitors' e-mails, comma-separated")
    tags: Words = column([], "tag", title="Tags", max_length=20, description="Comma-separated")


class RegistrationRow(Row):
    """``POST /airmeet/{id}/attendee``: e-mail, first and last name are mandatory (seed §5)."""

    email: Email = column(..., "e-mail", "email address", "mail", title="E-mail", max_length=254)
    first_name: Text = column(..., "first", "firstname", "given name", title="First name", max_length=100)
    last_name: Text = column(..., "last", "lastname", "surname", "family name", title="Last name", max_length=100)
