"""providers.http's shared client: it keeps no cookies between calls (one account's answer must not
reach another's request), and ``joined`` puts a path under a base URL exactly as httpx's own
``base_url`` does (the adapters used to rely on it)."""

from __future__ import annotations

import httpx
from hypothesis import given
from hypothesis import strategies as st

from providers.http import joined, shared_client


async def test_the_shared_client_sends_no_cookie_a_provider_set() -> None:
    cookies_seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        cookies_seen.append(request.headers.get("cookie"))
        return httpx.Response(200, headers={"Set-Cookie": "session=account-a; Path=/"}, json={})

    client = shared_client(transport=httpx.MockTransport(answer))
    try:
        await client.get("https://api.example.test/v1/a")
        await client.get("https://api.example.test/v1/b")
    finally:
        await client.aclose()
    assert cookies_seen == [None, None]
    assert not client.cookies


SEGMENT = st.text(alphabet="abcXYZ019-._~%", min_size=1, max_size=8).filter(lambda s: s not in (".", ".."))
BASE_PATH = st.lists(SEGMENT, max_size=3).map("/".join).flatmap(lambda p: st.sampled_from([p, p + "/"]))
RELATIVE = st.tuples(st.sampled_from(["", "/"]), st.lists(SEGMENT, min_size=1, max_size=3).map("/".join),
                     st.sampled_from(["", "?limit=5&cursor=a%20b", "?q=x/y"])).map("".join)


@given(base_path=BASE_PATH, url=RELATIVE)
def test_joined_matches_an_httpx_client_s_base_url(base_path: str, url: str) -> None:
    base = f"https://api.example.test/{base_path}" if base_path else "https://api.example.test"
    with httpx.Client(base_url=base) as client:
        expected = client.build_request("GET", url).url
    assert joined(httpx.URL(base), url) == expected


def test_an_absolute_url_is_not_joined() -> None:
    assert joined(httpx.URL("https://api.example.test/v1"), "https://other.test/x") == httpx.URL("https://other.test/x")
