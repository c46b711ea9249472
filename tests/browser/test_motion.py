"""Smooth motion: with it on, layer panels glide between frames; off, they jump. (The glide
itself is tested on the overlay in test_overlay.py.)"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PANEL = "#layer-plot-1"


def panel_state(page):
    return page.eval_on_selector(
        PANEL,
        "el => ({x: el.overlay.traces.at(-1).x.slice(0, 3), glide: el.overlay.glideMs})",
    )


def test_smooth_motion_glides_the_panels_and_training_goes_on(page):
    page.locator(PANEL).scroll_into_view_if_needed()
    assert panel_state(page)["glide"] == 0  # off by default: panels jump
    page.check("#smooth")
    page.locator(PANEL).scroll_into_view_if_needed()  # the checkbox is far below the panel
    page.wait_for_function(f"() => document.querySelector('{PANEL}').overlay.glideMs > 0")
    before = panel_state(page)
    page.click("#train-button")
    frames = page.evaluate("() => window.layerscope.renderStats.frames")
    page.wait_for_function(f"() => window.layerscope.renderStats.frames >= {frames + 5}")
    page.click("#train-button")
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "false")
    after = panel_state(page)
    assert after["glide"] > 0
    assert after["x"] != before["x"]  # the points moved to where the trained layer puts them
    page.uncheck("#smooth")
    # A panel out of sight is not redrawn until it is seen again.
    page.locator(PANEL).scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.querySelector('{PANEL}').overlay.glideMs === 0")
    # Plotly's layout.transition is never used: it halved the frame rate.
    assert page.eval_on_selector(PANEL, "el => el.layout.transition") is None
