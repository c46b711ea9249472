"""The Train loop: never two frame requests in flight, and every frame received is drawn."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FRAMES = "() => window.layerscope.renderStats.frames"


class FrameRequests:
    """Frame requests as the browser sees them: how many at once, and how many answered."""

    def __init__(self, listen):
        self.now = 0
        self.most = 0
        self.answered = 0  # 200s: a frame to draw (204 means nothing new)
        # The poll's path ends in /frame (not /static/js/frame_format.js).
        is_frame = lambda request: request.url.split("?")[0].endswith("/frame")  # noqa: E731
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


def test_training_keeps_one_request_in_flight_and_draws_every_frame(page, listen):
    requests = FrameRequests(listen)
    page.click("#train-button")
    page.wait_for_function(f"() => ({FRAMES})() >= 3")  # the loop is running
    answered, drawn = requests.answered, page.evaluate(FRAMES)
    page.wait_for_function(f"() => ({FRAMES})() >= {drawn + 20}")
    answered, drawn = requests.answered - answered, page.evaluate(FRAMES) - drawn
    page.click("#train-button")
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "false")
    assert requests.most == 1  # the next request waits for the previous answer
    # Each answered frame is drawn. Playwright reports responses a little late, and one frame
    # may be on its way at each of the two counts: they can differ by 2, never more.
    assert drawn >= 20 and abs(answered - drawn) <= 2
