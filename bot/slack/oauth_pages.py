"""The pages an installing admin sees: /slack/install, and the answer of /slack/oauth_redirect.

    app = AsyncApp(oauth_flow=InstallFlow(settings=oauth_settings), ...)   # oauth_settings carries CALLBACKS

Bolt's own pages load Slack's button image from Slack's CDN and say "Oops, Something Went Wrong!"
with an error code; ours are self-contained HTML (no outside requests), say what happened in one
sentence and what to do, and list the permissions the "Add to Slack" link asks for.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

SCOPE_WORDS = {
    "commands": "add the /meeting command",
    "chat:write": "post meeting announcements, reminders and your own links",
    "chat:write.public": "announce meetings in public channels it was not invited to",
    "users:read": "read people's names and time zones, to show times in yours",
    "users:read.email": "read e-mail addresses, to invite people to provider rooms",
    "channels:read": "check who is in a public channel before showing its meetings",
    "groups:read": "check who is in a private channel it was added to",
}

FAILURES = {
    "access_denied": "The installation was cancelled in Slack, so nothing was installed.",
    "invalid_browser": "This installation was not started in this browser, or its link was altered.",
    "invalid_state": "The install link expired or was opened in another browser.",
    "missing_code": "Slack did not send an authorization code.",
    "invalid_code": "Slack did not accept the authorization code; it may have been used already.",
    "storage_error": "meetbot could not save the installation; its operator can see why in the log.",
}

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1c1d;
       background: #f8f8f8; margin: 0; }
main { max-width: 34rem; margin: 4rem auto; padding: 2rem 2.5rem; background: #fff;
       border-radius: 12px; box-shadow: 0 1px 4px rgba(0, 0, 0, .12); }
h1 { font-size: 1.5rem; margin-top: 0; }
ul { padding-left: 1.2rem; line-height: 1.5; }
code { background: #f1f1f1; padding: 0 .25rem; border-radius: 3px; }
a.button { display: inline-block; margin-top: 1rem; padding: .7rem 1.3rem; border-radius: 6px;
           background: #4a154b; color: #fff; font-weight: 600; text-decoration: none; }
a.button:focus, a.button:hover { background: #611f69; }
"""


def page(title: str, body: str) -> str:
    """A whole HTML document around ``body`` (already escaped): ``page("Install meetbot", "<p>…</p>")``."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
{body}
</main>
</body>
</html>
"""


def install_page(authorize_url: str) -> str:
    """The install page: what meetbot does, what it may do in Slack, and the "Add to Slack" link."""
    scopes = (parse_qs(urlsplit(authorize_url).query).get("scope") or [""])[0].split(",")
    items = "\n".join(f"<li><code>{html.escape(scope)}</code>: {html.escape(SCOPE_WORDS.get(scope, scope))}</li>"
                      for scope in scopes if scope)
    return page("Install meetbot", f"""<p>meetbot runs meetings on Airmeet, Whereby, ClickMeeting, Roomful and
Infomaniak kMeet from Slack: type <code>/meeting new</code>, and it makes the room, announces it and
sends reminders.</p>
<p>Slack will ask you to allow meetbot to:</p>
<ul>
{items}
</ul>
<a class="button" id="add-to-slack" href="{html.escape(authorize_url)}">Add to Slack</a>""")


def success_page(team_id: str | None, app_id: str | None) -> str:
    slack = f"slack://app?team={team_id}&id={app_id}" if team_id and app_id else "slack://open"
    return page("meetbot is installed", f"""<p>Type <code>/meeting help</code> in any channel to start. An
admin connects a provider with <code>/meeting connect</code>.</p>
<a class="button" href="{html.escape(slack)}">Open Slack</a>""")


def failure_page(reason: str, install_path: str) -> str:
    sentence = FAILURES.get(reason, "Slack and meetbot could not finish the installation.")
    return page("meetbot was not installed", f"""<p>{html.escape(sentence)} Nothing was installed.</p>
<p>Start again from the install page; if it keeps failing, ask the person who runs meetbot
(reason: <code>{html.escape(reason)}</code>).</p>
<a class="button" href="{html.escape(install_path)}">Start again</a>""")


class InstallFlow(AsyncOAuthFlow):
    """Bolt's OAuth flow with our install page."""

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        return install_page(url)


async def _success(args: AsyncSuccessArgs) -> BoltResponse:
    response = await args.default.success(args)  # Bolt's status and its state-cookie deletion, our page
    response.body = success_page(args.installation.team_id, args.installation.app_id)
    return response


async def _failure(args: AsyncFailureArgs) -> BoltResponse:
    response = await args.default.failure(args)
    response.body = failure_page(args.reason, args.settings.install_path)
    return response


CALLBACKS = AsyncCallbackOptions(success=_success, failure=_failure)
