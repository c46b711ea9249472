"""The page in English and Korean: the header toggle, the remembered choice, every static string."""

import pytest
from browser_pages import wait_until_loaded
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Texts that are the same in both languages on purpose (symbols and names, not words).
SAME_IN_BOTH = {"x1", "x2", "β1", "β2", "LayerScope"}


def legend(page, index):
    return page.locator(".controls legend").nth(index)


def reload(page):
    page.reload()
    wait_until_loaded(page)


def test_toggle_switches_the_page_to_korean(page):
    button = page.locator("#language-button")
    expect(button).to_have_text("한국어")
    assert page.evaluate("document.documentElement.lang") == "en"

    button.click()
    assert page.evaluate("document.documentElement.lang") == "ko"
    expect(button).to_have_text("English")
    expect(legend(page, 0)).to_have_text("데이터")
    expect(
        page.locator("fieldset", has=page.locator("#learning_rate")).locator("legend")
    ).to_have_text("학습")
    expect(page.locator("#step-button")).to_have_text("한 단계")
    expect(page.locator("#step-button")).to_have_attribute(
        "title", "학습 한 단계: 예측하고, 손실을 재고, 역전파하고, 가중치를 갱신합니다."
    )
    learning_rate = page.locator("label[for='learning_rate']")
    expect(learning_rate).to_have_text("학습률")
    expect(learning_rate).to_have_attribute(
        "title",
        "한 번 갱신할 때 가중치를 그레이디언트 반대 방향으로 얼마나 옮길지. "
        "너무 크면 손실이 폭발합니다.",
    )
    # A label that wraps its input keeps the input: only the words were translated.
    expect(page.locator("label.check", has=page.locator("#show-test"))).to_have_text(
        "테스트 점 보기"
    )
    expect(page.locator("#show-test")).to_be_checked()
    expect(page.locator("#input-title")).to_have_text("입력 평면과 결정 경계")
    assert page.title().startswith("LayerScope: 신경망")


def test_the_choice_is_remembered_and_toggles_back(page):
    page.click("#language-button")
    expect(page.locator("#step-button")).to_have_text("한 단계")

    reload(page)
    assert page.evaluate("document.documentElement.lang") == "ko"
    expect(page.locator("#language-button")).to_have_text("English")
    expect(legend(page, 0)).to_have_text("데이터")
    expect(page.locator("#step-button")).to_have_text("한 단계")

    page.click("#language-button")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator("#language-button")).to_have_text("한국어")
    expect(legend(page, 0)).to_have_text("Data")
    expect(page.locator("#step-button")).to_have_text("Step")
    expect(page.locator("label[for='learning_rate']")).to_have_attribute(
        "title",
        "How far each update moves the weights against their gradient. "
        "Too large and the loss explodes.",
    )

    reload(page)
    expect(page.locator("#step-button")).to_have_text("Step")


def test_a_korean_page_still_trains(page):
    page.click("#language-button")
    expect(page.locator("#step-button")).to_have_text("한 단계")
    # Words the scripts write change too: the panels' notes (sent by the server as phrases),
    # the Train button, the timeline, the loop, the choices in the settings, the loss plot.
    expect(page.locator(".layer .note").nth(1)).to_contain_text("주성분")
    expect(page.locator("#train-button")).to_have_text("학습")
    expect(page.locator("#timeline-label")).to_contain_text("실시간")
    expect(page.locator("#loop-batch")).to_contain_text("학습 점")
    expect(page.locator("#dataset option[value='spiral']")).to_have_text("나선")
    legend = page.eval_on_selector("#plot-loss", "el => el.data.map(t => t.name)")
    assert legend == ["학습 손실", "테스트 손실"]
    page.click("#train-button")
    page.wait_for_function("() => Number(document.querySelector('#step-count').textContent) > 0")
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "true")
    page.click("#train-button")
    expect(page.locator("#train-button")).to_have_attribute("aria-pressed", "false")


def test_every_string_on_the_page_has_korean(page):
    """Every data-i18n text and data-i18n-title tooltip changes when Korean is chosen: none falls
    back to its raw key (missing in both tables) or stays English (missing in the Korean one)."""
    collect = """() => [
        ...[...document.querySelectorAll('[data-i18n]')]
            .map(e => ['text', e.dataset.i18n, e.textContent]),
        ...[...document.querySelectorAll('[data-i18n-title]')]
            .map(e => ['title', e.dataset.i18nTitle, e.title]),
    ]"""
    english = page.evaluate(collect)
    assert len(english) > 90
    page.click("#language-button")
    korean = page.evaluate(collect)
    assert [(kind, key) for kind, key, _ in korean] == [(kind, key) for kind, key, _ in english]

    fell_back = [key for kind, key, text in english + korean if text == key]
    assert not fell_back, f"raw keys shown: {fell_back}"
    untranslated = [
        (kind, key, before)
        for (kind, key, before), (_, _, after) in zip(english, korean, strict=True)
        if before == after and before not in SAME_IN_BOTH
    ]
    assert not untranslated, f"still English in Korean mode: {untranslated}"
