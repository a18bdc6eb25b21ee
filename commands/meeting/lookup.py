"""The meeting a subcommand names by its id: ``MeetingId`` arguments, looked up in this workspace only.

    meeting = await find_meeting(arguments, ctx, services, if_cancelled="was cancelled.")
"""

from __future__ import annotations

from collections.abc import Callable

from commands.framework.arguments import Arguments, positional
from commands.framework.context import Context, Services
from commands.framework.errors import UserError
from commands.framework.replies import escape
from commands.framework.tokenizer import tokenize
from db.records import Meeting


class MeetingId(Arguments):
    """``cancel k7m2qx``: one meeting id (``/meeting list`` shows them; backticks copied along are fine)."""

    id: str = positional(metavar="id")


def meeting_id_reader(verb: str) -> Callable[[str, Context, Services], MeetingId]:
    """The reader of ``/meeting <verb> <id>``: one id, or a sentence pointing at ``/meeting list``."""

    def read_meeting_id(text: str, ctx: Context, services: Services) -> MeetingId:
        words = [token.text for token in tokenize(text.replace("`", " "))]
        if len(words) != 1:
            raise UserError(f"Give one meeting id, e.g. `/meeting {verb} k7m2qx`; `/meeting list` shows the ids.")
        return MeetingId(id=words[0])

    return read_meeting_id


async def find_meeting(arguments: MeetingId, ctx: Context, services: Services, *, if_cancelled: str) -> Meeting:
    """The meeting with that id in this workspace, not cancelled; ``UserError`` otherwise
    (``if_cancelled`` ends the sentence about a cancelled one: "is already cancelled.")."""
    meeting = await services.storage.meetings.get(ctx.team_id, arguments.id)
    if meeting is None:
        raise UserError(
            f"There is no meeting `{escape(arguments.id[:20])}` in this workspace; `/meeting list` shows the ids."
        )
    if meeting.status == "cancelled":
        raise UserError(f"*{escape(meeting.title)}* (`{meeting.id}`) {if_cancelled}")
    return meeting
