"""Slack OAuth v2: codes a test hands out, exchanged once for a bot token at ``oauth.v2.access``.

    fake.add_oauth_code("code-T1", team_id="T1", bot_token="xoxb-inst1")
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.fakes.slack.records import DEFAULT_BOT_SCOPES, SlackError, TokenInfo
from tests.fakes.slack.state import SlackState


class OAuthFlow(SlackState):
    """Install codes and their exchange with the app's client credentials."""

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
    ) -> None:
        """Let ``oauth.v2.access`` exchange ``code`` once; the bot token is valid from that moment.

        ``redirect_uri``: when the authorize step carried one, the exchange must repeat it.
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
                "used": False,
            }

    def _oauth_v2_access(self, args: dict[str, Any], basic: tuple[str, str] | None) -> dict[str, Any]:
        client_id, client_secret = basic or (args.get("client_id"), args.get("client_secret"))
        if client_id != self.client_id:
            raise SlackError("invalid_client_id")
        if client_secret != self.client_secret:
            raise SlackError("bad_client_secret")
        if args.get("grant_type") not in (None, "authorization_code"):
            raise SlackError("invalid_grant_type")
        code = args.get("code")
        grant = self._codes.get(str(code)) if code else None
        if grant is None or grant["used"]:
            raise SlackError("invalid_code")  # unknown, or already exchanged: codes are single-use
        if grant["redirect_uri"] is not None and args.get("redirect_uri") != grant["redirect_uri"]:
            raise SlackError("bad_redirect_uri")
        grant["used"] = True
        team = self.add_team(grant["team_id"], name=grant["team_name"], bot_user_id=grant["bot_user_id"])
        self._tokens[grant["bot_token"]] = TokenInfo(grant["bot_token"], "bot", team.id, grant["scopes"])
        return {
            "access_token": grant["bot_token"],
            "token_type": "bot",
            "scope": ",".join(grant["scopes"]),
            "bot_user_id": team.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": team.id, "name": team.name},
            "enterprise": None,
            "authed_user": {"id": grant["authed_user_id"]},
            "is_enterprise_install": False,
        }
