"""A page trains through `layerscope --workers 2 --store redis://...`, and one worker process is
killed under it: the page asks again, the other worker answers, and the session lives on."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from browser_pages import open_page

from benchmarks.server import running_server

pytestmark = pytest.mark.browser

STEP = "() => Number(document.getElementById('step-count').textContent)"


def worker_pids(supervisor: int) -> list[int]:
    """The worker processes uvicorn started: its supervisor's children that multiprocessing
    spawned (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    command = lambda pid: Path(f"/proc/{pid}/cmdline").read_bytes()  # noqa: E731
    return [int(pid) for pid in children if b"spawn_main" in command(pid)]


@pytest.fixture
def workers(redis_url):
    args = ("-m", "app.cli", "--workers", "2", "--store", redis_url, "--port")
    with running_server(*args) as (process, port):
        yield process, f"http://127.0.0.1:{port}"


@pytest.fixture
def page_on_workers(browser, workers):
    """A page on the two-worker server (the usual page fixture is on a one-process one)."""
    supervisor, url = workers
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_page(page, url)
    yield supervisor, page
    context.close()
    assert errors == []


def test_the_page_keeps_training_when_a_worker_is_killed(page_on_workers):
    supervisor, page = page_on_workers
    session = page.evaluate("window.layerscope.sessionId()")
    page.click("#train-button")
    page.wait_for_function(f"() => ({STEP})() > 20", timeout=20_000)
    pids = worker_pids(supervisor.pid)
    assert len(pids) == 2
    # Each in turn (uvicorn starts a new one in its place), so the one holding the page's
    # connection is surely among them.
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
        before = page.evaluate(STEP)
        page.wait_for_function(f"() => ({STEP})() > {before + 60}", timeout=30_000)
    assert page.get_attribute("#train-button", "aria-pressed") == "true"  # still training
    assert page.evaluate("window.layerscope.sessionId()") == session  # the same session
    assert page.inner_text("#message") == ""  # nothing to tell the learner
