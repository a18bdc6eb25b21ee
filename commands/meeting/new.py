"""``/meeting new``: the one-line form, the modal, and the modal's fields typed as ``key=value``.

    await registry.dispatch("/meeting", 'new kmeet "Standup" tomorrow 10:00 for 15m', ctx, services)
    await registry.dispatch("/meeting", "new", ctx, services)                      # the modal
    await registry.dispatch("/meeting", "new title=Standup start_date=… provider=kmeet", ctx, services)

The one-line grammar (framework/oneline.py) builds the ``NewMeetingLine`` argument model; with no
arguments Slack shows the modal, and the console (which has no modals) lists its fields instead.
"""

from __future__ import annotations

from pydantic import ConfigDict

from commands.framework.arguments import Arguments
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.oneline import NewMeetingLine, ParseError, parse_new_line
from commands.framework.replies import Message, Reply
from commands.framework.tokenizer import tokenize
from commands.framework.when import WhenError
from commands.lifecycle.create import NewMeeting, create_meeting
from commands.meeting.default import provider_for_new
from commands.meeting.new_form import new_meeting_inline, new_meeting_modal
from commands.meeting.sections import validated_options
from providers import registry


class FormFields(Arguments):
    """The modal's inputs as ``key=value`` (every word of the line is one); none: open the modal."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def values(self) -> dict[str, str]:
        return {key: str(value) for key, value in (self.model_extra or {}).items()}


def read_new(text: str, ctx: Context, services: Services) -> NewMeetingLine | FormFields:
    """The one-line form, unless every word is ``key=value`` (or there is none)."""
    tokens = tokenize(text)
    if all(token.key is not None for token in tokens):
        return FormFields.model_validate({token.key: token.value for token in tokens})
    try:
        return parse_new_line(text, now=services.clock(), tz=ctx.zone(), providers=registry.slugs())
    except (ParseError, WhenError) as error:
        raise UserError(str(error)) from None


async def new_command(arguments: NewMeetingLine | FormFields, ctx: Context, services: Services) -> Reply:
    """Create the meeting the line describes (the provider: as typed, else a connected default, else kMeet)."""
    if isinstance(arguments, FormFields):
        if not arguments.values():
            return Reply(modal=await new_meeting_modal(ctx, services))
        return await new_meeting_inline(arguments.values(), ctx, services)
    provider, passed = (arguments.provider, None) if arguments.provider else await provider_for_new(ctx, services)
    options = dict(arguments.options)
    account = options.pop("account", None)
    host_email = options.pop("host_email", None)
    new = NewMeeting(
        provider=provider,
        title=arguments.title,
        start=arguments.start,
        duration=arguments.duration,
        channel_id=arguments.channel or ctx.channel_id,
        invitees=arguments.invitees,
        cohosts=arguments.cohosts,
        reminders=arguments.reminders,
        options=validated_options(provider, options),  # the model's Rejected names a bad one before any call
        account=account,
        host_email=host_email,
    )
    reply = await create_meeting(new, ctx, services)
    if passed:  # said once, with the meeting, to the organiser only
        reply.add(Message(f"{passed}, so this meeting is on {registry.info(provider).name}."))
    return reply
