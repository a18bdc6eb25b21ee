"""Slack OAuth v2: codes a test hands out, exchanged once for a bot token at ``oauth.v2.access``;
with token rotation, expiring access tokens and refresh tokens exchanged for new ones there too.

    fake.add_oauth_code("code-T1", team_id="T1", bot_token="xoxb-inst1")
    fake.add_oauth_code("code-T1", team_id="T1", bot_token="xoxe.xoxb-1-a", expires_in=43200)   # rotation on
    fake.add_oauth_code("code-E1", team_id="T1", bot_token="xoxb-org", enterprise_id="E1", org_wide=True)

Shapes follow docs.slack.dev "oauth.v2.access" and "Token rotation": a rotating install answers
``expires_in`` and ``refresh_token``; ``grant_type=refresh_token`` answers a new access token
(``xoxe.xoxb-…``) and a new refresh token (``xoxe-1-…``); an org-wide install answers ``team: null``,
``enterprise: {id, name}`` and ``is_enterprise_install: true``.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Iterable
from typing import Any

from tests.fakes.slack.records import DEFAULT_BOT_SCOPES, SlackError, TokenInfo
from tests.fakes.slack.state import SlackState

_serial = itertools.count(1)
ROTATED_EXPIRES_IN = 43_200  # "With token rotation, it expires every 12 hours" (docs.slack.dev, "Using token rotation")


class OAuthFlow(SlackState):
    """Install codes and their exchange with the app's client credentials; refresh tokens."""

    def add_oauth_code(
        self,
        code: str,
        *,
        team_id: str,
        bot_token: str,
        bot_user_id: str | None = None,
        scopes: Iterable[str] = DEFAULT_BOT_SCOPES,
        team_name: str | None = None,
        authed_user_id: str = "U0INSTALLER",
        redirect_uri: str | None = None,
        expires_in: int | None = None,
        enterprise_id: str | None = None,
        org_wide: bool = False,
    ) -> None:
        """Let ``oauth.v2.access`` exchange ``code`` once; the bot token is valid from that moment.

        ``redirect_uri``: when the authorize step carried one, the exchange must repeat it.
        ``expires_in``: the app has token rotation on; the token expires that many seconds after the
        exchange (a test may make it short) and a refresh token comes with it; rotated tokens last 12 hours. ``enterprise_id`` (with ``org_wide``): an
        Enterprise Grid org-wide install. Assumption: its token acts in ``team_id`` only (the fake's
        organisations have one workspace).
        """
        with self._lock:
            self._codes[code] = {
                "team_id": team_id,
                "team_name": team_name,
                "bot_token": bot_token,
                "bot_user_id": bot_user_id,
                "scopes": tuple(scopes),
                "authed_user_id": authed_user_id,
                "redirect_uri": redirect_uri,
                "expires_in": expires_in,
                "enterprise_id": enterprise_id,
                "org_wide": org_wide,
                "used": False,
            }

    def _oauth_v2_access(self, args: dict[str, Any], basic: tuple[str, str] | None) -> dict[str, Any]:
        client_id, client_secret = basic or (args.get("client_id"), args.get("client_secret"))
        if client_id != self.client_id:
            raise SlackError("invalid_client_id")
        if client_secret != self.client_secret:
            raise SlackError("bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            return self._refresh(str(args.get("refresh_token") or ""))
        if args.get("grant_type") not in (None, "authorization_code"):
            raise SlackError("invalid_grant_type")
        code = args.get("code")
        grant = self._codes.get(str(code)) if code else None
        if grant is None or grant["used"]:
            raise SlackError("invalid_code")  # unknown, or already exchanged: codes are single-use
        if grant["redirect_uri"] is not None and args.get("redirect_uri") != grant["redirect_uri"]:
            raise SlackError("bad_redirect_uri")
        grant["used"] = True
        return self._grant(grant, grant["bot_token"])

    def _grant(self, grant: dict[str, Any], token: str) -> dict[str, Any]:
        """Make ``token`` valid for the grant and answer as oauth.v2.access does."""
        team = self.add_team(grant["team_id"], name=grant["team_name"], bot_user_id=grant["bot_user_id"])
        expires_in = grant["expires_in"]
        self._tokens[token] = TokenInfo(token, "bot", team.id, grant["scopes"],
                                        expires_at=time.time() + expires_in if expires_in else None,
                                        enterprise_id=grant["enterprise_id"])
        org = grant["enterprise_id"]
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": ",".join(grant["scopes"]),
            "bot_user_id": team.bot_user_id,
            "app_id": self.app_id,
            "team": None if grant["org_wide"] else {"id": team.id, "name": team.name},
            "enterprise": {"id": org, "name": f"Org {org}"} if org else None,
            "authed_user": {"id": grant["authed_user_id"]},
            "is_enterprise_install": bool(grant["org_wide"]),
        }
        if expires_in:
            refresh = f"xoxe-1-{secrets.token_hex(12)}"
            self._refresh_tokens[refresh] = grant
            answer.update(expires_in=expires_in, refresh_token=refresh)
        return answer

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """``grant_type=refresh_token``: a new access token and refresh token; the old refresh token is
        spent (assumption: Slack's documents say to store the new one; the fake refuses reuse)."""
        grant = self._refresh_tokens.pop(refresh_token, None)
        if grant is None:
            raise SlackError("invalid_refresh_token")
        return self._grant({**grant, "expires_in": ROTATED_EXPIRES_IN}, f"xoxe.xoxb-1-{next(_serial)}-{secrets.token_hex(8)}")
