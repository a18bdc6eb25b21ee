"""The meetbot logging set-up writing into a buffer, with pytest's own set-up put back afterwards.

    with captured_logs(level="debug") as lines:
        ...
    assert "s3cr3t" not in lines.getvalue()
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

from bot.logs import BUILDS_DEBUG_LINES, NEVER_BELOW_WARNING, THIRD_PARTY, configure


@contextlib.contextmanager
def captured_logs(*, level: str = "debug", json_lines: bool = False) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, root_level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level
              for name in (*THIRD_PARTY, *BUILDS_DEBUG_LINES, *NEVER_BELOW_WARNING)}
    buffer = io.StringIO()
    configure(level=level, json_lines=json_lines, stream=buffer)
    try:
        yield buffer
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(root_level)
        for name, value in levels.items():
            logging.getLogger(name).setLevel(value)
