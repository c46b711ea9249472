"""Getting the page into a state, for the browser tests (tests/browser)."""


def open_page(page, server_url, query=""):
    """The app with these settings in its address, once its first frame is drawn."""
    page.goto(f"{server_url}/?{query}")
    page.wait_for_selector("body[data-ready='true']", timeout=15_000)


def open_compare(page):
    """Open the Compare view and wait for all seven panels to be drawn."""
    page.click("#compare summary")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.compare-plot')].filter(el => el.data).length === 7",
        timeout=20_000,
    )
