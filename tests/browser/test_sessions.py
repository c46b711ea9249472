"""A tab's session in Chromium: a reload or a link followed in the tab takes it back, a closed
tab lets it go, and a full server says so, in both languages."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

from app.sessions.service import CLOSE_GRACE
from benchmarks.server import running_server
from tests.browser.conftest import VIEWPORT, WAIT_MS

pytestmark = pytest.mark.browser


def status_of(server_url: str, session_id: str) -> int:
    """The server's answer to GET /api/sessions/{id}, from outside the page."""
    try:
        with urllib.request.urlopen(f"{server_url}/api/sessions/{session_id}", timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def session_id(page: Page) -> str:
    return page.evaluate("window.layerscope.sessionId()")


def ready(page: Page) -> None:
    page.wait_for_selector("body[data-ready='true']")


# Notes each beacon's URL in sessionStorage (which outlives a reload), then sends it.
NOTE_BEACONS = """() => {
  const send = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, data) => {
    sessionStorage.setItem("beacon", url);
    return send(url, data);
  };
}"""


def test_a_reload_keeps_the_session_and_its_run(page, server_url):
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("2")
    before = session_id(page)
    page.evaluate(NOTE_BEACONS)
    page.reload()
    ready(page)
    assert session_id(page) == before
    expect(page.locator("#step-count")).to_have_text("2")  # the same run, where it was
    # The page going away said goodbye (a reload fires pagehide too), and the page that came
    # back took the session back: it outlives the goodbye's grace.
    assert page.evaluate("sessionStorage.getItem('beacon')") == f"/api/sessions/{before}/close"
    time.sleep(CLOSE_GRACE + 2)
    assert status_of(server_url, before) == 200
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("3")
    assert session_id(page) == before


def test_a_link_followed_in_the_tab_gives_its_settings_to_the_same_session(page, server_url):
    before = session_id(page)
    page.goto(f"{server_url}/?dataset=xor&hidden_layers=3&seed=4")
    ready(page)
    assert session_id(page) == before
    expect(page.locator("#dataset")).to_have_value("xor")
    expect(page.locator("#layer-count")).to_have_text("1")
    summary = json.loads(urllib.request.urlopen(f"{server_url}/api/sessions/{before}").read())
    assert summary["config"]["dataset"] == "xor" and summary["config"]["hidden_layers"] == [3]


def test_closing_the_tab_deletes_its_session(browser: Browser, server_url):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        tab.goto(server_url)
        ready(tab)
        closed = session_id(tab)
        assert status_of(server_url, closed) == 200
        tab.close(run_before_unload=True)
        # Gone once the goodbye's grace is over (a reload would have taken it back). Asked
        # once only: asking is a use, which would take it back too.
        time.sleep(CLOSE_GRACE + 2)
        assert status_of(server_url, closed) == 404
    finally:
        context.close()


def test_a_full_server_says_so_in_english_and_korean(browser: Browser):
    with running_server("-m", "app.cli", "--max-sessions", "1", "--port") as (_, port):
        url = f"http://127.0.0.1:{port}"
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(WAIT_MS)
        try:
            first = context.new_page()
            first.goto(url)
            ready(first)
            assert status_of(url, session_id(first)) == 200  # asked about: in use now
            second = context.new_page()  # a tab of its own: no session to take back
            second.goto(url)
            expect(second.locator("#message")).to_have_text(
                "The server is full: every run it can keep is in use. Try again in a few"
                " minutes, or ask your teacher."
            )
            second.evaluate("localStorage.setItem('layerscope-language', 'ko')")
            second.reload()
            expect(second.locator("#message")).to_contain_text("서버가 가득 찼습니다")
            assert status_of(url, session_id(first)) == 200  # never dropped for the newcomer
        finally:
            context.close()
