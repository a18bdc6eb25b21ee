"""What every repository shares: sync sessions run off the event loop, errors as ``StorageError``.

    class Meetings(RepositoryBase):
        @off_loop
        def get(self, team_id: str, meeting_id: str) -> Meeting | None:    # callers: await meetings.get(...)
            with self.session() as session:
                ...

Why threads and not SQLAlchemy's async engine: benchmarks/storage_loop.py measured both. With the
async engine, SQLAlchemy builds rows and the ``Encrypted`` type decrypts them on the event-loop
thread, so 200 concurrent reads stalled the loop for 50-110 ms at a time and took 1.0-2.4x as long;
run in a small thread pool, the same calls kept the loop's worst stall at 8-37 ms and ran as fast
as plain sync calls. Every public method is still a coroutine: callers cannot tell the difference.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.errors import translated
from db.limits import guard_lengths

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R", bound="RepositoryBase")


class RepositoryBase:
    """A repository over one engine; each method is one short transaction of its own, in ``executor``."""

    def __init__(self, engine: Engine, executor: Executor) -> None:
        self.engine = engine
        self.executor = executor

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose objects stay readable after commit; SQLAlchemy errors become ``StorageError``."""
        with translated():
            with Session(self.engine, expire_on_commit=False) as session:
                yield guard_lengths(session)


def off_loop(method: Callable[Concatenate[R, P], T]) -> Callable[Concatenate[R, P], Coroutine[Any, Any, T]]:
    """Make a sync repository method a coroutine that runs it in the repository's thread pool.

    A caller that is cancelled stops waiting, but the call still runs, even one still queued behind
    others for the thread, and its transaction ends on its own: what a caller asked to write is
    written whatever happens to the caller. (``loop.run_in_executor`` would pass the cancel on to the
    executor, which drops a call it has not started; ``asyncio.shield`` around it keeps the call but
    costs every caller one more turn of a busy loop.)
    """

    @functools.wraps(method)
    async def run(self: R, *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[T] = loop.create_future()
        job = self.executor.submit(functools.partial(method, self, *args, **kwargs))
        job.add_done_callback(functools.partial(_hand_over, loop, answer, method.__qualname__))
        return await answer

    return run


def _hand_over(loop: asyncio.AbstractEventLoop, answer: asyncio.Future[Any], name: str, job: Future[Any]) -> None:
    """In the database's thread: pass the finished call's result to the loop that waits for it."""
    try:
        loop.call_soon_threadsafe(_settle, answer, name, job)
    except RuntimeError:  # the loop has closed: nobody is waiting any more
        pass


def _settle(answer: asyncio.Future[Any], name: str, job: Future[Any]) -> None:
    if job.cancelled():  # the executor was shut down with the call still queued
        answer.cancel()
        return
    error = job.exception()
    if answer.cancelled():  # the caller stopped waiting: a failure is one line, as nobody else will see it
        if error is not None:
            log.warning("%s failed after its caller stopped waiting: %s", name, type(error).__name__)
    elif error is not None:
        answer.set_exception(error)
    else:
        answer.set_result(job.result())


Item = TypeVar("Item")
Result = TypeVar("Result")


class Grouped(Generic[Item, Result]):
    """Calls that arrive while one is under way go together in the next: one transaction for many
    writes, or one session for many reads.

        self._adds = Grouped(executor, self.add_many)   # add_many(items) -> results, one transaction
        stored = await self._adds.submit(meeting)

    A burst of 50 commands then costs a few trips to the database's thread, not 50
    (benchmarks/ack_latency.py). A batch that fails is tried again item by item, so one bad item
    fails alone and the others are done; each caller gets its own result or error.
    """

    def __init__(self, executor: Executor, many: Callable[[list[Item]], list[Result]]) -> None:
        self.executor = executor
        self.many = many  # the items in, their results out, in order: one transaction or session
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Result] = loop.create_future()
        self._waiting.append((item, answer))
        if self._drainer is None or self._drainer.done() or self._drainer.get_loop() is not loop:
            self._drainer = loop.create_task(self._drain())
        return await answer

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                outcomes: list[Result | BaseException] = list(
                    await loop.run_in_executor(self.executor, self.many, [item for item, _ in batch]))
            except Exception as error:
                if len(batch) == 1:
                    outcomes = [error]
                else:  # find the bad one: each on its own
                    outcomes = [await self._alone(loop, item) for item, _ in batch]
            for (_, answer), outcome in zip(batch, outcomes, strict=True):
                if answer.done():  # the caller gave up waiting; a write stands
                    continue
                if isinstance(outcome, BaseException):
                    answer.set_exception(outcome)
                else:
                    answer.set_result(outcome)

    async def _alone(self, loop: asyncio.AbstractEventLoop, item: Item) -> Result | BaseException:
        try:
            [result] = await loop.run_in_executor(self.executor, self.many, [item])
            return result
        except Exception as error:
            return error


def chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    """``items`` in lists of at most ``size`` (bound-parameter limits): ``for chunk in chunks(ids, 500)``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def table_of(model: type[Any]) -> Table:
    """A model's table, for statements on the table itself (batched rows, past the ORM's flush):
    ``session.execute(insert(table_of(models.Reminder)), rows)``."""
    return cast(Table, model.__table__)


def dialect_of(session: Session) -> Any:
    """The dialect module whose ``insert`` has ON CONFLICT: ``dialect_of(session).insert(P)``."""
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
