"""The one paging loop: it follows cursors, page numbers and offsets, and stops a provider that repeats itself."""

from __future__ import annotations

import pytest

from providers.errors import Unavailable
from providers.paging import Page, items, pages


class Provider:
    """Pages from a table, recording each position asked for: ``Provider({None: Page([1], next="a")})``."""

    def __init__(self, table: dict[object, Page[int, object]]) -> None:
        self.table = table
        self.asked: list[object] = []

    async def __call__(self, position: object) -> Page[int, object]:
        self.asked.append(position)
        return self.table[position]


async def collect(provider: Provider, **kwargs: object) -> list[int]:
    return [item async for item in items(pages(provider, provider="whereby", **kwargs))]  # type: ignore[arg-type]


async def test_follows_a_cursor_to_the_last_page() -> None:
    provider = Provider({None: Page([1, 2], next="b"), "b": Page([3], next="c"), "c": Page([4])})
    assert await collect(provider) == [1, 2, 3, 4]
    assert provider.asked == [None, "b", "c"]


async def test_starts_from_the_first_page_number_or_offset_given() -> None:
    provider = Provider({0: Page([1, 2], next=2), 2: Page([3], next=None)})
    assert await collect(provider, first=0) == [1, 2, 3]
    assert provider.asked == [0, 2]


async def test_the_same_cursor_forever_fails_by_default() -> None:
    provider = Provider({None: Page([1], next="same"), "same": Page([2], next="same")})
    with pytest.raises(Unavailable) as caught:
        await collect(provider)
    assert "repeated" in (caught.value.raw or "")
    assert provider.asked == [None, "same"]


async def test_a_cursor_from_two_pages_back_is_caught_too() -> None:
    provider = Provider({None: Page([1], next="a"), "a": Page([2], next="b"), "b": Page([3], next="a")})
    with pytest.raises(Unavailable):
        await collect(provider)
    assert provider.asked == [None, "a", "b"]


async def test_a_repeat_can_end_the_walk_quietly_keeping_what_was_read() -> None:
    provider = Provider({None: Page([1], next="same"), "same": Page([2], next="same")})
    assert await collect(provider, on_repeat="stop") == [1, 2]
    assert provider.asked == [None, "same"]


async def test_a_page_of_items_already_seen_is_a_repeat_when_items_have_a_key() -> None:
    # A provider that ignores the page number sends page one again and again.
    provider = Provider({1: Page([1, 2], next=2), 2: Page([1, 2], next=3), 3: Page([9])})
    batches = [batch async for batch in pages(provider, provider="clickmeeting", first=1, key=lambda i: i,
                                               on_repeat="stop")]
    assert batches == [[1, 2]]
    assert provider.asked == [1, 2]


async def test_the_walk_is_bounded() -> None:
    class Endless:
        async def __call__(self, position: int | None) -> Page[int, int]:
            number = position or 0
            return Page([number], next=number + 1)

    with pytest.raises(Unavailable) as caught:
        [item async for item in items(pages(Endless(), provider="airmeet", max_pages=5))]
    assert "5 pages" in (caught.value.raw or "")


async def test_empty_pages_are_walked_past_until_the_provider_says_last() -> None:
    provider = Provider({None: Page([], next="b"), "b": Page([7])})
    assert await collect(provider) == [7]
