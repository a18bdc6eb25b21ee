"""ClickMeeting access tokens, auto-login hashes and e-mail invitations.

    tokens = await adapter.generate_tokens(42, how_many=5)
    link = autologin_url(room_url, await adapter.autologin_hash(42, email=e, nickname=n, role=Role.HOST))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from providers.base import Role
from providers.clickmeeting.client import SLUG, ClickMeetingClient, _choice, _choice_text, _expect_ok
from providers.errors import Rejected

MAX_TOKENS_PER_CALL = 1000  # "Up to 1000 tokens can be generated per single request"
INVITATION_TEMPLATES = ("basic", "advanced")
INVITATION_ROLES = ("listener", "presenter")  # the seed: "listener (default), presenter"


def autologin_url(room_url: str, autologin_hash: str) -> str:
    """The seed's recipe ``<room_url>?l=<autologin_hash>``: ``autologin_url("https://a.b/r", "H")``."""
    separator = "&" if "?" in room_url else "?"
    return f"{room_url}{separator}l={quote(autologin_hash, safe='')}"


class TokensAPI(ClickMeetingClient):
    """Single-use tokens of token rooms, personal auto-login hashes, invitations."""

    async def generate_tokens(self, room_id: str | int, *, how_many: int) -> list[dict[str, Any]]:
        """New single-use tokens (1..1000 per call): ``await adapter.generate_tokens(42, how_many=5)``."""
        if not 1 <= how_many <= MAX_TOKENS_PER_CALL:
            raise Rejected(
                provider=SLUG, field="how_many", reason=f"ask for 1 to {MAX_TOKENS_PER_CALL} tokens at a time"
            )
        body = await self._json("POST", f"conferences/{room_id}/tokens", idempotent=False, form={"how_many": how_many})
        return list(self._unwrap(body, "access_tokens"))

    async def tokens(self, room_id: str | int) -> list[dict[str, Any]]:
        """Every token of a token room, with ``sent_to_email`` and ``first_use_date``: ``await adapter.tokens(42)``."""
        body = await self._get(f"conferences/{room_id}/tokens")
        return list(self._unwrap(body, "access_tokens"))

    async def autologin_hash(
        self,
        room_id: str | int,
        *,
        email: str,
        nickname: str,
        role: Role | str,
        password: str | None = None,
        token: str | None = None,
    ) -> str:
        """The hash for ``<room_url>?l=<hash>``; ``password`` for password rooms, ``token`` for token rooms."""
        role = _choice(Role, role, field="role")
        form = {"email": email, "nickname": nickname, "role": role, "password": password, "token": token}
        # Asking twice for the same person only yields another valid hash: safe to retry.
        body = await self._json("POST", f"conferences/{room_id}/room/autologin_hash", idempotent=True, form=form)
        return str(self._unwrap(body, "autologin_hash"))

    async def send_invitations(
        self,
        room_id: str | int,
        emails: Iterable[str],
        *,
        lang: str = "en",
        template: str | None = None,
        role: str | None = None,
    ) -> None:
        """E-mail invitations in ``lang``: ``await adapter.send_invitations(42, ["a@b.c"], role="presenter")``."""
        attendees = [{"email": email} for email in emails]
        if not attendees:
            raise Rejected(provider=SLUG, field="attendees", reason="name at least one e-mail address")
        if template is not None:
            template = _choice_text(template, INVITATION_TEMPLATES, field="template")
        if role is not None:
            role = _choice_text(str(role), INVITATION_ROLES, field="role")
        form = {"attendees": attendees, "template": template, "role": role}
        # Not retried after a 5xx: the e-mails may already be out.
        body = await self._json(
            "POST", f"conferences/{room_id}/invitation/email/{quote(lang, safe='')}", idempotent=False, form=form
        )
        _expect_ok(body)
