"""Plotly's own parts of the plots: the mode bar's buttons, their words, the plots' text size."""

import pytest

pytestmark = pytest.mark.browser

# Every mode-bar button a plot may offer: each works offline. (The camera button of a plot with
# a canvas overlay is the page's own, with Plotly's words.)
OFFERED = {
    "Download plot as a PNG",
    "Zoom",
    "Pan",
    "Zoom in",
    "Zoom out",
    "Reset axes",
    "Orbital rotation",
    "Turntable rotation",
    "Reset camera to default",
    "Reset camera to last save",
}
# The loss curve, the input plane, three layer panels (the first in 3D) and Compare's seven.
PLOTS = 12


def open_every_plot(page, server_url):
    """The page with a 3D layer panel, and the Compare view open: every kind of plot it has."""
    page.goto(f"{server_url}/?hidden_layers=3,2")
    page.wait_for_selector("body[data-ready='true']", timeout=15_000)
    page.click("#compare summary")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.compare-plot')].filter(el => el.data).length === 7",
        timeout=20_000,
    )
    assert page.locator("#layer-plot-1 .gl-container").count() == 1  # the 3D panel


def mode_bar_titles(page):
    """The tooltips of each plot's mode-bar buttons, plot by plot."""
    return page.eval_on_selector_all(
        ".js-plotly-plot",
        "plots => plots.map(p => [...p.querySelectorAll('.modebar-btn')]"
        ".map(b => b.dataset.title))",
    )


def test_no_plot_offers_a_button_that_needs_the_internet(page, server_url):
    open_every_plot(page, server_url)
    plots = mode_bar_titles(page)
    assert len(plots) == PLOTS
    assert all(plots), "every plot has a mode bar"
    # plotly.js 4 adds "Share chart..." (an upload to Plotly's cloud) unless told not to.
    assert {title for titles in plots for title in titles} <= OFFERED
