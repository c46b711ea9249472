"""Browser fixtures: the app under uvicorn on 127.0.0.1, Debian's Chromium via Playwright."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, running_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def server_url():
    with running_server("-m", "app.cli", "--host", "127.0.0.1", "--port") as (_, port):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, server_url, request):
    """A fresh page on the app. Fails the test on any console error or outside request."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
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

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # A blob: URL of the page's own origin (Plotly's PNG export makes some) is no way out.
    own = (server_url, f"blob:{server_url}/")
    page.on(
        "request",
        lambda r: r.url.startswith(own) or problems.append(f"outside request: {r.url}"),
    )
    page.goto(server_url)
    page.wait_for_selector("body[data-ready='true']", timeout=15_000)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
    assert not problems, problems
