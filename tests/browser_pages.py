"""Getting the page into a state, for the browser tests (tests/browser)."""

from playwright.sync_api import expect

from app.api.static_files import Assets, page_directory


def wait_until_loaded(page):
    """Wait until the page works (body[data-ready]: its first frame drawn, Train enabled) and
    Plotly.js, which loads after that, has taken over every plot (body[data-plots])."""
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("body[data-plots='ready']")


def open_page(page, server_url, query=""):
    """The app with these settings in its address, once Plotly has drawn its first frame."""
    page.goto(f"{server_url}/?{query}")
    wait_until_loaded(page)


def open_compare(page):
    """Open the Compare view and wait for all seven panels to be drawn."""
    page.click("#compare summary")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.compare-plot')].filter(el => el.data).length === 7",
    )


# The page's static files are served under a version (app/api/static_files.py); the server
# under test reads these same files, so it serves them under this one.
STATIC = f"/static/{Assets(page_directory('static')).version}/"


def versioned(script: str) -> str:
    """A test's script with its imports of the page's modules ("/static/js/...") at the URLs
    the page itself loads them from: the same modules, not second copies."""
    return script.replace('"/static/', f'"{STATIC}')


# The page's session as the server has it now (its step, and whether it is training).
SESSION = "async () => (await fetch(`/api/sessions/${window.layerscope.sessionId()}`)).json()"


def wait_until_stopped(page):
    """After a pause: wait until the server has stopped training and the page shows the step
    it stopped at (the pause's last frame is drawn after the Train button is back, see
    static/js/player.js). Returns that step."""
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_visible()
    page.wait_for_function(f"async () => !(await ({SESSION})()).training", polling=100)
    step = page.evaluate(SESSION)["step"]
    expect(page.locator("#step-count")).to_have_text(str(step))
    return step


def pause(page):
    """Click Pause and wait until the page shows where training stopped; returns that step."""
    page.get_by_role("button", name="Pause", exact=True).click()
    return wait_until_stopped(page)
