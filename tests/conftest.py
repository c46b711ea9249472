"""The suite's defaults: it runs on two processes (pytest-xdist) unless told otherwise."""

import pytest

from benchmarks.server import running_redis

WORKERS = 2  # this project's machines have two cores


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """``python -m pytest`` runs the tests on WORKERS processes, each taking the next test as
    it finishes one (xdist's "load": faster here than keeping a file's tests together, which
    leaves one process with the longest browser file). ``-n 0`` (or ``-p no:xdist``) runs them
    in this process, e.g. to see print() output or to use --pdb; ``-n N`` or ``--dist MODE``
    choose otherwise. Set here rather than in addopts, where ``-n`` would be an error under
    ``-p no:xdist``."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return  # without xdist, or in one of its workers (which must not start workers again)
    if config.option.numprocesses is None and not config.option.usepdb:
        config.option.numprocesses = WORKERS  # xdist then distributes by "load"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last, in each process. Playwright's sync API leaves its event loop set
    as the thread's running loop until the session ends, and an async test (anyio) run after it
    in the same process fails with "Cannot run the event loop while another loop is running".
    xdist hands each process its tests in this order, so the rule holds on every worker.
    Every test under tests/browser/ is a browser test, marked or not."""
    for item in items:
        if item.path.parent.name == "browser":
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def redis_url():
    """The URL of a redis-server started for this test session (one per xdist process). Tests
    that need Redis fail, never skip, where it is not installed."""
    try:
        with running_redis() as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(autouse=True)
def unhurried(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps made in a test take requests as fast as the test sends them: a loop of requests
    must not meet a rate limit sooner on a faster machine (tests/test_limits.py and the flood
    tests set the limits they test). The browser tests' server keeps the real limits: a page
    is a real client, and must live within them."""
    if request.node.get_closest_marker("browser") is None:
        monkeypatch.setenv("LAYERSCOPE_SESSIONS_PER_MINUTE", "1000000")
        monkeypatch.setenv("LAYERSCOPE_SESSION_REQUESTS_PER_SECOND", "1000000")
