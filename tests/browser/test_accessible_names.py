"""What a screen reader says: every control on the page has a name, in English and in Korean."""

import re

import pytest
from browser_pages import open_compare, open_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# A control's line in Playwright's ARIA snapshot, e.g. `- button "Step"` or, when the name has a
# colon, `- 'combobox "Hidden layer 1: how to show it"':`; without a name, just `- button`.
CONTROL = re.compile(
    r"""^\s*- '?(button|checkbox|radio|combobox|slider|spinbutton|textbox|switch)"""
    r"""(?: "(.*?)")?(?=['\s:\[]|$)"""
)
# Names that are the same in both languages on purpose: the input features' formulas.
SAME_IN_BOTH = {"x1", "x2", "x1²", "x2²", "x1·x2", "x1²+x2²", "sin x1", "sin x2", "β1", "β2"}
# (role, English name, Korean name): labels that are not the text of the element itself.
LABELS = [
    ("complementary", "Settings", "설정"),
    ("radiogroup", "Class of new points", "새 점의 클래스"),
    ("group", "Inputs", "입력"),
    ("button", "Remove a hidden layer", "은닉층 하나 빼기"),
    ("button", "Add a hidden layer", "은닉층 하나 더하기"),
    ("combobox", "Regularisation rate", "규제 강도"),
    ("list", "The training loop", "학습 루프"),
    ("list", "Legend", "범례"),
    ("group", "Network diagram", "신경망 그림"),
    ("checkbox", "large text (projector)", "큰 글씨 (프로젝터)"),
    ("combobox", "Hidden layer 1: how to show it", "은닉층 1: 보여 주는 방법"),
    ("button", "Reset axes", "축 초기화"),
    ("spinbutton", "trees", "트리 수"),
]


def control_names(page):
    """(role, accessible name) of every control on the page, in page order ('' if unnamed)."""
    lines = page.locator("body").aria_snapshot().splitlines()
    return [(m[1], m[2] or "") for line in lines if (m := CONTROL.match(line))]


def open_everything(page, server_url):
    """A wide layer (with its projection menus and morph slider) and the Compare view open."""
    open_page(page, server_url, "hidden_layers=4,3")
    open_compare(page)


def test_every_control_has_a_name_in_both_languages(page, server_url):
    open_everything(page, server_url)
    english = control_names(page)
    assert len(english) > 100
    assert [c for c in english if not c[1]] == []

    page.click("#language-button")
    expect(page.get_by_role("button", name="English")).to_be_visible()  # the language switch
    expect(page.locator("#plot-loss").get_by_role("button", name="축 초기화")).to_have_count(1)
    korean = control_names(page)
    assert [c for c in korean if not c[1]] == []
    assert [role for role, _ in korean] == [role for role, _ in english]
    untranslated = {en for (_, en), (_, ko) in zip(english, korean, strict=True) if en == ko}
    assert untranslated <= SAME_IN_BOTH


@pytest.mark.parametrize("language", ["en", "ko"])
def test_labels_that_are_not_text_are_in_the_page_language(page, server_url, language):
    open_everything(page, server_url)
    if language == "ko":
        page.click("#language-button")
    expect(
        page.get_by_role("button", name="English" if language == "ko" else "한국어")
    ).to_be_visible()
    for role, english, korean in LABELS:
        name = korean if language == "ko" else english
        expect(page.get_by_role(role, name=name, exact=True).first).to_be_attached()


def test_the_network_diagram_is_renamed_while_out_of_sight(page):
    """Out of sight the diagram is not redrawn, but its units' names follow the language."""
    page.locator("#network").scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="Input x1", exact=True)).to_be_attached()
    page.evaluate("() => window.scrollTo(0, 0)")
    expect(page.locator("#network")).not_to_be_in_viewport()
    # Two frames on: the diagram's IntersectionObserver has been told it went out of sight.
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    page.click("#language-button")
    expect(page.get_by_role("button", name="입력 x1", exact=True)).to_be_attached()
    expect(page.get_by_role("button", name="은닉층 2, 뉴런 8", exact=True)).to_be_attached()
