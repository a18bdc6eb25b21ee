"""Everything an operator configures, read from the environment and a `.env` file.

    settings = Settings()                      # reads os.environ and ./.env
    settings.slack_mode()                      # "single", "oauth", or None
    settings.slack_missing()                   # what a partial Slack configuration lacks, or None

The variable names are a stable interface (README.md lists them); nothing else in the code
reads the environment.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from providers.base import Endpoints

SlackMode = Literal["single", "oauth"]
SLACK_FIELDS = ("slack_signing_secret", "slack_bot_token", "slack_client_id", "slack_client_secret", "slack_app_token")


class Settings(BaseSettings):
    """Operator configuration; field ``slack_bot_token`` is env ``SLACK_BOT_TOKEN`` and so on."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    database_url: str = "sqlite:///meetbot.db"
    meetbot_secret_keys: SecretStr | None = None
    meetbot_key_file: str = ".meetbot-secret.key"
    meetbot_admins: str = ""
    meetbot_tick_seconds: float = 1.0
    meetbot_reminder_grace_minutes: float = 10.0
    meetbot_log_level: Literal["debug", "info", "warning", "error"] = "info"
    meetbot_log_format: Literal["text", "json"] = "text"
    meetbot_create_limit: int = Field(default=20, ge=0)  # meetings one person may create a minute; 0: no limit

    port: int = 3000
    host: str = "0.0.0.0"  # in a container every interface is the container's own; bare hosts may want 127.0.0.1
    # Proxies whose X-Forwarded-For/-Proto are believed (uvicorn's syntax: IPs, CIDRs, or "*").
    forwarded_allow_ips: str = "127.0.0.1"

    whereby_api_url: str = "https://api.whereby.dev/v1"
    clickmeeting_api_url: str = "https://api.clickmeeting.com/v1"
    airmeet_api_url: str | None = None
    infomaniak_api_url: str = "https://api.infomaniak.com"
    roomful_api_url: str = "https://api.roomful.net"
    kmeet_host: str = "kmeet.infomaniak.com"

    @field_validator("meetbot_log_level", "meetbot_log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        """``MEETBOT_LOG_LEVEL=DEBUG`` works as well as ``debug``."""
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(*SLACK_FIELDS, mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """``SLACK_BOT_TOKEN=`` (a blank line copied from an example .env) is not a setting."""
        return None if isinstance(value, str) and not value.strip() else value

    def slack_mode(self) -> SlackMode | None:
        """Which way to talk to Slack: one workspace by bot token, many by OAuth, or not configured."""
        if self.slack_signing_secret is None and self.slack_app_token is None:
            return None
        if self.slack_bot_token is not None:
            return "single"
        if self.slack_client_id and self.slack_client_secret is not None:
            return "oauth"
        return None

    def slack_missing(self) -> str | None:
        """The variables a partial Slack configuration lacks, as words for a sentence; None when
        Slack is configured or not configured at all (then the console is meant).

            Settings(slack_signing_secret="s").slack_missing()
            # "SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth)"
        """
        if self.slack_mode() is not None or all(getattr(self, name) is None for name in SLACK_FIELDS):
            return None
        missing = []
        if self.slack_signing_secret is None and self.slack_app_token is None:
            missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)")
        oauth = {"SLACK_CLIENT_ID": self.slack_client_id, "SLACK_CLIENT_SECRET": self.slack_client_secret}
        if self.slack_bot_token is None and None in oauth.values():
            if all(value is None for value in oauth.values()):
                missing.append("SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth)")
            else:  # OAuth begun: name the half that is missing
                missing += [name for name, value in oauth.items() if value is None]
        return " and ".join(missing)

    def endpoints(self) -> Endpoints:
        """Provider base URLs for the adapters."""
        return Endpoints(
            whereby=self.whereby_api_url,
            clickmeeting=self.clickmeeting_api_url,
            airmeet=self.airmeet_api_url or None,
            infomaniak=self.infomaniak_api_url,
            roomful=self.roomful_api_url,
            kmeet_host=self.kmeet_host,
        )

    def admin_ids(self) -> frozenset[str]:
        """User ids from ``MEETBOT_ADMINS`` (comma-separated) treated as admins besides Slack's."""
        return frozenset(part.strip() for part in self.meetbot_admins.split(",") if part.strip())

    def reminder_grace(self) -> timedelta:
        """How overdue a reminder may be and still be sent (after downtime); later ones are marked missed."""
        return timedelta(minutes=self.meetbot_reminder_grace_minutes)

    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
