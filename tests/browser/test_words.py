"""Words a beginner knows, in the page: the phase captions, the loop's plain numbers, the axis
titles of the picture on screen, and a hint when training goes wrong, in both languages."""

import re

import pytest
from browser_pages import open_page, pause, versioned
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CAPTIONS = {
    "forward": "Forward: the batch went through the layers",
    "loss": "Loss: the loss function compared every prediction with its target",
    "backward": "Backward: backpropagation worked back from the loss",
    "update": "Update: the optimizer moved every weight",
}


def test_phase_step_names_each_phase_and_fills_in_what_it_computes(page):
    caption = page.locator("#loop-caption")
    expect(caption).to_contain_text("Phase step takes one training step a phase at a time")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("1")
    before = page.locator("#loop-prediction").inner_text()

    phase = page.get_by_role("button", name="Phase step")
    phase.click()
    expect(caption).to_contain_text(CAPTIONS["forward"])
    expect(page.locator("#loop-loss")).to_contain_text("loss: comes in the loss phase")
    expect(page.locator("#loop-gradients")).to_contain_text("comes in the backward phase")
    expect(page.locator("#loop-update")).to_contain_text("comes in the update phase")
    # The prediction made by the step's forward pass (the weights have not moved yet).
    expect(page.locator("#loop-prediction")).to_have_text(before)

    phase.click()
    expect(caption).to_contain_text(CAPTIONS["loss"])
    expect(page.locator("#loop-loss")).to_have_text(
        re.compile(r"target [AB]: loss \d\.\d{3}\nall: \d\.\d{3}")
    )
    expect(page.locator("#loop-gradients")).to_contain_text("comes in the backward phase")

    phase.click()
    expect(caption).to_contain_text(CAPTIONS["backward"])
    expect(page.locator("#loop-gradients")).to_have_text(
        re.compile(r"gradient size\nlayer 1: [\d.]+\nlayer 2: [\d.]+\nlayer 3: [\d.]+$")
    )
    expect(page.locator("#loop-update")).to_contain_text("comes in the update phase")

    phase.click()
    expect(caption).to_contain_text(CAPTIONS["update"])
    expect(page.locator("#step-count")).to_have_text("2")
    expect(page.locator("#loop-update")).to_have_text(
        re.compile(r"rate 0\.03 · change\nlayer 1: [\d.]+\nlayer 2: [\d.]+\nlayer 3: [\d.]+$")
    )

    # The next forward pass makes the new weights' prediction: a number that changes.
    phase.click()
    expect(caption).to_contain_text(CAPTIONS["forward"])
    expect(page.locator("#loop-prediction")).not_to_have_text(before)

    page.click("#language-button")
    expect(caption).to_contain_text("순전파: 배치가 층을 하나씩 차례로 지나")
    expect(page.locator("#loop-loss")).to_contain_text("손실 과정에서 계산")


def test_the_loop_shows_plain_decimals_and_names_layers_in_words(page):
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function("() => Number(document.querySelector('#step-count').textContent) >= 100")
    pause(page)
    for _ in range(4):
        page.get_by_role("button", name="Phase step").click()
    expect(page.locator("#loop")).to_have_attribute("data-phase", "update")
    text = page.locator(".loop").inner_text()
    assert "layer 1: " in text and "layer 3: " in text
    assert not re.search(r"\bL\d", text)  # not "L1": that reads as L1 regularisation
    assert not re.search(r"\de[-+]?\d", text), text  # no 1.3e-1
    # Small values keep two significant digits as plain decimals.
    changes = re.findall(r"layer \d: ([\d.]+)", page.locator("#loop-update").inner_text())
    assert len(changes) == 3
    assert all(re.fullmatch(r"\d+\.\d+", c) and float(c) > 0 for c in changes), changes


def test_the_previous_layer_stop_shows_the_previous_layers_axes(page):
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("1")
    title = "([plot, axis]) => document.querySelector(plot)._fullLayout[axis].title.text"

    def axis_titles(plot):
        return [page.evaluate(title, [plot, axis]) for axis in ("xaxis", "yaxis")]

    def wait_for_x_title(plot, want):
        page.wait_for_function(
            "([plot, want]) => document.querySelector(plot)._fullLayout.xaxis.title.text === want",
            arg=[plot, want],
        )

    # Hidden layer 2 (8 neurons, read by the output), after hidden layer 1 (8 neurons, seen
    # along its widest directions).
    own = axis_titles("#layer-plot-2")
    assert re.fullmatch(r"output's direction · (\d+|<1)% of spread", own[0]), own
    assert re.fullmatch(r"widest other · (\d+|<1)%", own[1]), own
    previous = axis_titles("#layer-plot-1")
    assert all("widest" in t for t in previous), previous
    page.get_by_role("button", name="Hidden layer 2: show previous layer").click()
    wait_for_x_title("#layer-plot-2", previous[0])
    assert axis_titles("#layer-plot-2") == previous
    page.get_by_role("button", name="Hidden layer 2: show weighted sums").click()
    wait_for_x_title("#layer-plot-2", own[0])
    # The first hidden layer's previous picture is the input plane: x1 across, x2 up.
    page.get_by_role("button", name="Hidden layer 1: show previous layer").click()
    wait_for_x_title("#layer-plot-1", "x1")
    assert axis_titles("#layer-plot-1") == ["x1", "x2"]


def test_a_swinging_loss_gets_a_hint_in_both_languages(page, server_url):
    open_page(page, server_url, "learning_rate=10")
    page.get_by_role("button", name="Train", exact=True).click()
    message = page.locator("#message")
    expect(message).to_contain_text("Lower the learning rate (try 1)")
    pause(page)
    page.click("#language-button")
    expect(message).to_contain_text("학습률을 낮")
    # A new run starts with no hint.
    page.get_by_role("button", name="초기화", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("0")
    expect(message).to_have_text("")


def test_a_blow_up_says_the_weights_passed_their_limit(page, server_url):
    open_page(page, server_url, "dataset=class-ab&activation=linear&learning_rate=10")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator("#message")).to_contain_text(
        "the weights passed their size limit (1,000,000)"
    )
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_visible()


def test_numbers_read_as_plain_decimals_and_only_the_extremes_in_powers_of_ten(page):
    shown = page.evaluate(
        versioned("""async (values) => {
            const { plain } = await import("/static/js/numbers.js");
            return values.map(plain);
        }"""),
        [12345.6, 123.4, 12.34, 0.1874, 0.013, 0.00421, 0.0000012, 2.34e-16, -0.5, 3.1e12, 0, None],
    )
    assert shown == [
        "12,346",
        "123",
        "12.3",
        "0.187",
        "0.013",
        "0.0042",
        "0.0000012",
        "2.3 × 10⁻¹⁶",
        "-0.500",
        "3.1 × 10¹²",
        "0",
        "–",
    ]
