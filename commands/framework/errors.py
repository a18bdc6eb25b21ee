"""Errors → one sentence, in one place: every command, button and form answer goes through ``guard``.

    reply = await guard(handler(value, ctx, services))

- ``UserError``: bad input; its message is the sentence.
- ``ProviderError``: its ``user_message`` (provider sentences speak of the provider only), plus the
  hint that belongs to our commands: how an admin connects the provider (``NotConfigured``) or
  connects it again (``AuthFailed``, but not an expired session token, which renews itself).
- ``StorageError``: one sentence saying nothing was changed; logged with the storage's own sentence,
  which never quotes a statement or its parameters (db/errors.py).
- anything else: logged without its message (it may quote a secret or an SQL parameter) and
  answered with one plain sentence.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable

from commands.framework.replies import Reply
from db.errors import StorageError
from providers.errors import (
    AuthFailed,
    NotConfigured,
    NotFound,
    NotReady,
    NotSupported,
    ProviderError,
    Rejected,
    TokenExpired,
)

log = logging.getLogger(__name__)

CONNECT_COMMAND = "/meeting connect"
SOMETHING_WENT_WRONG = "Something went wrong on our side and nothing was changed. Please try again in a minute."
# Provider answers caused by what was asked (a refused value, a meeting deleted there, a provider
# not connected yet): logged at INFO. The rest (unreachable, rate-limited, revoked keys) at WARNING.
USER_SIDE = (Rejected, NotFound, NotConfigured, NotSupported, NotReady)
DATABASE_UNREACHABLE = "I could not reach meetbot's database, so nothing was changed. Please try again in a minute."


class UserError(Exception):
    """Bad input: the message is one sentence the user can act on (never a secret value)."""


def provider_sentence(error: ProviderError) -> str:
    """``error.user_message`` with the hint our commands add; not twice if the provider already says it.

        provider_sentence(NotConfigured(provider="whereby"))   # "... `/meeting connect whereby`."
    """
    sentence = error.user_message
    if CONNECT_COMMAND in sentence:
        return sentence
    slug = error.provider
    if isinstance(error, NotConfigured):
        return f"{sentence.rstrip('.')}: an admin can connect it with `{CONNECT_COMMAND} {slug}`."
    if isinstance(error, AuthFailed) and not isinstance(error, TokenExpired):
        return f"{sentence.rstrip('.')}: an admin can connect it again with `{CONNECT_COMMAND} {slug}`."
    return sentence


def sentence_for(error: Exception, *, where: str) -> str:
    """The sentence a user gets for ``error`` raised while running ``where`` (logged here, once)."""
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, ProviderError):
        # What the user asked for was refused or is not there: answered, not a problem to log loudly.
        level = logging.INFO if isinstance(error, USER_SIDE) else logging.WARNING
        log.log(level, "provider error in %s: %s (status %s)", where, type(error).__name__, error.status)
        return provider_sentence(error)
    if isinstance(error, StorageError):
        log.error("storage error in %s: %s", where, error)
        return DATABASE_UNREACHABLE
    # The frames say where; the message is left out, as it may quote a secret or an SQL parameter.
    frames = "".join(traceback.format_tb(error.__traceback__)[-3:])
    log.error("%s failed: %s\n%s", where, type(error).__name__, frames)
    return SOMETHING_WENT_WRONG


async def guard(reply: Awaitable[Reply], *, where: str = "interaction") -> Reply:
    """Await ``reply``; any error becomes its one-sentence ephemeral answer. Never raises."""
    try:
        return await reply
    except Exception as error:
        return Reply.ephemeral(sentence_for(error, where=where))
