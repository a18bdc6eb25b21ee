"""The App Home tab: the reader's upcoming meetings, the workspace's providers, admin buttons.

    sections = await home_sections(ctx, services)   # /meeting's part of registry.home(ctx, services)

Each meeting has a Join button with its join (viewer) link; hosts are pointed to ``/meeting link``
for the host link, which goes to them alone. Admins get Connect / Disconnect buttons per provider
(``connect_provider`` / ``disconnect_provider``, value = the provider slug; handled in
connect.py and disconnect.py); everyone else sees the status and who can change it.
"""

from __future__ import annotations

from commands.framework.context import Context, Services
from commands.framework.policy import is_admin, role_of
from commands.framework.replies import Button, Confirm, Message, escape
from commands.lifecycle.accounts import connected_providers
from commands.lifecycle.card import meeting_fields
from commands.meeting.providers import sentence
from db.records import Meeting
from providers import registry
from providers.base import Capability
from providers.registry import ProviderInfo

HOME_MEETINGS = 10  # each takes four blocks; a home tab holds 100
CONNECT = "connect_provider"
DISCONNECT = "disconnect_provider"


async def home_sections(ctx: Context, services: Services) -> list[Message]:
    """The tab's sections for ``ctx.user_id``: their meetings, then the providers."""
    page = await services.storage.meetings.upcoming(
        ctx.team_id, after=services.clock(), involving_user=ctx.user_id, limit=HOME_MEETINGS
    )
    sections = [meetings_heading(page.items)]
    sections += [meeting_card(meeting, ctx.user_id) for meeting in page.items]
    if page.has_more:
        sections.append(Message("More with `/meeting list mine page 2`."))
    admin = await is_admin(ctx, services)
    sections.append(providers_heading(admin))
    connected = await connected_providers(services, ctx.team_id)
    sections += [provider_card(info, connected.get(info.slug, []), admin=admin) for info in registry.PROVIDERS.values()]
    return sections


def meetings_heading(meetings: tuple[Meeting, ...]) -> Message:
    if not meetings:
        return Message("*Your upcoming meetings*\nNone yet. Create one with `/meeting new`, "
                       "or see the whole workspace's with `/meeting list`.")
    return Message("*Your upcoming meetings* — ones you organise, co-host or are invited to.")


def meeting_card(meeting: Meeting, user_id: str) -> Message:
    lines = [f"*{escape(meeting.title)}*"]
    if role := role_of(meeting, user_id):
        hint = f" `/meeting link {meeting.id}` gives you the host link." if hosts_own_link(meeting, role) else ""
        lines.append(f"{role[:1].upper()}{role[1:]}.{hint}")
    return Message("\n".join(lines), fields=meeting_fields(meeting, duration=True, channel=True),
                   buttons=(Button("Join", url=meeting.join_url, style="primary"),))


def hosts_own_link(meeting: Meeting, role: str) -> bool:
    """Whether a host of this meeting has a link of their own to ask ``/meeting link`` for."""
    if role == "you're invited":
        return False
    return bool(meeting.host_url) or Capability.PERSONAL_LINK in registry.adapter_class(meeting.provider).capabilities


def providers_heading(admin: bool) -> Message:
    if admin:
        return Message("*Providers in this workspace*\nAs an admin you can connect or disconnect them here "
                       "or with `/meeting connect <provider>`.")
    return Message("*Providers in this workspace*\nA workspace admin can connect the others.")


def provider_card(info: ProviderInfo, accounts: list[str], *, admin: bool) -> Message:
    """What the provider offers, whether it is connected, and (admins) a Connect or a Disconnect button;
    Disconnect asks first, as it deletes the stored keys."""
    if accounts:
        names = ", ".join(f"`{name}`" for name in accounts)
        status = f":white_check_mark: Connected (account{'s' if len(accounts) > 1 else ''} {names})."
    elif not info.needs_credentials:
        status = ":white_check_mark: Ready now; connecting adds the token."
    else:
        status = ":heavy_minus_sign: Not connected."
    buttons: tuple[Button, ...] = ()
    if admin and accounts:
        account = f"the account {accounts[0]}" if len(accounts) > 1 else "its account"
        ask = Confirm(title=f"Disconnect {info.name}?"[:100],
                      text=f"This removes {account} and its stored keys from this workspace. Meetings already "
                           f"made stay listed; new ones need /meeting connect {info.slug} again.",
                      confirm="Disconnect")
        buttons = (Button(f"Disconnect {info.name}", action_id=DISCONNECT, value=info.slug, style="danger",
                          confirm=ask),)
    elif admin:
        buttons = (Button(f"Connect {info.name}", action_id=CONNECT, value=info.slug, style="primary"),)
    return Message(f"*{info.name}* (`{info.slug}`): {status}\n_{sentence(info.blurb)}_", buttons=buttons)
