"""The lessons, as a learner walks them in a real headless Chromium: each lesson's setup checked
against the config the server answers and the frame it draws, Next and Back, progress kept
across a reload, a link to a lesson, lesson 1's rule tool, and what lessons 4, 6, 7 and 8 say
the screen shows, checked on the screen (or in the frames the page is sent)."""

import math
import re

import pytest
from browser_pages import SESSION, open_page, versioned
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The lessons in order, by their id in static/js/lesson_plan.js and strings/lessons.js.
IDS = ["rules", "map", "depth", "ab", "loop", "history", "algorithms", "data"]

# What each lesson sets up, on top of the server's defaults, written out here rather than read
# from the page: the server must answer with exactly this.
SETUPS = {
    1: {"dataset": "moons", "test_fraction": 0.0, "optimizer": "adam", "learning_rate": 0.03},
    2: {
        "dataset": "class-ab-noisy",
        "hidden_layers": [2],
        "optimizer": "adam",
        "learning_rate": 0.03,
    },
    3: {
        "dataset": "circle",
        "hidden_layers": [8, 6, 2],
        "optimizer": "adam",
        "learning_rate": 0.03,
    },
    4: {"dataset": "class-ab", "features": ["x1", "x2"], "hidden_layers": [], "learning_rate": 0.3},
    5: {"dataset": "class-ab-noisy"},
    6: {"dataset": "circle", "optimizer": "adam", "learning_rate": 0.03},
    7: {
        "dataset": "circle",
        "hidden_layers": [8] * 6,
        "activation": "sigmoid",
        "initialization": "small",
        "optimizer": "sgd",
        "learning_rate": 0.3,
    },
    8: {
        "dataset": "circle",
        "n_points": 20,
        "test_fraction": 0.5,
        "optimizer": "adam",
        "learning_rate": 0.03,
    },
}
# The frame each setup gives: its step, points, test points, and units per layer (inputs first).
FRAMES = {
    1: {"step": 0, "points": 200, "test": 0, "units": [2, 8, 8, 1]},
    2: {"step": 300, "points": 200, "test": 60, "units": [2, 2, 1]},
    3: {"step": 0, "points": 200, "test": 60, "units": [2, 8, 6, 2, 1]},
    4: {"step": 0, "points": 4, "test": 0, "units": [2, 1]},
    5: {"step": 0, "points": 200, "test": 60, "units": [2, 8, 8, 1]},
    6: {"step": 300, "points": 200, "test": 60, "units": [2, 8, 8, 1]},
    7: {"step": 0, "points": 200, "test": 60, "units": [2, 8, 8, 8, 8, 8, 8, 1]},
    8: {"step": 0, "points": 20, "test": 10, "units": [2, 8, 8, 1]},
}
# The part of the page each lesson points at (scrolled into view).
SPOTS = {
    1: "#plot-input",
    2: "#layer-plot-1",
    3: "#layer-plot-3",
    4: "#plot-input",
    5: "#loop",
    6: "#compare",
    7: "#loop-gradients",
    8: "#plot-loss",
}

FRAME_SUMMARY = """() => {
  const f = window.layerscope.frame();
  return {
    step: f.step,
    points: f.data.labels.length,
    test: Array.from(f.data.is_test).filter(Boolean).length,
    units: [2, ...f.layers.slice(1).map((l) => l.units)],
    kinds: f.layers.map((l) => l.kind),
  };
}"""


def options(page):
    return page.evaluate("async () => (await fetch('/api/options')).json()")


def strings(page):
    """The lessons' words, from the page's own table: {"en": {...}, "ko": {...}}."""
    script = 'async () => (await import("/static/js/strings/lessons.js")).default'
    return page.evaluate(versioned(script))


def panel_shows(page, n):
    """Wait until lesson n is open and its setup is done."""
    page.wait_for_selector(f"#lesson-panel[data-lesson='{n}'][data-state='ready']")


def server_config(page):
    return page.evaluate(SESSION)["config"]


def pause(page):
    """Pause with the page's Train button and wait until the page shows where training stopped
    (browser_pages.pause finds the button by its name, which the lesson's own Train shares)."""
    page.click("#train-button")
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "false")
    page.wait_for_function(f"async () => !(await ({SESSION})()).training", polling=100)
    expect(page.locator("#step-count")).to_have_text(str(page.evaluate(SESSION)["step"]))


def step_at_least(page, n):
    page.wait_for_function(
        f"() => Number(document.querySelector('#step-count').textContent) >= {n}"
    )


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_tour_walked_end_to_end(page, server_url, language):
    if language == "ko":
        page.evaluate("localStorage.setItem('layerscope-language', 'ko')")
        open_page(page, server_url)
    words = strings(page)[language]
    defaults = options(page)["defaults"]
    expect(page.locator("#lessons-button")).to_have_text(words["lessons.button"])
    expect(page.locator("#lesson-panel")).to_be_hidden()
    page.click("#lessons-button")
    for n in range(1, 9):
        panel_shows(page, n)
        lesson = IDS[n - 1]
        expect(page.locator("#lesson-title")).to_have_text(words[f"lesson.{lesson}.title"])
        expect(page.locator("#lesson-count")).to_have_text(
            words["lessons.count"].replace("{n}", str(n)).replace("{total}", "8")
        )
        expect(page.locator("#lesson-do")).to_have_text(words[f"lesson.{lesson}.do"])
        assert server_config(page) == {**defaults, **SETUPS[n]}, f"lesson {n}"
        expect(page.locator("#step-count")).to_have_text(str(FRAMES[n]["step"]))
        summary = page.evaluate(FRAME_SUMMARY)
        assert {k: summary[k] for k in FRAMES[n]} == FRAMES[n], f"lesson {n}"
        # The settings form and the address follow the lesson's setup.
        expect(page.locator("#dataset")).to_have_value(SETUPS[n]["dataset"])
        assert f"lesson={n}" in page.url and f"dataset={SETUPS[n]['dataset']}" in page.url
        expect(page.locator(SPOTS[n])).to_be_in_viewport()
        expect(page.locator(f"#lesson-list li:nth-child({n}) button")).to_have_attribute(
            "aria-current", "step"
        )
        if n < 8:
            page.click("#lesson-next")
    expect(page.locator("#lesson-next")).to_be_disabled()
    assert page.locator("#lesson-list button.seen").count() == 8
    page.click("#lesson-back")
    panel_shows(page, 7)
    expect(page.locator("#lesson-title")).to_have_text(words["lesson.algorithms.title"])
    expect(page.locator("#initialization")).to_have_value("small")
    # Lesson 1 is the first: no Back.
    page.click("#lesson-list li:nth-child(1) button")
    panel_shows(page, 1)
    expect(page.locator("#lesson-back")).to_be_disabled()
    # Escape closes the panel, gives the focus back to the Lessons button, and the address no
    # longer names a lesson.
    page.locator("#lesson-panel button").first.focus()
    page.keyboard.press("Escape")
    expect(page.locator("#lesson-panel")).to_be_hidden()
    expect(page.locator("#lessons-button")).to_be_focused()
    expect(page.locator("#lessons-button")).to_have_attribute("aria-expanded", "false")
    assert "lesson=" not in page.url


def test_progress_is_remembered_across_a_reload(page, server_url):
    page.click("#lessons-button")
    panel_shows(page, 1)
    page.click("#lesson-next")
    panel_shows(page, 2)
    page.click("#lesson-next")
    panel_shows(page, 3)
    page.click("#lesson-close")
    assert "lesson=" not in page.url
    open_page(page, server_url)
    expect(page.locator("#lesson-panel")).to_be_hidden()
    page.click("#lessons-button")  # the tour carries on where it was left
    panel_shows(page, 3)
    seen = page.locator("#lesson-list button.seen")
    expect(seen).to_have_count(3)
    assert seen.all_inner_texts() == ["1", "2", "3"]
    # A reload with a lesson open keeps it open (the address names it).
    page.click("#lesson-next")
    panel_shows(page, 4)
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    panel_shows(page, 4)


def test_a_link_opens_a_given_lesson_and_the_address_keeps_it(page, server_url):
    open_page(page, server_url, "lesson=6")
    panel_shows(page, 6)
    expect(page.locator("#lesson-title")).to_have_text("Classical models beside the network")
    assert server_config(page)["dataset"] == "circle"
    # A change of settings writes the address anew: it still names the lesson.
    page.select_option("#dataset", "xor")
    page.wait_for_function("() => window.location.search.includes('dataset=xor')")
    assert "lesson=6" in page.url
    # Browser Back restores the settings and the lesson stays open.
    page.go_back()
    page.wait_for_function("() => window.location.search.includes('dataset=circle')")
    expect(page.locator("#lesson-panel")).to_be_visible()
    # A link to a lesson that does not exist opens none.
    open_page(page, server_url, "lesson=9")
    page.wait_for_timeout(300)
    expect(page.locator("#lesson-panel")).to_be_hidden()


def test_show_me_outlines_the_panel_the_lesson_talks_about(page, server_url):
    open_page(page, server_url, "lesson=5")
    panel_shows(page, 5)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.click("#lesson-show")
    expect(page.locator("#loop")).to_have_class(re.compile(r"\blesson-spot\b"))
    expect(page.locator("#loop")).to_be_in_viewport()


def rule_right(frame, turn, move, swapped):
    """How many training points the rule tool's line gets right, computed here from the frame's
    points: B where n·(x - c) > move·R, n at `turn` degrees, c the plane's middle, R half its
    diagonal; the other way round if swapped."""
    x0, x1 = frame["plane_x"]
    y0, y1 = frame["plane_y"]
    angle = math.radians(turn)
    n = (math.cos(angle), math.sin(angle))
    c = ((x0 + x1) / 2, (y0 + y1) / 2)
    reach = math.hypot(x1 - x0, y1 - y0) / 2
    right = 0
    points = zip(frame["x"], frame["y"], frame["labels"], frame["is_test"], strict=True)
    for x, y, label, test in points:
        if test:
            continue
        says_b = n[0] * (x - c[0]) + n[1] * (y - c[1]) > move * reach
        if swapped:
            says_b = not says_b
        right += int(says_b == (label == 1))
    return right


def test_rule_tool_scores_a_rule_from_the_frames_points(page, server_url):
    open_page(page, server_url, "lesson=1")
    panel_shows(page, 1)
    tool = page.locator(".rule-tool")
    expect(tool).to_be_visible()
    frame = page.evaluate(
        """() => {
          const f = window.layerscope.frame();
          const p = f.layers[0].points;
          return {x: Array.from(p.x), y: Array.from(p.y), labels: Array.from(f.data.labels),
                  is_test: Array.from(f.data.is_test).map(Boolean),
                  plane_x: [f.boundary.x[0], f.boundary.x.at(-1)],
                  plane_y: [f.boundary.y[0], f.boundary.y.at(-1)]};
        }"""
    )
    assert len(frame["x"]) == 200
    set_slider = "([name, value]) => { const s = document.querySelector(`input[name=${name}]`);"
    set_slider += " s.value = value; s.dispatchEvent(new Event('input')); }"
    for turn, move in [(0, 0.0), (30, 0.2), (200, -0.35), (90, 0.9)]:
        page.evaluate(set_slider, ["rule-turn", turn])
        page.evaluate(set_slider, ["rule-move", move])
        right = rule_right(frame, turn, move, swapped=False)
        percent = math.floor(100 * right / 200 + 0.5)  # as JavaScript's Math.round
        expect(tool).to_have_attribute("data-right", str(right))
        expect(tool.locator(".rule-score")).to_have_text(
            f"Your line gets {right} of the 200 training points right ({percent}%)."
        )
    # Swapping the sides turns every right answer wrong and every wrong one right.
    page.evaluate(set_slider, ["rule-turn", 30])
    page.evaluate(set_slider, ["rule-move", 0.2])
    before = rule_right(frame, 30, 0.2, swapped=False)
    page.click(".rule-tool button")
    expect(tool).to_have_attribute("data-right", str(200 - before))
    assert rule_right(frame, 30, 0.2, swapped=True) == 200 - before
    # The rule is also written as a formula.
    expect(tool.locator(".rule-formula")).to_have_text(re.compile(r"^B when .*x1 .*x2 > "))
    # Then the network finds a rule of its own from the same points: all of them right.
    page.click("#lesson-actions [data-action='train']")
    expect(page.locator("#train-accuracy")).to_have_text("100%")
    pause(page)


def test_lesson_4_shows_the_stall_it_describes_and_the_features_that_fix_it(page, server_url):
    open_page(page, server_url, "lesson=4")
    panel_shows(page, 4)
    page.click("#lesson-actions [data-action='train']")
    step_at_least(page, 120)
    pause(page)
    # What the lesson says the screen shows: accuracy 50%, loss 0.693, every P(B) 0.500, and
    # a boundary along x1 + x2 = 3 (through all four points).
    expect(page.locator("#train-accuracy")).to_have_text("50%")
    expect(page.locator("#train-loss")).to_have_text("0.693")
    expect(page.locator("#loop-prediction")).to_contain_text("P(B) = 0.500")
    boundary = page.evaluate(
        "() => { const b = window.layerscope.frame().layers[0].boundary;"
        " return Array.from(b.x).map((x, i) => [x, b.y[i]]).filter(([x, y]) => !isNaN(x)"
        " && x !== null); }"
    )
    assert boundary and all(abs(x + y - 3) < 0.02 for x, y in boundary)
    for trial, feature_title in [("product", "x1·x2"), ("square", "x1²+x2²")]:
        page.click(f"[data-try='{trial}']")
        expect(page.locator(".layer h3").nth(1)).to_contain_text(feature_title)
        expect(page.locator("#train-accuracy")).to_have_text("100%")
        assert server_config(page)["hidden_layers"] == []
        pause(page)
    page.click("[data-try='hidden']")
    expect(page.locator(".layer h3").nth(1)).to_contain_text("Hidden layer 1 · 2 neurons")
    expect(page.locator("#train-accuracy")).to_have_text("100%")
    pause(page)


def test_lesson_6_compare_is_honest_and_its_experiments_reproduce(page, server_url):
    open_page(page, server_url, "lesson=6")
    panel_shows(page, 6)
    expect(page.locator("#compare summary")).to_have_text(
        "Compare: the network beside six classical models"
    )
    page.click("#lesson-actions [data-action='compare']")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.compare-plot')].filter(el => el.data).length === 7"
    )
    scores = re.compile(r"training (\d+)% · test (\d+)%")

    def accuracy(model):
        text = page.locator(f".compare-panel[data-model='{model}'] .compare-scores").inner_text()
        return tuple(int(v) for v in scores.match(text).groups())

    # As the lesson says: on the circle the SVM, the forest and boosting do as well as the
    # network (trained 300 steps), and a line on x1, x2 does not.
    network = accuracy("network")
    assert network[0] == 100
    for model in ("svm", "forest", "boosting"):
        assert accuracy(model)[1] >= network[1] - 3, model
    assert accuracy("logistic")[0] < 70
    # Experiment 1: a γ chosen badly for this dataset.
    page.click("[data-try='gamma']")
    svm = ".compare-panel[data-model='svm']"
    expect(page.locator(f"{svm} input[name='svm_gamma']")).to_have_value("0.01")
    svm_scores = f'document.querySelector("{svm} .compare-scores").textContent'
    page.wait_for_function(f"() => /training [0-5]\\d% /.test({svm_scores})")
    # Experiment 2: a line on the hand-made feature x1²+x2².
    page.click("[data-try='feature']")
    page.wait_for_function("() => window.location.search.includes('hidden_layers=&')")
    expect(page.locator(".compare-panel[data-model='network'] .compare-scores")).to_contain_text(
        "training 100%"
    )
    pause(page)
    assert accuracy("logistic")[0] < 70  # the same points: the classical fits are unchanged


def test_lesson_7_gradients_vanish_towards_the_input_and_the_modern_recipe_trains(page, server_url):
    open_page(page, server_url, "lesson=7")
    panel_shows(page, 7)
    page.click("#lesson-actions [data-action='step']")
    expect(page.locator("#step-count")).to_have_text("1")
    norms = page.evaluate("() => Array.from(window.layerscope.frame().loop.grad_norms)")
    assert len(norms) == 7
    # Layer 7 (the output) about 0.015, then roughly a hundred times less per layer down.
    assert 0.005 < norms[-1] < 0.05
    assert all(lower < upper / 30 for lower, upper in zip(norms, norms[1:], strict=False))
    assert norms[0] < 1e-14
    expect(page.locator("#loop-gradients")).to_contain_text("× 10⁻¹⁶")  # as the lesson writes it
    # The old recipe stalls (the page's frames, 300 steps on).
    frame = page.evaluate(
        "async () => (await fetch(`/api/sessions/${window.layerscope.sessionId()}/step`,"
        " {method: 'POST', headers: {'content-type': 'application/json'},"
        " body: JSON.stringify({steps: 300})})).json()"
    )
    assert frame["metrics"]["train_accuracy"] < 0.6
    page.click("[data-try='modern']")
    expect(page.locator("#activation")).to_have_value("relu")
    expect(page.locator("#initialization")).to_have_value("suited")
    expect(page.locator("#optimizer")).to_have_value("adam")
    expect(page.locator("#train-accuracy")).to_have_text("100%")
    pause(page)


def test_lesson_8_twenty_points_leave_a_gap_that_500_close(page, server_url):
    open_page(page, server_url, "lesson=8")
    panel_shows(page, 8)
    step = (
        "async () => (await fetch(`/api/sessions/${window.layerscope.sessionId()}/step`,"
        " {method: 'POST', headers: {'content-type': 'application/json'},"
        " body: JSON.stringify({steps: 1000})})).json()"
    )
    few = page.evaluate(step)["metrics"]
    assert few["train_accuracy"] == 1.0 and few["test_accuracy"] <= 0.8
    assert few["train_loss"] < 0.01 and few["test_loss"] > 2  # "climbs past 2"
    page.click("[data-try='more']")
    page.wait_for_function("() => window.location.search.includes('n_points=500')")
    pause(page)
    many = page.evaluate(step)["metrics"]
    assert many["test_accuracy"] == 1.0 and many["test_loss"] < 0.05


def test_initialization_setting_round_trips_through_the_address(page, server_url):
    expect(page.locator("#initialization")).to_have_value("suited")
    page.select_option("#initialization", "small")
    page.wait_for_function("() => window.location.search.includes('initialization=small')")
    assert server_config(page)["initialization"] == "small"
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    expect(page.locator("#initialization")).to_have_value("small")
    assert server_config(page)["initialization"] == "small"
    # Its choices are named in Korean too.
    page.click("#language-button")
    expect(page.locator("#initialization option[value='small']")).to_have_text(
        "단순한 작은 값 (표준편차 0.01)"
    )
