"""The error tree every provider adapter raises.

    ProviderError                 anything a provider call can fail with
    ├── NotConfigured             the workspace has no usable account for this provider
    ├── NotSupported              the provider's API cannot do what was asked
    ├── AuthFailed                the provider refused the credentials
    │   └── TokenExpired          a cached session token ran out (adapters refresh it once)
    ├── RateLimited               slow down; ``retry_after`` seconds if the provider said
    ├── Unavailable               outage, timeout, 5xx or an answer we cannot read
    ├── Rejected                  the provider refused a value; ``field`` names it when known
    ├── NotFound                  the room, event or session does not exist (any more)
    └── NotReady                  the provider is still preparing a result; ask again later

Each error carries the provider slug, the HTTP status (when there was one), the provider's raw
message (for logs, never for secrets) and ``user_message``: whole sentences a Slack user can read,
about the provider only. They never name our slash commands: the commands layer adds its hint by
error class (``NotConfigured``: how to connect; ``AuthFailed`` but not ``TokenExpired``: how to
connect again), so every error that means "(re)connect the account" is one of those two.

    try:
        room = await adapter.create_room(request)
    except ProviderError as error:
        reply(error.user_message)
"""

from __future__ import annotations


class ProviderError(Exception):
    """Base class: ``ProviderError(provider="whereby", status=500, raw="...")``."""

    default_sentence = "{name} could not do that just now. Please try again in a few minutes."

    def __init__(
        self,
        sentence: str | None = None,
        *,
        provider: str,
        status: int | None = None,
        raw: str | None = None,
    ) -> None:
        self.provider = provider
        self.status = status
        self.raw = raw
        self.user_message = sentence or self.default_sentence.format(name=display_name(provider))
        super().__init__(self.user_message if raw is None else f"{self.user_message} [{raw}]")


class NotConfigured(ProviderError):
    """No usable account; the commands layer adds how an admin connects one."""

    default_sentence = "{name} is not connected in this workspace yet."


class NotSupported(ProviderError):
    default_sentence = "{name} does not offer that."


class AuthFailed(ProviderError):
    """The provider refused the credentials; the commands layer adds how an admin connects it again."""

    default_sentence = "{name} refused this workspace's API key."


class TokenExpired(AuthFailed):
    default_sentence = "{name} says the session expired. Please try again."


class RateLimited(ProviderError):
    """``retry_after`` is in seconds, or None when the provider did not say."""

    default_sentence = "{name} asks us to slow down. Please try again in a minute."

    def __init__(
        self, sentence: str | None = None, *, provider: str, retry_after: float | None = None, **kwargs: object
    ) -> None:
        self.retry_after = retry_after
        if sentence is None and retry_after is not None:
            sentence = (
                f"{display_name(provider)} asks us to slow down. "
                f"Please try again in {max(1, round(retry_after))} seconds."
            )
        super().__init__(sentence, provider=provider, **kwargs)  # type: ignore[arg-type]


class Unavailable(ProviderError):
    default_sentence = "{name} is not answering right now. Please try again in a few minutes."


class Rejected(ProviderError):
    """The provider refused a value: ``Rejected(field="endDate", reason="must be in the future")``."""

    def __init__(
        self,
        sentence: str | None = None,
        *,
        provider: str,
        field: str | None = None,
        reason: str | None = None,
        **kwargs: object,
    ) -> None:
        self.field = field
        self.reason = reason
        if sentence is None:
            what = f"the {field}" if field else "the request"
            because = f": {reason.rstrip('.')}" if reason else ""
            sentence = f"{display_name(provider)} rejected {what}{because}. Please correct it and try again."
        super().__init__(sentence, provider=provider, **kwargs)  # type: ignore[arg-type]


class NotFound(ProviderError):
    default_sentence = "{name} does not know that meeting any more; it may have been deleted there."


class NotReady(ProviderError):
    """A report or export is still being prepared (Airmeet answers 202 'try after 5 minutes')."""

    default_sentence = "{name} is still preparing those results. Please try again in a few minutes."


DISPLAY_NAMES = {
    "airmeet": "Airmeet",
    "whereby": "Whereby",
    "clickmeeting": "ClickMeeting",
    "roomful": "Roomful",
    "kmeet": "kMeet",
}


def display_name(provider: str) -> str:
    """``display_name("kmeet") == "kMeet"``; unknown slugs are shown as given."""
    return DISPLAY_NAMES.get(provider, provider)
