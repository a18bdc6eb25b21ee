"""The OAuth pages escape whatever reaches them (Slack's ``error`` query parameter is anyone's to type)."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.oauth_pages import FAILURES, failure_page, install_page


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> Elements:
    elements = Elements()
    elements.feed(page)
    return elements


PAGE_TAGS = {"html", "head", "meta", "link", "title", "style", "body", "main", "h1", "p", "code", "a", "ul", "li"}


@given(st.text(max_size=80))
def test_any_failure_reason_is_shown_as_text_never_as_markup(reason: str) -> None:
    page = parsed(failure_page(reason, "/slack/install"))
    assert set(page.tags) <= PAGE_TAGS and page.tags.count("a") == 1
    text = "".join(page.text)
    assert f"(reason: {reason})" in text  # escaped on the way out, the same text on the way back
    assert FAILURES.get(reason, "could not finish the installation") in text


@given(st.text(max_size=40))
def test_any_scope_in_the_authorize_url_stays_text(scope: str) -> None:
    page = parsed(install_page("https://slack.com/oauth/v2/authorize?" + f"scope={scope}&state=s"))
    assert set(page.tags) <= PAGE_TAGS and page.tags.count("a") == 1
