"""One loop for every paged list (as openai-python's pagination.py): the provider says how to get
the next page, ``pages`` walks them (``items`` flattens them).

    async def fetch(cursor: str | None) -> Page[dict]:
        body = await get("meetings", cursor=cursor)
        return Page(body["results"], next=body.get("cursor"))

    async for meeting in items(pages(fetch, provider="whereby")):
        ...

``next`` is whatever the provider pages by (a cursor, a page number, an offset), None on the last
page. A provider that hands back a ``next`` it gave before (the same cursor forever) is caught:
``on_repeat="fail"`` raises ``Unavailable``, ``"stop"`` ends the walk quietly. With ``key`` the
items are told apart too, so a page of nothing but items already seen counts as a repeat (for a
provider that ignores the page number and sends page one again). ``max_pages`` bounds the walk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from providers.errors import Unavailable

T = TypeVar("T")
N = TypeVar("N", bound=Hashable)

MAX_PAGES = 1000


@dataclass(frozen=True)
class Page(Generic[T, N]):
    """One page: its items and how to ask for the next one (None: this was the last)."""

    items: Sequence[T]
    next: N | None = None


async def pages(
    fetch: Callable[[N | None], Awaitable[Page[T, N]]],
    *,
    provider: str,
    first: N | None = None,
    key: Callable[[T], Hashable] | None = None,
    on_repeat: Literal["fail", "stop"] = "fail",
    max_pages: int = MAX_PAGES,
) -> AsyncIterator[list[T]]:
    """The pages' items, one list per page (items seen before left out when ``key`` is given)."""
    position: N | None = first
    asked: set[N] = set() if first is None else {first}
    seen: set[Hashable] = set()
    for _ in range(max_pages):
        page = await fetch(position)
        fresh = list(page.items)
        if key is not None:
            fresh = [item for item in fresh if key(item) not in seen]
            if page.items and not fresh:
                _repeated(provider, on_repeat, f"page {position!r} repeated earlier items")
                return
            seen.update(key(item) for item in fresh)
        if fresh:
            yield fresh
        if page.next is None:
            return
        if page.next in asked:
            _repeated(provider, on_repeat, f"next page {page.next!r} repeated")
            return
        asked.add(page.next)
        position = page.next
    raise Unavailable(provider=provider, raw=f"gave up after {max_pages} pages")


async def items(batches: AsyncIterator[list[T]]) -> AsyncIterator[T]:
    """Every item of every page: ``async for meeting in items(pages(fetch, provider="whereby"))``."""
    async for batch in batches:
        for item in batch:
            yield item


def _repeated(provider: str, on_repeat: Literal["fail", "stop"], raw: str) -> None:
    # A provider bug must not become an endless loop; "stop" keeps what was read so far.
    if on_repeat == "fail":
        raise Unavailable(provider=provider, raw=raw)
