"""The page before Plotly.js has run (static/js/plotly_loader.js, plain_axes.js): it works at
once (its first frame drawn, Train enabled, frames drawn and counted), and when Plotly arrives
every plot becomes a Plotly plot again with the same picture, in the same place."""

import pytest
from browser_pages import SESSION, STATIC, pause, versioned
from playwright.sync_api import expect

from app.api.static_files import PLOTLY_PATH

pytestmark = pytest.mark.browser

PLOTS = "#plot-input, #plot-loss, .layer-plot"


class HeldPlotly:
    """Plotly.js's answer held back until ``release()``: the page works without it meanwhile."""

    def __init__(self, page) -> None:
        self.routes = []
        page.route(f"**{STATIC}{PLOTLY_PATH}", self.hold)

    def hold(self, route) -> None:
        self.routes.append(route)

    def release(self) -> None:
        assert self.routes, "the page never asked for Plotly.js"
        for route in self.routes:
            route.continue_()


def open_without_plotly(page, server_url, query=""):
    held = HeldPlotly(page)
    page.goto(f"{server_url}/?{query}")
    page.wait_for_selector("body[data-ready='true']")
    assert page.evaluate("typeof window.Plotly") == "undefined"
    assert page.get_attribute("body", "data-plots") is None
    return held


# What a flat plot shows: where its overlay's canvas is on the page, the canvas's colour at the
# centre of each of its points (placed through its axes: Plotly's, or the plain ones before),
# and every tick label and axis title with its box.
PICTURE = """(selector) => {
  const el = document.querySelector(selector);
  const axes = el._fullLayout?.xaxis ? el._fullLayout : el.plainAxes;
  const canvas = el.overlay.canvas;
  const box = canvas.getBoundingClientRect();
  const ratio = canvas.width / box.width;
  const context = canvas.getContext("2d");
  const points = el.overlay.traces.find((t) => t.mode === "markers");
  const colours = Array.from(points.x, (x, i) => {
    const [px, py] = [axes.xaxis.l2p(x), axes.yaxis.l2p(points.y[i])];
    return [...context.getImageData(Math.floor(px * ratio), Math.floor(py * ratio), 1, 1).data];
  });
  const texts = [...el.querySelectorAll(
    ".plain-axes text, .xtick text, .ytick text, .g-xtitle text, .g-ytitle text")]
    .filter((t) => getComputedStyle(t).display !== "none")
    .map((t) => {
      const r = t.getBoundingClientRect();
      return [t.textContent, r.left, r.top, r.width, r.height];
    })
    .sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
  const area = [box.left, box.top, box.width, box.height];
  return { plotly: Boolean(el._fullLayout), area, colours, texts, points: points.x.length };
}"""


def assert_same_picture(before, after):
    assert not before["plotly"] and after["plotly"]
    assert after["area"] == pytest.approx(before["area"], abs=0.01)
    assert before["points"] > 0 and after["colours"] == before["colours"]
    assert [t[0] for t in after["texts"]] == [t[0] for t in before["texts"]]
    for was, now in zip(before["texts"], after["texts"], strict=True):
        assert now[1:] == pytest.approx(was[1:], abs=0.05), (was, now)


def test_the_first_picture_needs_no_plotly_and_plotly_takes_over_without_a_jump(page, server_url):
    held = open_without_plotly(page, server_url)
    flat = ["#plot-input", *(f"#layer-plot-{i}" for i in (1, 2))]  # the default's flat panels
    before = {selector: page.evaluate(PICTURE, selector) for selector in flat}
    assert {"x1", "x2", "0"} <= {text[0] for text in before["#plot-input"]["texts"]}
    assert page.evaluate("window.layerscope.renderStats.frames") == 1
    held.release()
    page.wait_for_selector("body[data-plots='ready']")
    for selector in flat:
        assert_same_picture(before[selector], page.evaluate(PICTURE, selector))
    # Every plot is Plotly's now, the plain axes gone; the loss curve and the output's panel
    # (drawn by Plotly alone) are there too.
    assert page.eval_on_selector_all(PLOTS, "els => els.every((el) => el._fullLayout)")
    expect(page.locator(".plain-plot")).to_have_count(0)
    assert page.eval_on_selector("#plot-loss", "el => el.data[0].x") == [0]


def test_training_clicks_and_compare_work_before_plotly_has_loaded(page, server_url):
    held = open_without_plotly(page, server_url)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function("() => window.layerscope.renderStats.frames >= 6")
    step = pause(page)
    assert step > 0
    assert page.evaluate("typeof window.Plotly") == "undefined"
    # The plane's points and lines follow the frames, on the plain axes.
    assert page.eval_on_selector("#plot-input", "el => Boolean(el.plainAxes && el.overlay)")

    # A click on the plane adds a point at the centre of the heatmap cell under it.
    page.locator("#plot-input").scroll_into_view_if_needed()
    spot = page.evaluate("""() => {
      const el = document.querySelector("#plot-input");
      const { xaxis, yaxis } = el.plainAxes;
      const { x, y } = window.layerscope.frame().boundary;
      const [cx, cy] = [x[30], y[60]];
      const box = el.getBoundingClientRect();
      return {
        cx, cy,
        left: box.left + xaxis._offset + xaxis.l2p(cx),
        top: box.top + yaxis._offset + yaxis.l2p(cy),
      };
    }""")
    count = page.evaluate("window.layerscope.frame().data.labels.length")
    page.mouse.click(spot["left"], spot["top"])
    page.wait_for_function(f"() => window.layerscope.frame().data.labels.length === {count + 1}")
    added = page.evaluate("""() => { const f = window.layerscope.frame();
      return [f.layers[0].points.x.at(-1), f.layers[0].points.y.at(-1)]; }""")
    assert added == pytest.approx([spot["cx"], spot["cy"]], abs=1e-9)

    # Compare, opened now, waits for Plotly, then draws all seven panels.
    page.click("#compare summary")
    page.wait_for_timeout(300)
    drawn = "els => els.filter(el => el.data).length"
    assert page.eval_on_selector_all(".compare-plot", drawn) == 0
    held.release()
    page.wait_for_selector("body[data-plots='ready']")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.compare-plot')].filter(el => el.data).length === 7"
    )
    assert page.eval_on_selector_all(PLOTS, "els => els.every((el) => el._fullLayout)")
    # Every point the page has seen is on the loss curve.
    curve = page.eval_on_selector("#plot-loss", "el => el.data[0].x")
    assert curve[0] == 0 and curve[-1] == step and len(curve) >= 3


# The plain axes against Plotly's own, for the layouts the page's flat plots use (plot_text.js's
# font and margins, traces.js's axes) and some it may meet: each drawn in a box of its own.
COMPARE_AXES = versioned("""async (cases) => {
  const { drawPlainAxes } = await import("/static/js/plain_axes.js");
  const texts = (el, selector) => [...el.querySelectorAll(selector)]
    .filter((t) => getComputedStyle(t).display !== "none")
    .map((t) => {
      const r = t.getBoundingClientRect();
      return [t.textContent, r.left, r.top, r.width, r.height];
    })
    .sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
  const place = (axis) =>
    [axis._offset, axis._length, axis.l2p(axis.range[0]), axis.l2p(axis.range[1])];
  const results = [];
  for (const { width, height, size, margin, x, y, equal, titles } of cases) {
    const box = document.createElement("div");
    Object.assign(box.style, {
      position: "absolute", left: "3px", top: "5px", width: `${width}px`, height: `${height}px`,
    });
    document.body.append(box);
    const axis = (title, range, extra) => ({
      title: { text: title, standoff: 4 }, range,
      zeroline: false, showgrid: false, ticks: "outside", ...extra,
    });
    const layout = {
      font: { family: "system-ui, sans-serif", size }, margin, showlegend: false,
      xaxis: axis(titles[0], x, equal ? { constrain: "domain" } : {}),
      yaxis: axis(titles[1], y, equal ? { scaleanchor: "x", constrain: "domain" } : {}),
    };
    const plain = drawPlainAxes(box, layout);
    const mine = {
      x: place(plain.xaxis), y: place(plain.yaxis), texts: texts(box, ".plain-axes text"),
    };
    box.replaceChildren();
    await Plotly.newPlot(box, [], layout, { displayModeBar: false });
    const full = box._fullLayout;
    const theirs = { x: place(full.xaxis), y: place(full.yaxis),
      texts: texts(box, ".xtick text, .ytick text, .g-xtitle text, .g-ytitle text") };
    Plotly.purge(box);
    box.remove();
    results.push({ mine, theirs });
  }
  return results;
}""")
INPUT = {"size": 12, "margin": {"l": 45, "r": 10, "t": 10, "b": 40}, "equal": True}
PANEL = {"size": 11, "margin": {"l": 48, "r": 8, "t": 6, "b": 42}}
LARGE = {"size": 17, "margin": {"l": 63, "r": 14, "t": 14, "b": 56}, "equal": True}
CASES = [
    {**INPUT, "width": 545.6, "height": 545.6, "x": [-1, 4], "y": [-1, 4]},
    {**INPUT, "width": 620, "height": 480, "x": [-6, 6], "y": [-6, 6]},
    # Plotly's default size:
    {**INPUT, "width": 700.4, "height": 449.5, "x": [-1.5, 1.5], "y": [-1.5, 1.5]},
    {**LARGE, "width": 480, "height": 520, "x": [-6.5, 6.5], "y": [-6.5, 6.5]},
    {**PANEL, "width": 262, "height": 262, "x": [-0.42, 0.07], "y": [-1.8, 0.74], "equal": False},
    {**PANEL, "width": 262, "height": 262, "x": [-1.1, 1.1], "y": [-0.3, 0.45], "equal": True},
    {**PANEL, "width": 250, "height": 250, "x": [-2150, 3700], "y": [0.0011, 0.0093]},
    {**PANEL, "width": 300, "height": 300, "x": [-0.3, 0.3], "y": [12000, 19500], "equal": False},
    {**PANEL, "width": 300, "height": 280, "x": [1234.5, 1236], "y": [-98765, -12], "equal": False},
]


@pytest.mark.parametrize("titles", [("x1", "x2"), ("주성분 1 (95%)", "other direction 1 (100%)")])
def test_plain_axes_are_plotlys(page, titles):
    results = page.evaluate(COMPARE_AXES, [{**case, "titles": titles} for case in CASES])
    for case, result in zip(CASES, results, strict=True):
        mine, theirs = result["mine"], result["theirs"]
        assert mine["x"] == pytest.approx(theirs["x"], abs=1e-9), case
        assert mine["y"] == pytest.approx(theirs["y"], abs=1e-9), case
        assert [t[0] for t in mine["texts"]] == [t[0] for t in theirs["texts"]], case
        for was, now in zip(mine["texts"], theirs["texts"], strict=True):
            assert was[1:] == pytest.approx(now[1:], abs=0.05), (case, was, now)


# The input plane's plot area and points in the window, through the plain axes (before Plotly).
PLAIN_PLANE = """() => {
  const plot = document.querySelector("#plot-input");
  const { xaxis, yaxis } = plot.plainAxes;
  const box = plot.getBoundingClientRect();
  const points = plot.overlay.traces.at(-1);
  const [left, top] = [box.left + xaxis._offset, box.top + yaxis._offset];
  return {
    area: { left, top, right: left + xaxis._length, bottom: top + yaxis._length },
    points: Array.from(points.x, (x, i) => [left + xaxis.l2p(x), top + yaxis.l2p(points.y[i])]),
    width: document.querySelector("main").getBoundingClientRect().width,
    plot: box.width,
    scrollWidth: document.documentElement.scrollWidth,
  };
}"""


@pytest.mark.parametrize(
    "size", [(390, 844), (1024, 768), (1366, 768)], ids=["390x844", "1024x768", "1366x768"]
)
def test_the_first_picture_fits_every_screens_layout(page, server_url, size):
    """Before Plotly, the plane's plain axes take the place the layout gives the plane: beside
    the training loop on a laptop, Train and every point in view; the page's full width on a
    phone. Plotly then takes over in that same place."""
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    held = open_without_plotly(page, server_url)
    plane = page.evaluate(PLAIN_PLANE)
    assert plane["scrollWidth"] <= width
    assert len(plane["points"]) == 200
    if width < 900:
        assert plane["plot"] > plane["width"] - 40
    else:
        area = plane["area"]
        assert 0 <= area["left"] < area["right"] <= width, area
        assert 0 <= area["top"] < area["bottom"] <= height, area
        assert all(0 <= x <= width and 0 <= y <= height for x, y in plane["points"])
        expect(page.locator("#train-button")).to_be_in_viewport(ratio=1)
        expect(page.locator("#train-accuracy")).to_be_in_viewport(ratio=1)
    before = page.evaluate(PICTURE, "#plot-input")
    held.release()
    page.wait_for_selector("body[data-plots='ready']")
    assert_same_picture(before, page.evaluate(PICTURE, "#plot-input"))


# Lesson 2 sets up a run 300 steps in and points at a flat layer panel; lesson 6 fills Compare.
LESSONS = {
    2: {"dataset": "class-ab-noisy", "hidden_layers": [2], "step": 300, "spot": "#layer-plot-1"},
    6: {"dataset": "circle", "hidden_layers": [8, 8], "step": 300, "spot": "#compare"},
}


# Resolves once the page has not scrolled for five frames: a lesson's smooth scroll has ended.
SCROLL_ENDED = """() => new Promise((resolve) => {
  let [last, still] = [scrollY, 0];
  const check = () => {
    [still, last] = [scrollY === last ? still + 1 : 0, scrollY];
    if (still >= 5) resolve(scrollY);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})"""


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_a_lesson_a_link_names_opens_before_plotly_and_stays_after(page, server_url, lesson):
    """A link to a lesson sets it up on the plain axes, the page making room for the lesson's
    panel; when Plotly arrives, the lesson is still open and set up, and the picture the same."""
    expected = LESSONS[lesson]
    held = open_without_plotly(page, server_url, f"lesson={lesson}")
    page.wait_for_selector(f"#lesson-panel[data-lesson='{lesson}'][data-state='ready']")
    assert page.evaluate("typeof window.Plotly") == "undefined"
    frame = page.evaluate("""() => { const f = window.layerscope.frame();
      return { step: f.step, units: f.layers.slice(1, -1).map((l) => l.units) }; }""")
    assert frame == {"step": expected["step"], "units": expected["hidden_layers"]}
    config = page.evaluate(f"async () => (await ({SESSION})()).config")
    assert config["dataset"] == expected["dataset"]
    page.evaluate(SCROLL_ENDED)
    expect(page.locator(expected["spot"])).to_be_in_viewport()
    before = page.evaluate(PICTURE, "#plot-input")
    assert before["points"] == 200
    if lesson == 6:  # the learner opens Compare, as the lesson asks: it waits for Plotly
        page.click("#compare summary")

    held.release()
    page.wait_for_selector("body[data-plots='ready']")
    assert_same_picture(before, page.evaluate(PICTURE, "#plot-input"))
    expect(page.locator("#lesson-panel")).to_have_attribute("data-lesson", str(lesson))
    expect(page.locator("#lesson-panel")).to_have_attribute("data-state", "ready")
    assert page.evaluate("window.layerscope.frame().step") == expected["step"]
    assert page.eval_on_selector_all(PLOTS, "els => els.every((el) => el._fullLayout)")
    if lesson == 6:  # Compare draws its seven panels once Plotly is there
        page.wait_for_function(
            "() => [...document.querySelectorAll('.compare-plot')].filter(el => el.data).length"
            " === 7"
        )
