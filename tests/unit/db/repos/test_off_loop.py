"""A repository call whose caller is cancelled still runs, even one still queued for the thread."""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine

from db.errors import StorageError
from db.repos.base import RepositoryBase, off_loop


class Recorder(RepositoryBase):
    def __init__(self, executor: ThreadPoolExecutor) -> None:
        super().__init__(create_engine("sqlite://"), executor)
        self.written: list[str] = []
        self.gate = threading.Event()

    @off_loop
    def hold_the_thread(self) -> None:
        self.gate.wait(5)

    @off_loop
    def write(self, value: str) -> None:
        self.written.append(value)

    @off_loop
    def fail(self) -> None:
        raise StorageError("The database refused the write.")


async def test_a_queued_write_runs_though_its_caller_was_cancelled() -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        repo = Recorder(executor)
        busy = asyncio.ensure_future(repo.hold_the_thread())
        waiting = asyncio.ensure_future(repo.write("outcome"))
        await asyncio.sleep(0.05)  # the write is queued behind the busy call
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        repo.gate.set()
        await busy
        await repo.write("next")  # the same thread, so by now the first has run
        assert repo.written == ["outcome", "next"]


async def test_a_failure_nobody_awaits_is_one_line_without_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        repo = Recorder(executor)
        busy = asyncio.ensure_future(repo.hold_the_thread())
        failing = asyncio.ensure_future(repo.fail())
        await asyncio.sleep(0.05)
        failing.cancel()
        with caplog.at_level(logging.WARNING), pytest.raises(asyncio.CancelledError):
            await failing
        repo.gate.set()
        await busy
        await repo.write("flush")
        await asyncio.sleep(0)  # the failed call's callback runs on the loop
    [record] = [r for r in caplog.records if r.name == "db.repos.base"]
    assert record.getMessage() == "Recorder.fail failed after its caller stopped waiting: StorageError"
    assert record.exc_info is None


async def test_a_caller_that_waits_gets_the_error_and_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with ThreadPoolExecutor(max_workers=1) as executor, caplog.at_level(logging.WARNING):
        with pytest.raises(StorageError):
            await Recorder(executor).fail()
    assert not [r for r in caplog.records if r.name == "db.repos.base"]
