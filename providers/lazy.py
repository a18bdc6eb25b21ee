"""Lazy re-exports for a provider package, so that importing its ``options`` loads nothing heavy.

    __getattr__ = lazy_exports(__name__, {"RoomfulProvider": "adapter", "RoomfulOptions": "options"})

``providers.roomful.RoomfulProvider`` then imports ``providers.roomful.adapter`` (and socket.io)
on first use, while ``providers.roomful.options`` stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that finds ``name`` in the submodule ``exports[name]`` of ``package``."""

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)

    return __getattr__
