"""Getting the page into a state, for the browser tests (tests/browser)."""

from app.api.static_files import Assets, page_directory


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


# The page's static files are served under a version (app/api/static_files.py); the server
# under test reads these same files, so it serves them under this one.
STATIC = f"/static/{Assets(page_directory('static')).version}/"


def versioned(script: str) -> str:
    """A test's script with its imports of the page's modules ("/static/js/...") at the URLs
    the page itself loads them from: the same modules, not second copies."""
    return script.replace('"/static/', f'"{STATIC}')
