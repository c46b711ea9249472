"""Every screen: a phone (390 x 844), laptops (1024 x 768, 1366 x 768) and a desktop
(1440 x 900), in English and in Korean. Nothing runs off the right edge, no two pieces of text
overlap, what a learner needs first is in view at load, a phone can do with a finger what a
desktop does with a mouse, nothing is said only on hover, the page says it is loading until it
works, and nothing jumps when training starts."""

from collections.abc import Iterator

import pytest
from browser_pages import SESSION, STATIC, open_page, wait_until_loaded
from playwright.sync_api import Browser, Page, expect

from app.api.static_files import PLOTLY_PATH

pytestmark = pytest.mark.browser

PHONE = (390, 844)
SCREENS = [PHONE, (1024, 768), (1366, 768), (1440, 900)]
SCREEN_IDS = [f"{w}x{h}" for w, h in SCREENS]


def load(page: Page, size: tuple[int, int], language: str = "en") -> None:
    """The page anew at this window size, in this language."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.evaluate("(language) => localStorage.setItem('layerscope-language', language)", language)
    page.reload()
    wait_until_loaded(page)


# Whatever is drawn past the window's right (or left) edge: the page's scroll width, and every
# element that can be seen whose box crosses an edge (but Plotly's own text-measuring SVG, which
# it keeps far off to the left on purpose).
SIDEWAYS = """() => {
  const width = window.innerWidth;
  const out = [...document.querySelectorAll("body *")].filter((element) => {
    if (element.closest("#js-plotly-tester")) return false;
    if (!element.checkVisibility({ visibilityProperty: true })) return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && (box.right > width + 0.5 || box.left < -0.5);
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    out: out.slice(0, 10).map(
      (e) => `${e.tagName}#${e.id}.${e.getAttribute("class")} ${e.getBoundingClientRect().right}`
    ),
  };
}"""

# Every line of text on the page (in HTML: Plotly's own SVG text is not the page's), as the
# boxes its text nodes take, and the pairs of them from different elements that overlap by more
# than a pixel each way. An element's text may sit inside an element that holds other text
# (nesting): only text boxes are compared, never an element's whole box.
OVERLAPS = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest("svg, script, style, select, option")) continue;
    if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const text = node.textContent.trim().slice(0, 40);
      if (r.width > 0.5 && r.height > 0.5) boxes.push({ element, text, r });
    }
  }
  const pairs = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.element === b.element) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 1 && y > 1) pairs.push([a.text, b.text]);
    }
  }
  return { count: boxes.length, pairs: pairs.slice(0, 10) };
}"""


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", SCREENS, ids=SCREEN_IDS)
def test_nothing_runs_off_the_side_and_no_text_overlaps(page, size, language):
    load(page, size, language)
    sideways = page.evaluate(SIDEWAYS)
    assert sideways["scrollWidth"] <= sideways["width"], sideways
    assert sideways["out"] == [], sideways
    text = page.evaluate(OVERLAPS)
    assert text["count"] > 60  # the page's words were found
    assert text["pairs"] == [], text["pairs"]


# The input plane's plot area and each of its points, in the window's coordinates.
PLANE = """() => {
  const plot = document.querySelector("#plot-input");
  const { xaxis, yaxis } = plot._fullLayout;
  const box = plot.getBoundingClientRect();
  const points = plot.overlay.traces.at(-1);
  const [left, top] = [box.left + xaxis._offset, box.top + yaxis._offset];
  return {
    area: { left, top, right: left + xaxis._length, bottom: top + yaxis._length },
    // l2p counts from the plot area's corner.
    points: Array.from(points.x, (x, i) => [left + xaxis.l2p(x), top + yaxis.l2p(points.y[i])]),
  };
}"""


def in_view(box, width, height) -> bool:
    across = box["left"] >= 0 and box["right"] <= width
    return across and box["top"] >= 0 and box["bottom"] <= height


def edges(box) -> dict:
    """A Playwright bounding box as its four edges."""
    right, bottom = box["x"] + box["width"], box["y"] + box["height"]
    return {"left": box["x"], "top": box["y"], "right": right, "bottom": bottom}


@pytest.mark.parametrize("size", SCREENS[1:], ids=SCREEN_IDS[1:])
def test_train_and_the_whole_input_plane_are_in_view_at_load(page, size):
    load(page, size)
    width, height = size
    assert in_view(edges(page.locator("#train-button").bounding_box()), width, height)
    plane = page.evaluate(PLANE)
    assert in_view(plane["area"], width, height), plane["area"]
    assert len(plane["points"]) == 200
    assert all(0 <= x <= width and 0 <= y <= height for x, y in plane["points"])
    # The training loop's numbers are in view too, beside the plane.
    expect(page.locator("#train-accuracy")).to_be_in_viewport(ratio=1)


def test_on_a_phone_train_is_in_view_and_the_settings_one_tap_away(page):
    load(page, PHONE)
    expect(page.locator("#train-button")).to_be_in_viewport(ratio=1)
    expect(page.locator("#dataset")).to_be_hidden()  # folded away
    settings = page.get_by_role("button", name="Settings", exact=True)
    expect(settings).to_be_in_viewport(ratio=1)
    expect(settings).to_have_attribute("aria-expanded", "false")
    settings.click()
    expect(settings).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#dataset")).to_be_in_viewport(ratio=1)
    # Focus starts in the drawer; the page under it is out of reach until it closes.
    assert page.evaluate("document.activeElement.id") == "settings-heading"
    assert page.evaluate("document.querySelector('main').inert")
    page.select_option("#dataset", "spiral")
    expect(page.locator("#step-count")).to_have_text("0")
    page.keyboard.press("Escape")
    expect(page.locator("#dataset")).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "settings-button"
    assert not page.evaluate("document.querySelector('main').inert")
    assert page.evaluate(SESSION)["config"]["dataset"] == "spiral"
    # The Close button, and the plots stacked at the page's full width.
    settings.click()
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator("#dataset")).to_be_hidden()
    main = page.locator("main").bounding_box()
    for plot in ["#plot-input", ".layers .layer >> nth=0", ".layers .layer >> nth=1"]:
        box = page.locator(plot).bounding_box()
        assert box["width"] > main["width"] - 40, plot


def test_a_wide_window_has_no_settings_button(page):
    expect(page.locator("#settings-button")).to_be_hidden()
    expect(page.locator("#dataset")).to_be_visible()


@pytest.fixture
def phone(browser: Browser, server_url: str) -> Iterator[Page]:
    """The app on a touch screen the size of a phone. Fails the test on a console error."""
    context = browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]}, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_page(page, server_url)
    yield page
    context.close()
    assert errors == []


# Where a spot of the input plane is in the window, for a finger.
SPOT = """([x1, x2]) => {
  const plot = document.querySelector("#plot-input");
  const { xaxis, yaxis } = plot._fullLayout;
  const box = plot.getBoundingClientRect();
  return [box.left + xaxis._offset + xaxis.l2p(x1), box.top + yaxis._offset + yaxis.l2p(x2)];
}"""


def test_a_tap_on_the_input_plane_adds_a_point_on_a_phone(phone):
    count = "() => window.layerscope.frame().data.labels.length"
    before = phone.evaluate(count)
    x, y = phone.evaluate(SPOT, [3.0, 2.0])  # away from the data, and from the mode bar
    phone.touchscreen.tap(x, y)
    phone.wait_for_function(f"() => ({count})() === {before + 1}")
    phone.wait_for_timeout(500)  # a second point would have come by now
    assert phone.evaluate(count) == before + 1  # one tap, one point
    added = phone.evaluate(
        """() => { const frame = window.layerscope.frame(), points = frame.layers[0].points;
                   return [frame.data.labels.at(-1), points.x.at(-1), points.y.at(-1)]; }"""
    )
    assert added[0] == 0  # class A, the one chosen
    assert abs(added[1] - 3.0) < 0.05 and abs(added[2] - 2.0) < 0.05  # where the finger was


def slide_finger(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A finger put down at `start`, moved in ten steps to `end` and lifted."""
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, at: tuple[float, float]) -> None:
        point = {"x": at[0], "y": at[1]}
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [point]})

    touch("touchStart", start)
    for k in range(1, 11):
        touch("touchMove", tuple(a + (b - a) * k / 10 for a, b in zip(start, end, strict=True)))
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_a_swipe_over_a_plot_scrolls_the_page_on_a_phone(phone):
    """Plots fill most of a phone's screen: a finger on one must scroll the page, not zoom it."""
    ranges = "el => [el._fullLayout.xaxis.range, el._fullLayout.yaxis.range]"
    before = phone.eval_on_selector("#plot-input", ranges)
    x, y = phone.evaluate(SPOT, [1.5, 0.0])
    slide_finger(phone, (x, y), (x, y - 250))
    phone.wait_for_function("() => window.scrollY > 100")
    assert phone.eval_on_selector("#plot-input", ranges) == before  # not zoomed


def drag_by_touch(page: Page, selector: str, fraction: float) -> None:
    """A finger on a slider's thumb (at its right end), dragged `fraction` of the way left."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    y = box["y"] + box["height"] / 2
    start = box["x"] + box["width"] - 8
    slide_finger(page, (start, y), (start - fraction * (box["width"] - 16), y))


def test_the_morph_and_timeline_sliders_drag_with_a_finger(phone):
    slider = ".layers .morph input[type=range] >> nth=0"
    assert phone.locator(slider).input_value() == "2"
    caption = phone.locator(".morph-caption").first
    at_the_activation = caption.text_content()
    drag_by_touch(phone, slider, 0.5)
    value = float(phone.locator(slider).input_value())
    assert 0.5 < value < 1.5
    expect(caption).not_to_have_text(at_the_activation)  # the panel shows the weighted sums

    for _ in range(3):
        phone.get_by_role("button", name="Step", exact=True).click()
    expect(phone.locator("#step-count")).to_have_text("3")
    drag_by_touch(phone, "#timeline", 1.0)
    expect(phone.locator("#timeline-label")).to_have_text("looking back · step 0")
    expect(phone.locator("#step-count")).to_have_text("0")


# Every element with a tooltip, except those a click already explains: the network's units
# (a click enlarges a unit and says all its tooltip says), the language button (its words
# are the language's own name) and the Lessons button (a click opens the lessons, which say
# what they are). Plotly's mode bar says its buttons' names in aria-label.
TITLED = """() => [...document.querySelectorAll("[title]")]
  .filter((e) => e.checkVisibility() && !e.closest("#network"))
  .filter((e) => !["language-button", "lessons-button"].includes(e.id))
  .map((e) => e.title)"""


def open_every_help(page):
    for toggle in page.locator(".help-toggle").all():
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")


def help_text(page) -> str:
    return page.evaluate(
        "() => [...document.querySelectorAll('.help-panel')].map((p) => p.textContent).join(' ')"
    )


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_tooltip_can_be_read_with_a_tap_or_a_key(page, language):
    load(page, (1366, 768), language)
    titles = page.evaluate(TITLED)
    assert len(titles) > 25
    # The "?" of the settings, the run buttons, the numbers and the timeline show every
    # tooltip of their group at once; a loop box's "?" its own, under the loop.
    open_every_help(page)
    shown = help_text(page)
    loop_boxes = page.evaluate(
        "() => [...document.querySelectorAll('#loop > li')].map((li) => li.title)"
    )
    assert [t for t in titles if t not in shown and t not in loop_boxes] == []
    for k, title in enumerate(loop_boxes):
        toggle = page.locator("#loop > li").nth(k).locator(".help-toggle")
        toggle.focus()
        page.keyboard.press("Enter")  # from the keyboard
        expect(page.locator("#loop-help")).to_contain_text(title)
        expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#loop > li .help-toggle[aria-expanded=true]")).to_have_count(1)
    # The dynamic ones are as they are now: the scores say accuracy or R², in this language.
    assert page.locator("#train-score").get_attribute("title") in help_text(page)
    # A second press folds a group away.
    toggle = page.locator("#run-buttons .help-toggle")
    toggle.click()
    expect(page.locator("#help-run")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_open_explanations_follow_the_language(page):
    page.locator("fieldset", has=page.locator("#learning_rate")).locator(".help-toggle").click()
    expect(page.locator("#help-training")).to_contain_text("How far each update moves")
    page.click("#language-button")
    expect(page.locator("#help-training")).to_contain_text("학습률")
    expect(page.locator("#help-training")).to_contain_text("가중치를 그레이디언트 반대 방향으로")
    loop_box = page.locator("#loop > li").first.locator(".help-toggle")
    expect(loop_box).to_have_attribute("aria-label", '"입력"의 뜻')


@pytest.mark.parametrize(
    ("language", "words", "input_help"),
    [("en", "Loading…", 'What "Input" means'), ("ko", "불러오는 중…", '"입력"의 뜻')],
)
def test_the_page_says_it_is_loading_until_it_works(page, language, words, input_help):
    """Until its first frame is drawn the page does not work: it says so, in the learner's
    language, and no control of it can be used, by mouse or keyboard (they are disabled); once
    the first frame is drawn, everything is enabled (Plotly.js need not have arrived)."""
    page.evaluate("(language) => localStorage.setItem('layerscope-language', language)", language)
    held = {}  # the first request for the session, and Plotly.js, held back

    def hold(kind):
        def handler(route):
            if kind in held:
                route.continue_()
            else:
                held[kind] = route

        return handler

    sessions = "**/api/sessions**"  # a new session, or the tab's own taken back
    page.route(sessions, hold("session"))
    page.route(f"**{STATIC}{PLOTLY_PATH}", hold("plotly"))
    with page.expect_request(sessions):
        page.reload(wait_until="commit")
    loading = page.locator("#loading")
    expect(loading).to_be_visible()
    expect(loading).to_have_text(words)  # the page's modules have run: one language
    for control in ["#train-button", "#step-button", "#dataset", "#learning_rate", "#timeline"]:
        expect(page.locator(control)).to_be_disabled()
    expect(page.locator("#language-button")).to_be_disabled()
    expect(page.locator("#lessons-button")).to_be_disabled()
    expect(page.locator("main")).to_have_attribute("aria-busy", "true")
    for toggle in page.locator(".help-toggle").all():
        expect(toggle).to_be_disabled()
    # The loop boxes' "?", made as the page loads, is named in the remembered language.
    input_toggle = page.locator("#loop > li").first.locator(".help-toggle")
    expect(input_toggle).to_have_attribute("aria-label", input_help)
    page.keyboard.press(" ")  # Space would start training on a working page
    assert page.evaluate("document.body.dataset.ready") is None

    held["session"].continue_()
    page.wait_for_selector("body[data-ready='true']")
    expect(loading).to_be_hidden()
    assert page.get_attribute("body", "data-plots") is None  # Plotly.js is still held back
    expect(page.locator("#step-count")).to_have_text("0")  # Space pressed while loading did nothing
    enabled = ["#train-button", "#step-button", "#dataset", "#timeline", "#language-button"]
    for control in [*enabled, "#lessons-button"]:
        expect(page.locator(control)).to_be_enabled()
    for toggle in page.locator(".help-toggle").all():
        expect(toggle).to_be_enabled()
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    # Controls the settings disable for reasons of their own stay disabled.
    expect(page.locator("#regularization_rate")).to_be_disabled()
    held["plotly"].continue_()
    page.wait_for_selector("body[data-plots='ready']")


# Where the parts of the page are: the cards, the loop's boxes and numbers, the timeline.
PLACES = """() => [
  ...document.querySelectorAll("main > *, #loop > li, #stats > div, #timeline-row, #layers > *")
].map((e) => {
  const b = e.getBoundingClientRect();
  return [e.tagName, e.id, e.className, b.top + scrollY, b.left, b.height, b.width];
})"""


@pytest.mark.parametrize(
    ("size", "language"),
    [(size, "en") for size in SCREENS] + [(PHONE, "ko"), ((1024, 768), "ko")],
    ids=[f"{i}-en" for i in SCREEN_IDS] + ["390x844-ko", "1024x768-ko"],
)
def test_nothing_moves_when_training_starts(page, size, language):
    load(page, size, language)
    before = page.evaluate(PLACES)
    page.click("#train-button")
    # The first gradients are in the loop's boxes, and a few frames more have been drawn.
    page.wait_for_function("() => window.layerscope.frame().loop.grad_norms !== null")
    page.wait_for_function("() => Number(document.querySelector('#step-count').textContent) >= 30")
    page.click("#train-button")  # Pause, in either language
    page.wait_for_function(f"async () => !(await ({SESSION})()).training", polling=100)
    step = page.evaluate(SESSION)["step"]
    expect(page.locator("#step-count")).to_have_text(str(step))
    after = page.evaluate(PLACES)
    moved = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert moved == [], "\n".join(f"{b} -> {a}" for b, a in moved)


def test_the_carried_boundary_is_drawn_dashed(page):
    """Along the decision boundary in the first hidden layer's panel, the canvas has ink and gaps
    in turn. It comes as short two-point pieces; drawn each on its own, every piece would be
    shorter than one dash and the line solid."""
    samples = page.evaluate(
        """() => {
          const plot = document.querySelector("#layer-plot-1");
          const { xaxis, yaxis } = plot._fullLayout;
          const boundary = plot.overlay.shown
            .find((t) => t.mode === "lines" && t.line.dash === "dash");
          const canvas = plot.querySelector("canvas.plot-overlay");
          const ratio = canvas.width / canvas.getBoundingClientRect().width;
          const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
          const inked = (x, y) => {
            const at = (Math.round(y * ratio) * canvas.width + Math.round(x * ratio)) * 4;
            const [r, g, b, a] = pixels.data.slice(at, at + 4);
            return a > 128 && r < 110 && g < 110 && b < 110;  // the boundary's near-black
          };
          const seen = [];
          const { x, y } = boundary;
          for (let k = 0; k + 1 < x.length; k++) {
            if (![x[k], y[k], x[k + 1], y[k + 1]].every(Number.isFinite)) continue;
            const [x0, y0] = [xaxis.l2p(x[k]), yaxis.l2p(y[k])];
            const [x1, y1] = [xaxis.l2p(x[k + 1]), yaxis.l2p(y[k + 1])];
            const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2);
            for (let s = 0; s < steps; s++) {
              seen.push(inked(x0 + (x1 - x0) * s / steps, y0 + (y1 - y0) * s / steps));
            }
          }
          return seen;
        }"""
    )
    assert len(samples) > 200  # a boundary a few hundred pixels long
    ink = sum(samples) / len(samples)
    assert 0.3 < ink < 0.75, ink  # dashes and gaps, about half and half; solid would be ~1


def test_the_plots_use_the_pages_fonts_korean_ones_included(page):
    family = page.eval_on_selector("#plot-input", "el => el._fullLayout.font.family")
    assert "Malgun Gothic" in family and "Noto Sans CJK KR" in family


def test_a_tapped_unit_says_the_weights_coming_into_it(page, server_url):
    open_page(page, server_url, "hidden_layers=3")
    page.locator("#network").scroll_into_view_if_needed()
    page.get_by_role("button", name="Output P(B)", exact=True).click()
    weights = page.evaluate(
        "() => window.layerscope.frame().network.weights[1].map((row) => Array.from(row))"
    )
    dialog = page.locator("#neuron-dialog")
    expect(dialog).to_contain_text("Its weights in: from Hidden layer 1, neuron 1 ")
    for row in weights:
        expect(dialog).to_contain_text(f"{row[0]:.3f}")
    expect(dialog).to_contain_text("(light)")


@pytest.mark.parametrize(
    "size", [PHONE, (1024, 768), (1366, 768)], ids=["390x844", "1024x768", "1366x768"]
)
def test_an_open_lesson_leaves_no_sideways_scroll_and_the_drawer_covers_it(page, server_url, size):
    """The lessons' panel: a sheet over the bottom of a narrow window, a column at the right of
    a wide one (the page making room for it). Either way nothing runs off the side; on a phone
    the settings drawer opens over the sheet, which is out of reach until the drawer closes."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, server_url, "lesson=2")
    expect(page.locator("#lesson-panel")).to_be_visible()
    sideways = page.evaluate(SIDEWAYS)
    assert sideways["scrollWidth"] <= sideways["width"], sideways
    assert sideways["out"] == [], sideways
    if size != PHONE:
        return  # (a lesson scrolls to the panel it talks about; its own buttons say what to do)
    # On a phone the run buttons stay at the top while the lesson scrolls the page.
    expect(page.locator("#train-button")).to_be_in_viewport(ratio=1)
    page.click("#settings-button")
    sheet = page.locator("#lesson-panel").bounding_box()
    x, y = sheet["x"] + 20, sheet["y"] + sheet["height"] / 2
    on_top = page.evaluate(
        f"() => document.elementFromPoint({x}, {y}).closest('#settings') !== null"
    )
    assert on_top
    assert page.evaluate("document.querySelector('#lesson-panel').inert")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.querySelector('#lesson-panel').inert")
