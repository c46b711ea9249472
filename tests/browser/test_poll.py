"""The Train loop: never two polls in flight, and every frame received is drawn."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FRAMES = "() => window.layerscope.renderStats.frames"


class FrameRequests:
    """The Train loop's polls (POST .../advance) as the browser sees them: how many at once,
    and how many answered with a frame."""

    def __init__(self, listen):
        self.now = 0
        self.most = 0
        self.answered = 0  # 200s: a frame to draw
        is_frame = lambda request: request.url.split("?")[0].endswith("/advance")  # noqa: E731
        listen("request", lambda r: is_frame(r) and self.start())
        listen("requestfinished", lambda r: is_frame(r) and self.finish())
        listen("requestfailed", lambda r: is_frame(r) and self.finish())
        listen("response", lambda r: is_frame(r.request) and r.status == 200 and self.answer())

    def start(self):
        self.now += 1
        self.most = max(self.most, self.now)

    def finish(self):
        self.now -= 1

    def answer(self):
        self.answered += 1


# Both counts read in one evaluation, inside the page: the polls answered with a frame (from the
# browser's own resource timings) and the frames drawn.
COUNTS = """() => ({
  answered: performance.getEntriesByType('resource')
    .filter((e) => e.name.split('?')[0].endsWith('/advance') && e.responseStatus === 200).length,
  drawn: window.layerscope.renderStats.frames,
})"""


def test_training_keeps_one_request_in_flight_and_draws_every_frame(page, listen):
    requests = FrameRequests(listen)
    page.evaluate("() => performance.setResourceTimingBufferSize(100000)")
    page.evaluate("() => performance.clearResourceTimings()")
    page.click("#train-button")
    page.wait_for_function(f"() => ({FRAMES})() >= 3")  # the loop is running
    before = page.evaluate(COUNTS)
    page.wait_for_function(f"() => ({FRAMES})() >= {before['drawn'] + 20}")
    after = page.evaluate(COUNTS)
    page.click("#train-button")
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "false")
    assert requests.most == 1  # the next request waits for the previous answer
    # Each answered frame is drawn. At any instant at most one answer is not drawn yet, so the
    # two counts differ by at most one at each reading, and their changes by at most two.
    answered, drawn = (after[k] - before[k] for k in ("answered", "drawn"))
    assert drawn >= 20 and abs(answered - drawn) <= 2, (before, after)


STEP = "() => Number(document.getElementById('step-count').textContent)"


def drawn(page) -> int:
    return page.evaluate(FRAMES)


@pytest.mark.expects_http_errors
def test_a_poll_that_gets_no_answer_is_asked_again(page):
    failed = []

    def fail_twice(route):
        if len(failed) < 2:  # as a worker restarting would: no answer at all
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/advance*", fail_twice)
    session = page.evaluate("window.layerscope.sessionId()")
    page.click("#train-button")
    page.wait_for_function(f"() => ({FRAMES})() >= 10")
    assert len(failed) == 2
    assert page.get_attribute("#train-button", "aria-pressed") == "true"
    expect(page.locator("#message")).to_have_text("")  # said while asking again, then cleared
    assert page.evaluate("window.layerscope.sessionId()") == session


@pytest.mark.expects_http_errors
def test_a_server_gone_for_good_is_said_after_the_retries(page):
    page.route("**/advance*", lambda route: route.abort())
    page.click("#train-button")
    # The page waits 0.25 + 0.5 + 1 + 2 + 4 s between its tries before it gives up.
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#message")).to_contain_text("does not answer")


HIDE = """(hidden) => {
  Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_a_hidden_tab_stops_asking_and_carries_on_when_seen(page, listen):
    polls = []
    listen("request", lambda r: r.url.split("?")[0].endswith("/advance") and polls.append(r))
    page.click("#train-button")
    page.wait_for_function(f"() => ({STEP})() > 20")
    page.evaluate(HIDE, True)
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#message")).to_contain_text("hidden")
    asked, step = len(polls), page.evaluate(STEP)
    page.wait_for_timeout(500)  # long enough for several polls, were the page still asking
    assert len(polls) == asked
    server = page.evaluate(
        "async () => (await fetch(`/api/sessions/${window.layerscope.sessionId()}`)).json()"
    )
    assert server["training"] is False and server["step"] == step  # nothing trained meanwhile
    page.evaluate(HIDE, False)
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(f"() => ({STEP})() > {step}")
