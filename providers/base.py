"""What every provider adapter offers, and the plain data that crosses the boundary.

An adapter is built from validated credentials and the configured endpoints, never from the
environment or the database:

    adapter = WherebyProvider(WherebyCredentials(api_key=key), endpoints=Endpoints())
    room = await adapter.create_room(RoomRequest(title="Standup", start=start, end=end, timezone="Europe/Zurich"))
    await adapter.aclose()

Every adapter builds on ``providers.adapter.HttpAdapter`` (constructor, client set-up, closing) and
names its ``options_model``, a ``ProviderOptions`` subclass holding all of its option rules.
Adapters declare ``capabilities``; generic ``/meeting`` commands use only the common methods
below and check a capability before calling an optional one. Everything else a provider's API
offers is a public method of its own adapter, reached by that provider's command group.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Protocol, Self, runtime_checkable

import httpx
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from providers.clients import ClientPool
from providers.errors import Rejected, display_name
from providers.http import DEFAULT_POLICY, RetryPolicy


class Capability(StrEnum):
    INSTANT_ROOM = "instant room"
    SCHEDULED_ROOM = "scheduled room"
    HOST_URL = "host link"
    VIEWER_URL = "viewer link"
    PERSONAL_LINK = "personal auto-login link"
    CANCEL = "cancel"
    LIST = "list"
    REPORT = "attendance report"
    PUSH_EVENTS = "live updates"


class MoveBy(StrEnum):
    """How a room gets a new time (``adapter_class.move_by(room)``): changed in place at the provider,
    replaced by a new room (the old one deleted where the provider can), or not from here at all."""

    RESCHEDULE = "reschedule"
    NEW_ROOM = "new room"
    NOT_MOVABLE = "not movable"


class Role(StrEnum):
    """Who a personal link is for; ClickMeeting's listener/presenter/host."""

    LISTENER = "listener"
    PRESENTER = "presenter"
    HOST = "host"


class Endpoints(BaseModel):
    """Base URLs of every provider; settings fill it from the environment, tests point it at fakes."""

    model_config = ConfigDict(frozen=True)

    whereby: str = "https://api.whereby.dev/v1"
    clickmeeting: str = "https://api.clickmeeting.com/v1"
    airmeet: str | None = None  # None: use the account's region
    infomaniak: str = "https://api.infomaniak.com"
    roomful: str = "https://api.roomful.net"
    kmeet_host: str = "kmeet.infomaniak.com"
    # None: calendar.infomaniak.com beside the real API, else the `infomaniak` base (a fake serves both)
    infomaniak_calendar: str | None = None


class Credentials(BaseModel):
    """Base of each provider's credentials model; secrets are ``SecretStr`` so reprs never show them."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


@dataclass(frozen=True, kw_only=True)
class RoomRequest:
    """A meeting to create. ``start``/``end`` are timezone-aware; ``timezone`` is an IANA name."""

    title: str
    start: datetime
    end: datetime
    timezone: str
    description: str | None = None
    host_email: str | None = None
    invitee_emails: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Room:
    """A created room. ``join_url`` is safe for a channel; ``host_url`` goes to hosts only."""

    provider: str
    room_id: str
    join_url: str
    host_url: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class CachedToken:
    """A provider session token and when it stops working (aware datetime)."""

    value: str
    expires_at: datetime


@runtime_checkable
class TokenCache(Protocol):
    """Where an adapter keeps a session token between calls; the caller stores it encrypted."""

    async def load(self) -> CachedToken | None: ...

    async def store(self, token: CachedToken) -> None: ...


class MemoryTokenCache:
    """A TokenCache in memory, for one process: ``MemoryTokenCache()``."""

    def __init__(self, token: CachedToken | None = None) -> None:
        self.token = token

    async def load(self) -> CachedToken | None:
        return self.token

    async def store(self, token: CachedToken) -> None:
        self.token = token


class MeetingProvider(Protocol):
    """The common part every adapter implements (check ``capabilities`` for the optional ones)."""

    slug: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    credentials_model: ClassVar[type[Credentials]]
    options_model: ClassVar[type[ProviderOptions]]

    def __init__(
        self,
        credentials: Any,
        *,
        endpoints: Endpoints,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        token_cache: TokenCache | None = None,
        clients: ClientPool | None = None,
    ) -> None: ...

    async def verify(self) -> None:
        """One cheap live call proving the credentials work; raises AuthFailed when they do not."""

    async def create_room(self, request: RoomRequest) -> Room: ...

    async def delete_room(self, room_id: str) -> None:
        """Delete at the provider (``Capability.CANCEL``); deleting a gone room is not an error."""

    async def personal_link(self, room: Room, *, email: str, name: str, role: Role) -> str:
        """A fresh link for one person (``Capability.PERSONAL_LINK``); others return ``room.join_url``."""

    @classmethod
    def move_by(cls, room: Room) -> MoveBy:
        """How ``room`` gets a new time: ``MoveBy.RESCHEDULE`` (``reschedule_room``), a new room, or not at all."""

    async def reschedule_room(self, room: Room, request: RoomRequest) -> Room:
        """Give ``room`` the times of ``request`` at the provider (when ``move_by`` says RESCHEDULE)."""

    async def aclose(self) -> None: ...


SAFE_OPTION_NAME = re.compile(r"[a-z][a-z0-9_.]{0,39}")  # shown back as typed; anything else is not
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", ""})


def read_flag(value: Any) -> bool:
    """A yes/no value that may arrive as a bool (modal) or text (console ``lobby=yes``)."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("takes yes or no")


Flag = Annotated[bool, BeforeValidator(read_flag)]
"""An options field that is yes or no: ``lobby: Flag = False`` accepts ``True``, ``"yes"``, ``"off"``."""


class OptionRule(ValueError):
    """A rule across options broken, naming the option to fix: ``raise OptionRule("room_mode", sentence)``.

    The sentence is shown as it is, so it must be whole and must not quote a secret.
    """

    def __init__(self, field: str, sentence: str) -> None:
        super().__init__(sentence)
        self.field = field
        self.sentence = sentence


class ProviderOptions(BaseModel):
    """Base of each provider's options model: every rule on ``RoomRequest.options`` lives in its subclass.

        options = WherebyOptions.parse(request.options, provider="whereby")   # or raises Rejected

    Each field carries ``title`` (the form label) and ``description`` (the hint); yes/no fields are
    ``Flag``; secrets are ``SecretStr``; a select's labels are ``json_schema_extra={"labels": {...}}``.
    Rules on the request itself that are the provider's (kMeet's title length) are ClassVars here.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @classmethod
    def parse(cls, options: Mapping[str, Any], *, provider: str) -> Self:
        """The validated options, or ``Rejected(field=...)`` with one sentence naming the first bad one."""
        try:
            return cls.model_validate(dict(options))
        except ValidationError as error:
            raise cls.rejection(error, provider=provider) from None

    @classmethod
    def rejection(cls, error: ValidationError, *, provider: str) -> Rejected:
        """The first problem of ``error`` as ``Rejected``; the value typed is never quoted (it may be a secret)."""
        first = error.errors(include_url=False, include_input=False)[0]
        cause = (first.get("ctx") or {}).get("error")
        if isinstance(cause, OptionRule):
            return Rejected(cause.sentence, provider=provider, field=cause.field, reason=cause.sentence)
        field = str(first["loc"][0]) if first["loc"] else None
        name = display_name(provider)
        if first["type"] == "extra_forbidden":
            sentence = cls.unknown_option(field or "", name=name)
            return Rejected(sentence, provider=provider, field=field, reason="unknown option")
        info = cls.model_fields.get(field or "")
        reason = str(first["msg"]).removeprefix("Value error, ").rstrip(".")
        if first["type"] in ("int_parsing", "int_type", "int_from_float"):
            reason = "it takes a whole number"
        elif first["type"] in ("enum", "literal_error") and (labels := _labels(info)):
            reason = "choose one of " + ", ".join(f"`{value}` ({label})" for value, label in labels.items())
        elif first["type"] == "string_pattern_mismatch" and info is not None and info.description:
            reason = info.description.rstrip(".")  # the hint says what fits, better than the regex
        reason = reason[:1].lower() + reason[1:]
        label = f" ({info.title})" if info is not None and info.title else ""
        if reason.startswith("takes"):
            reason = f"it {reason}"
        sentence = f"{name} cannot take that `{field}`{label}: {reason}."
        return Rejected(sentence, provider=provider, field=field, reason=reason)


    @classmethod
    def from_room_details(cls, details: Mapping[str, Any]) -> dict[str, Any]:
        """The options a room's stored details still show, for a room made before its options were
        kept with the meeting (a move that makes a new room needs them); none by default."""
        return {}

    @classmethod
    def unknown_option(cls, typed: str, *, name: str) -> str:
        """The sentence for an option the model lacks: the closest known one, else all of them.

            WherebyOptions.unknown_option("room_mod", name="Whereby")
            # "Whereby has no option `room_mod` — did you mean `room_mode`?"

        What was typed is named only when it looks like an option name (a pasted secret before ``=``
        never is); the value is never quoted.
        """
        missing = f"no option `{typed}`" if SAFE_OPTION_NAME.fullmatch(typed) else "no such option"
        closest = difflib.get_close_matches(typed.lower(), list(cls.model_fields), n=1, cutoff=0.6)
        if closest:
            return f"{name} has {missing} — did you mean `{closest[0]}`?"
        known = ", ".join(f"`{key}`" for key in cls.model_fields)
        return f"{name} has {missing}; it understands {known}."


def _labels(info: FieldInfo | None) -> dict[str, str]:
    """A select field's value -> label table (``json_schema_extra["labels"]``), or {}."""
    extra = info.json_schema_extra if info is not None else None
    labels = extra.get("labels") if isinstance(extra, dict) else None
    return {str(value): str(label) for value, label in labels.items()} if isinstance(labels, dict) else {}
