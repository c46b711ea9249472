"""Plotly's own parts of the plots: the mode bar's buttons, their words, the plots' text size."""

import pytest
from browser_pages import open_compare, open_page, wait_until_loaded
from playwright.sync_api import expect

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
    open_page(page, server_url, "hidden_layers=3,2")
    open_compare(page)
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


def every_title_matches(page, pattern):
    """Wait until every plot's every mode-bar tooltip, and its accessible name, match a regex."""
    page.wait_for_function(
        """pattern => [...document.querySelectorAll('.js-plotly-plot .modebar-btn')].every(b =>
            new RegExp(pattern).test(b.dataset.title) && b.ariaLabel === b.dataset.title)""",
        arg=pattern,
    )


def test_plotly_speaks_the_page_language(page, server_url):
    open_every_plot(page, server_url)
    page.click("#language-button")
    every_title_matches(page, "[가-힣]")  # Hangul in every one
    # The page's own camera button, and two of Plotly's.
    expect(
        page.locator("#plot-input").get_by_role("button", name="그래프를 PNG로 내려받기")
    ).to_have_count(1)
    expect(page.locator("#plot-loss").get_by_role("button", name="축 초기화")).to_have_count(1)
    expect(page.locator("#layer-plot-1").get_by_role("button", name="궤도 회전")).to_have_count(1)

    page.click("#language-button")
    every_title_matches(page, "^[A-Za-z ]+$")
    assert {title for titles in mode_bar_titles(page) for title in titles} <= OFFERED


# Each plot's text sizes: tick labels and axis titles (of its 3D scene's x axis, if it has one),
# hover labels, and the first tick label as the browser draws it. A 3D panel shows no tick labels,
# and Plotly then gives its axes no tick font: 0.
TEXT_SIZES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => {
    const layout = el._fullLayout;
    const axis = layout.scene ? layout.scene.xaxis : layout.xaxis;
    const tick = el.querySelector('.xtick text');
    return [axis.tickfont ? axis.tickfont.size : 0, axis.title.font.size,
            layout.hoverlabel.font.size, tick ? parseFloat(getComputedStyle(tick).fontSize) : 0];
})"""


# Every plot as wide as its box (the page's columns change width with large text).
FITTED = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .every(el => Math.round(el._fullLayout.width) === el.clientWidth)"""


def test_large_text_enlarges_every_plots_text(page, server_url):
    page.set_viewport_size({"width": 1440, "height": 3000})  # every panel in view: all redrawn
    open_every_plot(page, server_url)
    before = page.evaluate(TEXT_SIZES)
    assert len(before) == PLOTS
    page.check("#large-text")
    page.wait_for_function(
        f"before => ({TEXT_SIZES})().every((sizes, i) => sizes.every((size, k) =>"
        " size > before[i][k] || size === 0 && before[i][k] === 0))",
        arg=before,
    )
    page.wait_for_function(FITTED)
    page.uncheck("#large-text")
    page.wait_for_function(
        f"before => JSON.stringify(({TEXT_SIZES})()) === JSON.stringify(before)", arg=before
    )
    page.wait_for_function(FITTED)


def test_remembered_large_text_is_in_the_first_drawing(page):
    small = page.eval_on_selector("#plot-input", "el => el._fullLayout.font.size")
    page.evaluate("localStorage.setItem('layerscope-large-text', '1')")
    page.reload()
    wait_until_loaded(page)
    # Paused: no later frame would draw it again.
    assert page.eval_on_selector("#plot-input", "el => el._fullLayout.font.size") > small
    assert page.evaluate(FITTED)


def test_a_zoom_on_the_input_plane_gives_no_tip_to_double_click(page):
    """Double-click is off on the input plane (quick clicks add points), so Plotly's tip after a
    zoom, "Double-click to zoom back out", would be wrong: the mode bar's reset is the way."""
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("1")
    plane = page.locator("#plot-input .nsewdrag").first
    box = plane.bounding_box()
    x_range = "() => document.querySelector('#plot-input')._fullLayout.xaxis.range.join()"
    before = page.evaluate(x_range)
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=6)
    page.mouse.up()
    page.wait_for_function(f"() => ({x_range})() !== {before!r}")  # zoomed in
    page.wait_for_timeout(500)  # the tip would show by now, and stay for seconds
    assert page.locator(".notifier-note").count() == 0  # (expect() would wait for it to go)
