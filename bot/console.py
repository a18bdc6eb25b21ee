"""The console adapter: slash commands from standard input, replies as text, same core as Slack.

    $ printf '/meeting help\n/meeting new kmeet Standup\n' | meetbot console --user U1 --channel C1

One command per line; blank lines and lines starting with # are skipped. Where Slack would show a
modal, give its fields inline as key=value. The reminder scheduler and the import worker run while
input is open.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from typing import TextIO

from bot.render.text import message_text, modal_text
from bot.runtime import Runtime, import_kinds
from bot.workers.delivery import deliver
from bot.workers.exports import add_export_job
from bot.workers.imports import start_import_worker
from bot.workers.outbox import OutboxWorker, Outcome
from bot.workers.reminders import start_scheduler
from commands.framework.context import Context, Person
from commands.framework.replies import Message
from db.records import OutboxItem


class ConsoleDirectory:
    """People as the console knows them: the speaker from the options, others by their id."""

    def __init__(self, speaker: Person) -> None:
        self.speaker = speaker

    async def person(self, team_id: str, user_id: str) -> Person | None:
        if user_id == self.speaker.id:
            return self.speaker
        return Person(id=user_id, name=user_id, tz=self.speaker.tz)

    async def can_read(self, team_id: str, channel_id: str, user_id: str) -> bool:
        return True  # the console has no private channels

    async def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        return True  # the speaker is in every channel the console names

    async def can_post(self, team_id: str, channel_id: str) -> bool:
        return True  # the console prints every message


class ConsoleSink:
    """Prints each message; gives announcements a ts so later updates can find them."""

    def __init__(self, ctx: Context, out: TextIO) -> None:
        self.ctx = ctx
        self.out = out
        self._ts = itertools.count(1)

    async def post(self, message: Message, *, team_id: str, requester: str | None) -> str | None:
        print(message_text(message, zone=self.ctx.zone()), file=self.out, flush=True)
        return f"console.{next(self._ts)}"

    async def upload(self, *, channel: str, filename: str, content: bytes, comment: str) -> None:
        """The console prints the file under its message."""
        print(f"{comment}\n--- {filename} ---\n{content.decode('utf-8-sig')}", file=self.out, flush=True)


class ConsolePoster:
    """The outbox's way to the console: every queued message is printed (nothing refuses it)."""

    def __init__(self, sink: ConsoleSink) -> None:
        self.sink = sink

    async def post(self, item: OutboxItem, message: Message) -> Outcome:
        return Outcome("sent", ts=await self.sink.post(message, team_id=item.team_id, requester=None))


async def run_console(runtime: Runtime, ctx: Context, *, source: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    """Read commands until end of input; returns the exit status."""
    sink = ConsoleSink(ctx, out)
    worker = OutboxWorker(runtime.services, ConsolePoster(sink), grace=runtime.settings.reminder_grace())

    async def sink_for_team(team_id: str) -> ConsoleSink:  # exports' files, imports' progress
        return sink
    await runtime.storage.workspaces.ensure(ctx.team_id)
    scheduler = start_scheduler(runtime.services, worker, every=runtime.settings.meetbot_tick_seconds,
                                grace=runtime.settings.reminder_grace())
    # Progress, summaries and export DMs print straight: the console has no Slack pacing to honour.
    add_export_job(scheduler, runtime.services, sink_for_team)
    importer = start_import_worker(runtime.services, import_kinds(), sink_for_team,
                                   every=runtime.settings.meetbot_tick_seconds)
    interactive = source.isatty()
    try:
        while True:
            if interactive:
                print("meetbot> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(source.readline)
            if not line:
                break
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line in ("quit", "exit"):
                break
            if not line.startswith("/"):
                print("Type a slash command, e.g. `/meeting help`.", file=out, flush=True)
                continue
            command, _, text = line.partition(" ")
            reply = await runtime.registry.dispatch(command, text, ctx, runtime.services)
            if reply.modal is not None:
                print(modal_text(reply.modal), file=out, flush=True)
            await deliver(reply, sink, team_id=ctx.team_id, requester=ctx.user_id, services=runtime.services,
                          outbox=worker)
    finally:
        scheduler.shutdown(wait=False)
        importer.shutdown(wait=False)
        await worker.stop()
    return 0
