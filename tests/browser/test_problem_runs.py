"""Multi-class and regression runs in a real headless Chromium: each trains and renders."""

import pytest
from browser_pages import pause, wait_until_loaded
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FAST = "optimizer=adam&learning_rate=0.03&steps_per_frame=20"


def open_run(page, server_url, query):
    page.goto(f"{server_url}/?{query}&{FAST}")
    wait_until_loaded(page)


def train_until(page, condition):
    """Train, wait until the JS condition holds, then pause (and wait for the last frame)."""
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(condition)
    pause(page)


def look_at(page, selector):
    """Scroll a panel into view: panels out of sight are redrawn only when seen. What is read
    from a panel afterwards is waited for: it is drawn at the next frame after it is seen."""
    page.locator(selector).scroll_into_view_if_needed()


def input_traces(page):
    """The input plane's traces: Plotly's (the heatmap), then its canvas overlay's (lines and
    points, the points last)."""
    return page.eval_on_selector(
        "#plot-input",
        "el => [...el.data, ...el.overlay.traces].map(t => ({type: t.type, z: t.z,"
        " colorscale: t.colorscale, showscale: t.showscale, marker: t.marker}))",
    )


@pytest.mark.expects_http_errors  # the click on the plane is refused (422) on purpose
def test_multiclass_run_trains_and_renders(page, server_url):
    open_run(page, server_url, "dataset=blobs&classes=4&hidden_layers=8,2")
    expect(page.locator("#classes-row")).to_be_visible()
    expect(page.locator("#classes")).to_have_value("4")
    expect(page.locator("#input-title")).to_have_text("Input plane and each class's region")
    expect(page.locator("#input-legend")).to_contain_text("class D")
    train_until(
        page,
        "() => parseInt(document.querySelector('#train-accuracy').textContent) >= 90",
    )
    heatmap = input_traces(page)[0]
    assert heatmap["type"] == "heatmap" and len(heatmap["colorscale"]) == 8  # 4 class bands
    bands = {int(v * 4) for row in heatmap["z"] for v in row}
    assert bands == {0, 1, 2, 3}  # every class has a region on the map
    points = input_traces(page)[-1]["marker"]["color"]
    assert len(set(points)) == 4  # points coloured by their class
    # The output panel: the class probabilities, in a triangle... here a square of 4 corners.
    look_at(page, "#layers .layer:last-child")
    output = page.locator(".layer").last
    expect(output.locator("h3")).to_contain_text("4 neurons · softmax")
    expect(output.locator(".note")).to_contain_text("class probabilities")
    corners = page.eval_on_selector(
        "#layers .layer:last-child .layer-plot", "el => el.data.find(t => t.mode === 'text').text"
    )
    assert corners == ["A", "B", "C", "D"]
    # The last hidden layer draws where two classes tie, and the network has 4 output units.
    look_at(page, "#layer-plot-2")
    page.wait_for_function(
        "() => document.querySelector('#layer-plot-2').overlay.traces"
        ".filter(t => t.name === 'tie lines').length === 1"
    )
    look_at(page, "#network")
    expect(page.locator("#network canvas.unit")).to_have_count(2 + 8 + 2 + 4)
    expect(page.locator("#loop-prediction")).to_contain_text("class ")
    expect(page.locator("#loop-loss")).to_contain_text("−log P")
    look_at(page, "#plot-input")
    # Hard boundary: each cell shows its class at one strength.
    page.check("#discretize")
    page.wait_for_function(
        "() => new Set(document.querySelector('#plot-input').data[0].z.flatMap(row => [...row]))"
        ".size === 4"
    )
    # Points by hand are two-class: the page says so and keeps the run.
    expect(page.locator("#own-points-off")).to_be_visible()
    expect(page.locator("#clear-points")).to_be_disabled()
    plane = page.locator("#plot-input .nsewdrag").first
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#message")).to_contain_text("two-class dataset")
    # Five classes: the control reshapes the network.
    page.select_option("#classes", "5")
    look_at(page, "#network")
    expect(page.locator("#network canvas.unit")).to_have_count(2 + 8 + 2 + 5)
    expect(page.locator("#step-count")).to_have_text("0")
    assert "classes=5" in page.url


def test_regression_run_trains_and_renders(page, server_url):
    open_run(page, server_url, "dataset=gaussians&hidden_layers=8,2")
    expect(page.locator("#classes-row")).to_be_hidden()
    expect(page.locator("#train-score dt")).to_have_text("Training R²")
    expect(page.locator("#input-title")).to_have_text("Input plane and the predicted surface")
    expect(page.locator("#input-legend")).to_contain_text("their true value")
    train_until(
        page, "() => parseFloat(document.querySelector('#train-accuracy').textContent) > 0.8"
    )
    traces = input_traces(page)
    heatmap, points = traces[0], traces[-1]
    # The colour scale of predicted values, with its ends, in the legend beside the plane.
    expect(page.locator("#input-legend .swatch.wide")).to_have_count(1)
    low, high = (
        float(v)
        for v in page.locator("#input-legend li", has=page.locator(".wide"))
        .text_content()
        .split(" · ")[0]
        .split()
    )
    assert low < -0.3 and high > 0.3
    values = [v for row in heatmap["z"] for v in row]
    assert min(values) < -0.3 and max(values) > 0.3  # the bumps, up and down
    # Points coloured by their value on the same scale as the surface.
    assert points["marker"]["colorscale"] == heatmap["colorscale"]
    assert isinstance(points["marker"]["color"][0], float)
    # The output panel: prediction against the true value, near the diagonal once trained.
    look_at(page, "#layers .layer:last-child")
    output = page.locator(".layer").last
    expect(output.locator(".note")).to_contain_text("prediction across, true value up")
    page.wait_for_function(  # the mean distance from the diagonal, once the panel is redrawn
        """() => {
          const panel = document.querySelector("#layers .layer:last-child .layer-plot");
          const p = panel.overlay.traces.at(-1);
          const errors = Array.from(p.x, (x, i) => Math.abs(x - p.y[i]));
          return errors.length > 0 && errors.reduce((a, b) => a + b) / errors.length < 0.2;
        }"""
    )
    # The last hidden layer (2 neurons): straight lines of equal prediction.
    look_at(page, "#layer-plot-2")
    page.wait_for_function(
        "() => document.querySelector('#layer-plot-2').overlay.traces"
        ".filter(t => (t.name || '').startsWith('prediction =')).length === 5"
    )
    expect(page.locator("#loop-prediction")).to_contain_text("predicts")
    look_at(page, "#plot-input")
    # Hard boundary for a value: a few bands instead of a smooth surface.
    page.check("#discretize")
    page.wait_for_function(
        "() => new Set(document.querySelector('#plot-input').data[0].z.flatMap(row => [...row]))"
        ".size <= 8"
    )
    # Back to two classes: the page's words come back.
    page.select_option("#dataset", "xor")
    expect(page.locator("#train-score dt")).to_have_text("Training accuracy")
    expect(page.locator("#input-title")).to_have_text("Input plane and decision boundary")
    expect(page.locator("#input-legend")).to_contain_text("P(B)")
