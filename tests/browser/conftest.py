"""Browser fixtures: the app under uvicorn on 127.0.0.1, Debian's Chromium via Playwright.

Each worker process (pytest-xdist) has one server, one browser and one tab, in which test after
test loads the page anew. Opening the page in a new tab or a new browser context costs about
four times as much (a new tab's renderer compiles Plotly's 4.8 MB script again), and that was
most of the browser tests' time. What a tab would carry from one test to the next is undone
after each: the origin's localStorage and sessionStorage are cleared, the fixture's listeners
and any routes are removed, the window is set back to its size; after a failure the browser
context (tab, storage, cache) is closed and the next test gets a new one. A test that listens
to the page's events does so through ``listen``, which removes its listeners after it.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_pages import wait_until_loaded
from playwright.sync_api import Browser, Error, Page, expect, sync_playwright

from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, running_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1440, "height": 900}
# Bounds on waiting, generous on purpose: they stop a broken page from hanging the run, and no
# test relies on them for speed (a busy 2-core machine can take several times as long as an
# idle one). Playwright's own defaults: 5 s for expect(), 30 s for the rest.
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    with running_server("-m", "app.cli", "--host", "127.0.0.1", "--port") as (_, port):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Tab:
    """The worker's one tab, kept from test to test, in a browser context of its own."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.page: Page | None = None

    def get(self) -> Page:
        if self.page is None:
            context = self.browser.new_context(viewport=VIEWPORT)
            context.set_default_timeout(WAIT_MS)
            self.page = context.new_page()
        elif self.page.viewport_size != VIEWPORT:
            self.page.set_viewport_size(VIEWPORT)
        return self.page

    def forget_storage(self) -> None:
        """Clear what the page stored for its origin (the app reads localStorage as it starts),
        or, if the page cannot, start over with a new context."""
        try:
            self.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        except Error:
            self.close()

    def close(self) -> None:
        if self.page is not None:
            self.page.context.close()
        self.page = None


@pytest.fixture(scope="session")
def tab(browser: Browser) -> Iterator[Tab]:
    kept = Tab(browser)
    yield kept
    kept.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(tab: Tab, server_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The app's page, freshly loaded. Fails the test on any console error or outside request."""
    page = tab.get()
    problems = []
    # The browser logs every 4xx answer as an error; a test that provokes them on purpose says so.
    expected_4xx = request.node.get_closest_marker("expects_http_errors") is not None

    def on_console(message):
        if message.type != "error":
            return
        refused = "the server responded with a status of 4" in message.text
        if expected_4xx and (refused or "net::ERR_FAILED" in message.text):
            return
        problems.append(f"console: {message.text}")

    def on_page_error(error):
        problems.append(f"page error: {error}")

    # A blob: URL of the page's own origin (Plotly's PNG export makes some) is no way out.
    own = (server_url, f"blob:{server_url}/")

    def on_request(r):
        if not r.url.startswith(own):
            problems.append(f"outside request: {r.url}")

    watching = [("console", on_console), ("pageerror", on_page_error), ("request", on_request)]
    for event, handler in watching:
        page.on(event, handler)
    # From the top: a navigation to the same address can restore the last test's scroll, and
    # what is in view decides what the page draws first.
    page.evaluate("() => window.scrollTo(0, 0)")
    page.goto(server_url)
    wait_until_loaded(page)
    yield page
    for event, handler in watching:
        page.remove_listener(event, handler)
    page.unroute_all(behavior="ignoreErrors")
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        try:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
        finally:
            tab.close()  # whatever the failure left (a key held down...) goes with the context
    else:
        tab.forget_storage()
    assert not problems, problems


@pytest.fixture
def listen(page: Page) -> Iterator[Callable[[str, Callable], None]]:
    """``listen(event, handler)``: page.on() for this test only (the tab outlives the test)."""
    added = []

    def add(event: str, handler: Callable) -> None:
        page.on(event, handler)
        added.append((event, handler))

    yield add
    for event, handler in added:
        page.remove_listener(event, handler)
