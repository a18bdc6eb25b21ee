"""The OAuth pages in a real browser: Debian's headless Chromium, driven by Selenium through chromedriver.

The app is served on loopback by uvicorn; Chromium may resolve no other host (``--host-resolver-rules``),
so a page that reached outside (Bolt's default loads Slack's button image from its CDN) would show
it. Under CI=true a missing Chromium fails the test; elsewhere it skips, saying what to install.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from bot.http.app import create_app
from bot.runtime import build_runtime
from bot.slack.app import BOT_SCOPES
from tests.fakes.server import serve
from tests.fakes.slack import FakeSlack
from tests.scenario.app.test_oauth import OAUTH
from tests.scenario.harness import scenario_settings

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def browser_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    driver = shutil.which("chromedriver") or (CHROMEDRIVER if Path(CHROMEDRIVER).exists() else None)
    if chromium and driver:
        return chromium, driver
    reason = "chromium or chromedriver is missing (apt-get install -y chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}: .ci/run installs them; the OAuth pages must be checked in a browser.")
    pytest.skip(f"{reason}: the OAuth pages' browser test skipped.")
    raise AssertionError("unreachable")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    chromium, driver = browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(20)
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture
def meetbot(database_url: str) -> Iterator[tuple[str, FakeSlack]]:
    """The app in OAuth mode on a loopback port (no scheduler), and the fake Slack it talks to."""
    fake = FakeSlack(tokens={})
    with fake.running() as api_url:
        settings = scenario_settings(api_url, database_url, **OAUTH)
        runtime = build_runtime(settings, purpose="serve")
        with serve(create_app(settings, runtime, scheduler=False)) as url:
            yield url, fake
        runtime.storage.engine.dispose()


def test_install_page_offers_add_to_slack_with_our_scopes_and_a_fresh_state(
        browser: webdriver.Chrome, meetbot: tuple[str, FakeSlack]) -> None:
    url, _fake = meetbot
    browser.get(f"{url}/slack/install")
    assert browser.title == "Install meetbot"
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Install meetbot" in text and "Add to Slack" in text
    assert "post meeting announcements, reminders and your own links" in text  # chat:write in words
    link = browser.find_element(By.LINK_TEXT, "Add to Slack")
    assert link.is_displayed()
    target = urlsplit(link.get_attribute("href") or "")
    assert (target.scheme, target.netloc, target.path) == ("https", "slack.com", "/oauth/v2/authorize")
    query = parse_qs(target.query)
    assert query["client_id"] == [OAUTH["slack_client_id"]]
    assert sorted(query["scope"][0].split(",")) == sorted(BOT_SCOPES)
    state = query["state"][0]
    assert len(state) >= 16
    cookie = browser.get_cookie("slack-app-oauth-state")
    assert cookie is not None and cookie["value"] == state  # the same state, tied to this browser

    browser.get(f"{url}/slack/install")  # every visit gets a new one
    again = parse_qs(urlsplit(browser.find_element(By.LINK_TEXT, "Add to Slack").get_attribute("href") or "").query)
    assert again["state"][0] != state
    images = browser.execute_script("return [...document.images].map(i => i.src)")
    assert images == []  # nothing loaded from outside


def test_a_forged_state_shows_a_page_that_says_what_happened_and_how_to_start_again(
        browser: webdriver.Chrome, meetbot: tuple[str, FakeSlack]) -> None:
    url, fake = meetbot
    fake.add_oauth_code("code-x", team_id="T1", bot_token="xoxb-x")
    browser.get(f"{url}/slack/install")  # the browser now holds a real state cookie
    browser.get(f"{url}/slack/oauth_redirect?code=code-x&state=forged")
    assert browser.title == "meetbot was not installed"
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "This installation was not started in this browser, or its link was altered. Nothing was installed." in text
    assert "invalid_browser" in text
    again = browser.find_element(By.LINK_TEXT, "Start again")
    assert urlsplit(again.get_attribute("href") or "").path == "/slack/install"
    assert fake.calls_to("oauth.v2.access") == []
    again.click()
    assert browser.title == "Install meetbot"


def test_a_code_slack_does_not_accept_says_so(browser: webdriver.Chrome, meetbot: tuple[str, FakeSlack]) -> None:
    url, fake = meetbot
    browser.get(f"{url}/slack/install")
    state = parse_qs(urlsplit(browser.find_element(By.LINK_TEXT, "Add to Slack").get_attribute("href") or "").query)
    browser.get(f"{url}/slack/oauth_redirect?code=never-issued&state={state['state'][0]}")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Slack did not accept the authorization code; it may have been used already." in text
    assert fake.calls_to("oauth.v2.access")[-1].ok is False


def test_a_cancelled_install_says_so(browser: webdriver.Chrome, meetbot: tuple[str, FakeSlack]) -> None:
    url, _fake = meetbot
    browser.get(f"{url}/slack/install")
    browser.get(f"{url}/slack/oauth_redirect?error=access_denied&state=whatever")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "The installation was cancelled in Slack, so nothing was installed." in text
