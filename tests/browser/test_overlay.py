"""The canvas overlay (static/js/overlay.js): it draws lines and points where Plotly's own axes
put them, within a pixel, and again after a relayout or a resize; it glides when asked."""

import pytest
from browser_pages import pause, versioned, wait_until_loaded
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Helpers installed on the page: a Plotly plot with SVG markers as the reference, the same
# points on its overlay in pure red, and where the red pixels' centres are around each marker.
SETUP = versioned("""async ({ x, y }) => {
  const { overlayOf } = await import("/static/js/overlay.js");
  const div = document.createElement("div");
  document.body.prepend(div);
  window.testPlot = div;
  const layout = { width: 420, height: 320, margin: { l: 50, r: 10, t: 10, b: 40 },
    xaxis: { range: [-2, 3] }, yaxis: { range: [0, 10] } };
  const svg = { type: "scatter", mode: "markers", x, y, marker: { size: 6 } };
  await Plotly.newPlot(div, [svg], layout);
  const red = { size: 6, color: "#ff0000", line: { width: 0 } };
  overlayOf(div).draw([{ mode: "markers", x, y, marker: red }]);
}""")
OFFSETS = """() => {
  const div = window.testPlot;
  const canvas = div.querySelector("canvas.plot-overlay");
  const box = canvas.getBoundingClientRect();
  const ratio = canvas.width / box.width;
  const context = canvas.getContext("2d");
  return [...div.querySelectorAll(".scatterlayer path.point")].map((marker) => {
    const m = marker.getBoundingClientRect();
    const [cx, cy] = [m.left + m.width / 2 - box.left, m.top + m.height / 2 - box.top];
    const r = 8;
    const [left, top] = [Math.round((cx - r) * ratio), Math.round((cy - r) * ratio)];
    const image = context.getImageData(left, top, 2 * r * ratio, 2 * r * ratio);
    let [n, sx, sy] = [0, 0, 0];
    for (let k = 0; k < image.data.length; k += 4) {
      if (image.data[k] > 200 && image.data[k + 3] > 200) {
        const i = k / 4;
        sx += (i % image.width) + 0.5;
        sy += Math.floor(i / image.width) + 0.5;
        n += 1;
      }
    }
    return n ? [(left + sx / n) / ratio - cx, (top + sy / n) / ratio - cy] : null;
  });
}"""
# Points spread over the plot, corners and middle, each well clear of the others.
X = [-1.8, 2.8, -1.8, 2.8, 0.5, -0.5, 1.5, 0.0]
Y = [0.2, 0.2, 9.8, 9.8, 5.0, 2.5, 7.5, 8.0]


def assert_within_a_pixel(page):
    offsets = page.evaluate(OFFSETS)
    assert len(offsets) == len(X)
    for offset in offsets:
        assert offset is not None, offsets  # a point Plotly draws that the overlay does not
        assert abs(offset[0]) <= 1 and abs(offset[1]) <= 1, offsets


def test_overlay_draws_points_where_plotly_puts_them_and_follows_relayout_and_resize(page):
    page.evaluate(SETUP, {"x": X, "y": Y})
    assert_within_a_pixel(page)
    # Zoomed: Plotly's axes move every marker; the overlay follows without a new draw.
    zoom = {"xaxis.range": [-1.9, 2.9], "yaxis.range": [0.1, 9.9]}
    page.evaluate("(zoom) => Plotly.relayout(window.testPlot, zoom)", zoom)
    assert_within_a_pixel(page)
    page.evaluate("() => Plotly.relayout(window.testPlot, {width: 560, height: 380})")
    box = page.eval_on_selector("canvas.plot-overlay", "c => c.getBoundingClientRect().width")
    assert box == 560 - 50 - 10  # the plot area, not the old one
    assert_within_a_pixel(page)


def test_overlay_colours_classes_and_rings_test_points_as_plotly_would(page):
    page.evaluate(SETUP, {"x": [], "y": []})
    pixels = page.evaluate(
        """() => {
          const div = window.testPlot;
          div.overlay.draw([{ mode: "markers", x: [-1, 1], y: [5, 5], marker: {
            size: 10, color: ["#1f78b4", "#e66101"], symbol: ["circle", "circle-open"],
            line: { color: ["#fff", "#e66101"], width: 1 } } }]);
          const canvas = div.querySelector("canvas.plot-overlay");
          const context = canvas.getContext("2d");
          const { xaxis, yaxis } = div._fullLayout;
          const at = (x, y, dx = 0) => [...context.getImageData(
            Math.floor(xaxis.l2p(x) + dx), Math.floor(yaxis.l2p(y)), 1, 1).data];
          return { filled: at(-1, 5), ringCentre: at(1, 5), ring: at(1, 5, 5) };
        }"""
    )
    assert pixels["filled"] == [31, 120, 180, 255]  # class A's blue, filled
    assert pixels["ringCentre"][3] == 0  # a test point is hollow...
    ring, orange = pixels["ring"], [230, 97, 1]  # ...ringed in B's orange (edge pixels blend)
    assert ring[3] > 100 and all(abs(a - b) <= 3 for a, b in zip(ring, orange, strict=False))


def test_overlay_colours_values_on_a_colour_scale_as_plotly_does(page):
    values = [-1.0, -0.5, 0.0, 0.3, 0.9, 1.0]
    page.evaluate(SETUP, {"x": [], "y": []})
    pairs = page.evaluate(
        versioned("""async (values) => {
          const scale = window.layerscope.frame().palette.value;  // the server's, for values
          const div = window.testPlot;
          const x = values.map((_, i) => -1.5 + i * 0.8);
          const y = values.map(() => 5);
          const marker = { size: 12, color: values, colorscale: scale, cmin: -1, cmax: 1 };
          await Plotly.react(div, [{ type: "scatter", mode: "markers", x, y, marker }], div.layout);
          div.overlay.draw([{ mode: "markers", x, y, marker }]);
          const context = div.querySelector("canvas.plot-overlay").getContext("2d");
          const { xaxis, yaxis } = div._fullLayout;
          const svg = [...div.querySelectorAll(".scatterlayer path.point")];
          return x.map((v, i) => [
            svg[i].style.fill.match(/\\d+/g).map(Number),
            [...context.getImageData(Math.floor(xaxis.l2p(v)), Math.floor(yaxis.l2p(5)), 1, 1)
              .data],
          ]);
        }"""),
        values,
    )
    assert len(pairs) == len(values)
    for plotly, drawn in pairs:
        assert len(plotly) == 3 and drawn[3] == 255, pairs
        assert all(abs(a - b) <= 2 for a, b in zip(plotly, drawn[:3], strict=True)), pairs


def test_overlay_glides_when_asked_and_jumps_otherwise(page):
    page.evaluate(SETUP, {"x": [0], "y": [1]})
    # The glide's clock, performance.now(), is held still and moved on by hand: where the point
    # is along the way then depends on the time given, not on how fast frames come here.
    page.evaluate("() => { window.clockMs = 0; performance.now = () => window.clockMs; }")
    shown = "() => window.testPlot.overlay.shown[0].x[0]"
    page.evaluate(
        "() => window.testPlot.overlay.draw([{ mode: 'markers', x: [2], y: [9], marker: { size: 6,"
        " color: '#f00' } }], 400)"
    )
    assert page.evaluate(shown) == 0  # it sets off from where it was
    page.evaluate("() => { window.clockMs = 150; }")
    page.wait_for_function(f"() => ({shown})() !== 0")  # the next animation frame moves it
    assert 0 < page.evaluate(shown) < 2  # on its way
    page.evaluate("() => { window.clockMs = 400; }")
    page.wait_for_function(f"() => ({shown})() === 2")
    page.evaluate(
        "() => window.testPlot.overlay.draw([{ mode: 'markers', x: [-1], y: [9], marker: { size: 6,"
        " color: '#f00' } }])"
    )
    assert page.evaluate("() => window.testPlot.overlay.shown[0].x[0]") == -1  # at once


# Where each training point of a panel is drawn, against where its axes put it: the plot area
# (Plotly's drag rectangle) and the axis ranges, scaled. True if the canvas is opaque there.
APP_POINTS = """(selector) => {
  const el = document.querySelector(selector);
  const area = el.querySelector(".nsewdrag").getBoundingClientRect();
  const canvas = el.querySelector("canvas.plot-overlay");
  const box = canvas.getBoundingClientRect();
  const [xr, yr] = [el._fullLayout.xaxis.range, el._fullLayout.yaxis.range];
  const points = el.overlay.traces.at(-1);
  const context = canvas.getContext("2d");
  const ratio = canvas.width / box.width;
  const drawn = Array.from(points.x, (x, i) => {
    if (points.marker.symbol[i] !== "circle") return null;  // hollow test points: centre empty
    const px = area.left + ((x - xr[0]) / (xr[1] - xr[0])) * area.width - box.left;
    const py = area.top + ((yr[1] - points.y[i]) / (yr[1] - yr[0])) * area.height - box.top;
    const [cx, cy] = [Math.floor(px * ratio), Math.floor(py * ratio)];
    return context.getImageData(cx, cy, 1, 1).data[3] === 255;
  }).filter((v) => v !== null);
  const edges = [box.left - area.left, box.top - area.top,
    box.width - area.width, box.height - area.height];
  return { drawn, edges };
}"""


def assert_points_on_their_pixels(page, selector):
    found = page.evaluate(APP_POINTS, selector)
    assert len(found["drawn"]) >= 100 and all(found["drawn"])
    assert all(abs(e) <= 1 for e in found["edges"]), found["edges"]  # over the plot area exactly


def test_page_panels_draw_every_point_on_its_axes_even_after_a_resize(page):
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("1")
    for selector in ["#plot-input", "#layer-plot-1", "#layer-plot-3"]:
        assert_points_on_their_pixels(page, selector)
    width = page.eval_on_selector("#plot-input canvas.plot-overlay", "c => c.width")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.wait_for_function(  # Plotly resizes the plot, and the overlay follows
        f"() => document.querySelector('#plot-input canvas.plot-overlay').width < {width} - 20"
    )
    assert_points_on_their_pixels(page, "#plot-input")


# Of the input plane's training points, the share whose centre has its class colour (a point
# drawn over another hides its centre): in the picture the camera button saves (snapshot.js),
# on screen (the overlay), and in Plotly's own picture of the plot.
PICTURES = versioned("""async () => {
  const { pictureOf, plotlyPicture } = await import("/static/js/snapshot.js");
  const el = document.querySelector("#plot-input");
  const saved = (await pictureOf(el)).getContext("2d");
  const { width, height, xaxis, yaxis } = el._fullLayout;
  const plotly = (await plotlyPicture(el)).getContext("2d");
  const screen = el.overlay.canvas.getContext("2d");
  const points = el.overlay.traces.at(-1);
  const filled = Array.from(points.x, (_, i) => i)
    .filter((i) => points.marker.symbol[i] === "circle");
  const share = (context, dx, dy) => filled.filter((i) => {
    const x = Math.floor(dx + xaxis.l2p(points.x[i]));
    const y = Math.floor(dy + yaxis.l2p(points.y[i]));
    const pixel = context.getImageData(x, y, 1, 1).data;
    const colour = [1, 3, 5].map((k) => parseInt(points.marker.color[i].slice(k, k + 2), 16));
    return colour.every((v, k) => Math.abs(v - pixel[k]) <= 3);
  }).length / filled.length;
  return {
    saved: share(saved, xaxis._offset, yaxis._offset),
    screen: share(screen, 0, 0),
    plotly: share(plotly, xaxis._offset, yaxis._offset),
    size: [saved.canvas.width, saved.canvas.height, Math.round(width), Math.round(height)],
  };
}""")


def test_camera_button_saves_the_plot_with_its_overlay(page):
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("1")
    pictures = page.evaluate(PICTURES)
    assert pictures["screen"] > 0.6  # most centres show, even where points crowd
    # the saved picture has them...
    assert abs(pictures["saved"] - pictures["screen"]) < 0.05, pictures
    assert pictures["plotly"] == 0  # ...which Plotly's own picture would have left out
    assert pictures["size"][:2] == pictures["size"][2:]  # the whole plot
    page.hover("#layer-plot-1")
    with page.expect_download() as download:
        page.click("#layer-plot-1 .modebar-btn[data-title='Download plot as a PNG']")
    assert download.value.suggested_filename == "layerscope-layer-plot-1.png"
    assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# While training, the input plane's heatmap is painted on its overlay every frame (plots.js):
# how far that picture is from Plotly's own, pixel by pixel over the plot area (the overlay
# showing the heatmap alone, as Plotly does).
HEATMAP_DIFFERENCE = versioned("""async () => {
  const { plotlyPicture } = await import("/static/js/snapshot.js");
  const el = document.querySelector("#plot-input");
  el.overlay.draw([el.overlay.traces[0]]);
  const { xaxis, yaxis } = el._fullLayout;
  const inset = 3;  // clear of the axes' lines
  const width = Math.floor(xaxis._length) - 2 * inset;
  const height = Math.floor(yaxis._length) - 2 * inset;
  const [left, top] = [Math.ceil(xaxis._offset) + inset, Math.ceil(yaxis._offset) + inset];
  const picture = (await plotlyPicture(el)).getContext("2d");
  const plotly = picture.getImageData(left, top, width, height).data;
  const ratio = el.overlay.canvas.width / xaxis._length;
  const small = document.createElement("canvas");  // the overlay at one pixel per CSS pixel
  [small.width, small.height] = [width, height];
  const from = [inset * ratio, inset * ratio, width * ratio, height * ratio];
  small.getContext("2d").drawImage(el.overlay.canvas, ...from, 0, 0, width, height);
  const overlay = small.getContext("2d").getImageData(0, 0, width, height).data;
  let [far, most] = [0, 0];
  for (let k = 0; k < overlay.length; k += 4) {
    const d = Math.max(...[0, 1, 2].map((c) => Math.abs(overlay[k + c] - plotly[k + c])));
    most = Math.max(most, d);
    if (d > 8) far += 1;
  }
  const type = el.overlay.traces[0].type;
  return { type, far: far / (width * height), most, size: [width, height] };
}""")


@pytest.mark.parametrize("query", ["", "dataset=blobs&classes=3", "dataset=gaussians"])
def test_the_heatmap_on_the_overlay_is_plotlys_picture(page, server_url, query):
    if query:
        page.goto(f"{server_url}/?{query}")
        wait_until_loaded(page)
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("1")
    result = page.evaluate(HEATMAP_DIFFERENCE)
    assert result["type"] == "heatmap" and min(result["size"]) > 200
    assert result["far"] < 0.01, result  # the odd pixel where smoothing rounds differently
    assert result["most"] < 40, result


def test_plotlys_heatmap_is_the_latest_once_training_pauses(page):
    """While training, Plotly's heatmap (for hover values) may lag the overlay's by up to a
    second; once paused they agree."""
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function("() => Number(document.querySelector('#step-count').textContent) >= 100")
    pause(page)  # the page shows the step training stopped at
    # Plotly's copy is replotted once that last frame is drawn (never, if it were left behind).
    page.wait_for_function(
        "() => { const el = document.querySelector('#plot-input');"
        " return JSON.stringify(el.data[0].z) === JSON.stringify(el.overlay.traces[0].z); }"
    )
