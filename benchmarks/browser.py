"""How the page loads and how fast it draws, in headless Chromium.

Loading: the bytes on the wire and the times on a first visit (an empty browser cache) and a
second one (a new tab of the same browser later), on 127.0.0.1 and through an emulated share of
a school's Wi-Fi: to the first picture (the first frame drawn, before Plotly.js has run), to a
working page (Train enabled: body[data-ready='true'], seen at the next animation frame) and to
Plotly's plots (every plot handed over to Plotly: body[data-plots='ready']). Drawing: while
training the default network (2-8-8-1 tanh, default data) with every panel on screen, frames
drawn per second and the time per render (median and 90th percentile), as the page itself
measures them (window.layerscope.renderStats).

    python benchmarks/browser.py            # loading, then 20 s of drawing per server
    python benchmarks/browser.py --quick    # loading once, 5 s of drawing (CI: never fails)
    python benchmarks/browser.py --load     # loading only

The page asks for the next frame as soon as it has the last one (while drawing it), and the
server trains the steps due since the last poll: the frames drawn a second are what the page
and the server together can do. The full run exits with status 1 when the page draws fewer
than 20 frames a second, has two polls in flight at once, or leaves a panel off screen, or a
first visit takes 1.7 MB or more, or a second visit 50 KB or more of static files, or Train is
enabled later than 0.8 s after the navigation on 127.0.0.1 (either visit).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import yardstick  # noqa: E402
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, running_server  # noqa: E402
from benchmarks.table import print_table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1440, "height": 1900}  # tall enough for every panel and the diagram
PHONE = {"width": 390, "height": 844}  # the phone layout: panels out of sight are not redrawn
TARGET_FPS = 20.0
SERVE = ("-m", "app.cli", "--port")  # the `layerscope` command, on a free port
# Everything the page must have on screen while it is measured.
PANELS = "#plot-input, #plot-loss, .layer-plot, #network canvas"
ON_SCREEN = f"""() => [...document.querySelectorAll('{PANELS}')].map((el) => {{
  const r = el.getBoundingClientRect();
  const inside = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
  return r.width > 0 && inside;
}})"""
SNAPSHOT = """() => ({
  now: performance.now(),
  frames: layerscope.renderStats.frames,
  recent: [...layerscope.renderStats.recentMs],
  step: Number(document.getElementById('step-count').textContent),
})"""


class InFlight:
    """Polls under way at once, from the browser's own request events."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0

    def watch(self, page) -> None:
        frame = lambda request: request.url.split("?")[0].endswith("/advance")  # noqa: E731
        page.on("request", lambda r: frame(r) and self.started())
        page.on("requestfinished", lambda r: frame(r) and self.ended())
        page.on("requestfailed", lambda r: frame(r) and self.ended())

    def started(self) -> None:
        self.now += 1
        self.most = max(self.most, self.now)

    def ended(self) -> None:
        self.now -= 1


def measure(browser, url: str, seconds: float, warmup: float, viewport: dict) -> dict:
    """Train on a fresh page and count what it draws over `seconds`, after `warmup`."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        in_flight = InFlight()
        in_flight.watch(page)
        page.goto(url)
        # Drawing as it is once Plotly has every plot, not while Plotly.js runs and takes over.
        page.wait_for_selector("body[data-plots='ready']", timeout=30_000)
        page.click("#train-button")
        page.wait_for_timeout(warmup * 1000)
        on_screen = page.evaluate(ON_SCREEN)
        before = page.evaluate(SNAPSHOT)
        page.wait_for_timeout(seconds * 1000)
        after = page.evaluate(SNAPSHOT)
        page.click("#train-button")
    finally:
        context.close()
    frames = after["frames"] - before["frames"]
    elapsed = (after["now"] - before["now"]) / 1000
    times = after["recent"][-frames:] if frames else [0.0]
    return {
        "fps": frames / elapsed,
        "steps": (after["step"] - before["step"]) / elapsed,
        "median": statistics.median(times),
        "p90": statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0],
        "in_flight": in_flight.most,
        "panels": f"{sum(on_screen)}/{len(on_screen)}",
    }


# An emulated share of a school's Wi-Fi for one laptop: 10 Mbit/s each way, 40 ms round trip.
WIFI = {
    "offline": False,
    "latency": 40,
    "downloadThroughput": 10e6 / 8,
    "uploadThroughput": 10e6 / 8,
}
FIRST_VISIT_BYTES = 1_700_000  # targets of issue 18
READY_MS = 800  # issue 17's: Train enabled within 0.8 s of the navigation, on 127.0.0.1
SECOND_VISIT_STATIC_BYTES = 50_000
# Timed in the page, from its start: the first animation frame after the body says it is ready
# (Train enabled) and after it says Plotly has every plot. Waiting for them from here would time
# our own polling, which a long task on the page's main thread (running Plotly) can hold back.
WATCH = """
window.benchmarkTimes = {};
new MutationObserver(() => {
  const body = document.body.dataset;
  const seen = { ready: body.ready === "true", plots: body.plots === "ready" };
  for (const [name, yes] of Object.entries(seen)) {
    if (yes && !(name in benchmarkTimes)) {
      benchmarkTimes[name] = null;
      requestAnimationFrame(() => { benchmarkTimes[name] = performance.now(); });
    }
  }
}).observe(document, {
  subtree: true, attributes: true, attributeFilter: ["data-ready", "data-plots"],
});
"""
PLOTS = "() => window.benchmarkTimes?.plots"
TIMES = """() => ({
  first: performance.getEntriesByName('layerscope:first-picture')[0].startTime,
  ms: benchmarkTimes.ready,
  plots: benchmarkTimes.plots,
})"""


class Transfers:
    """Bytes on the wire for each request, headers included, from Chromium's own network events
    (the DevTools protocol): an answer from the browser's cache costs nothing."""

    def __init__(self, cdp) -> None:
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.loadingFinished", self.finished)

    def sent(self, event: dict) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def finished(self, event: dict) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def totals(self) -> dict:
        """Bytes and requests that reached the server, for the API and for the rest (the page,
        its static files and Plotly.js)."""
        api = [n for key, n in self.sizes.items() if "/api/" in self.urls.get(key, "")]
        static = [n for key, n in self.sizes.items() if "/api/" not in self.urls.get(key, "")]
        return {
            "static": sum(static),
            "static_requests": sum(1 for n in static if n > 0),
            "api": sum(api),
        }


def visit(context, url: str, network: dict | None) -> dict:
    """Open the page in a new tab of ``context`` and wait until Plotly has every plot: the
    milliseconds from the navigation's start to the first picture, to Train enabled and to
    Plotly's plots, and what went over the wire until then."""
    page = context.new_page()
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if network:
            cdp.send("Network.emulateNetworkConditions", network)
        transfers = Transfers(cdp)
        page.add_init_script(WATCH)
        page.goto(url)
        page.wait_for_function(PLOTS, timeout=60_000)
        times = page.evaluate(TIMES)
        page.wait_for_timeout(300)  # the last network events reach us
        return {**times, **transfers.totals()}
    finally:
        page.close()


def load(browser, url: str, network: dict | None, repeats: int) -> dict:
    """First and second visits in ``repeats`` fresh browsers (contexts): the median time, and
    the bytes (the same each time). A throwaway visit first, as by another student: the server
    compresses each file at its first request, once."""
    warm = browser.new_context(viewport=VIEWPORT)
    visit(warm, url, None)
    warm.close()
    first, second = [], []
    for _ in range(repeats):
        context = browser.new_context(viewport=VIEWPORT)
        try:
            first.append(visit(context, url, network))
            second.append(visit(context, url, network))
        finally:
            context.close()
    return {"first": _median_visit(first), "second": _median_visit(second)}


def _median_visit(visits: list[dict]) -> dict:
    times = {key: statistics.median(v[key] for v in visits) for key in ("first", "ms", "plots")}
    return {**visits[-1], **times}


def measure_loading(browser, url: str, repeats: int) -> tuple[list[list], bool, bool]:
    """The loading table's rows, whether the byte targets are met, and whether the page was
    ready in time on 127.0.0.1 on both visits."""
    rows = []
    met = True
    ready = True
    for name, network in [("127.0.0.1", None), ("Wi-Fi share", WIFI)]:
        result = load(browser, url, network, repeats)
        for which in ("first", "second"):
            r = result[which]
            rows.append(
                [
                    f"{which} visit, {name}",
                    f"{(r['static'] + r['api']) / 1000:.1f}",
                    f"{r['static'] / 1000:.1f}",
                    r["static_requests"],
                    f"{r['api'] / 1000:.1f}",
                    f"{r['first']:.0f}",
                    f"{r['ms']:.0f}",
                    f"{r['plots']:.0f}",
                ]
            )
        first, second = result["first"], result["second"]
        if network is None:
            ready = first["ms"] <= READY_MS and second["ms"] <= READY_MS
        met = met and first["static"] + first["api"] < FIRST_VISIT_BYTES
        met = met and second["static"] < SECOND_VISIT_STATIC_BYTES
    return rows, met, ready


def main_loading(browser, repeats: int) -> bool:
    with running_server(*SERVE) as (_, port):
        rows, met, ready = measure_loading(browser, f"http://127.0.0.1:{port}", repeats)
    header = [
        "visit",
        "KB on the wire",
        "page and static KB",
        "static requests",
        "API KB",
        "ms to first picture",
        "ms to Train enabled",
        "ms to Plotly's plots",
    ]
    wifi = f"{WIFI['downloadThroughput'] * 8 / 1e6:.0f} Mbit/s, {WIFI['latency']} ms"
    title = (
        f"Browser: loading the page (median of {repeats} fresh browser(s); Wi-Fi share {wifi}),"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    print_table(title, header, rows)
    print(
        f"targets: first visit < {FIRST_VISIT_BYTES / 1e6:.1f} MB, second visit < "
        f"{SECOND_VISIT_STATIC_BYTES / 1000:.0f} KB of static files: {'met' if met else 'NOT met'}"
    )
    print(
        f"target: Train enabled within {READY_MS} ms on 127.0.0.1, first and second visit: "
        f"{'met' if ready else 'NOT met'}"
    )
    print(yardstick())
    return met and ready


def main(quick: bool, load_only: bool = False) -> int:
    seconds, warmup = (5.0, 2.0) if quick else (20.0, 3.0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            loaded = main_loading(browser, 1 if quick else 5)
            if load_only:
                return 0 if loaded or quick else 1
            with running_server(*SERVE) as (_, port):
                url = f"http://127.0.0.1:{port}"
                r = measure(browser, url, seconds, warmup, VIEWPORT)
                phone = measure(browser, url, seconds, warmup, PHONE)
        finally:
            browser.close()
    header = ["layout", "drawn/s", "steps/s", "ms/render median", "p90", "most polls at once"]
    header.append("panels on screen")
    rows = [
        [f"{v['width']}x{v['height']}", m["fps"], m["steps"], m["median"], m["p90"]]
        + [m["in_flight"], m["panels"]]
        for v, m in ((VIEWPORT, r), (PHONE, phone))
    ]
    load = os.getloadavg()[0]  # other work on the machine slows the page: say how much there was
    title = f"Browser: default network training, {seconds:.0f} s, load average {load:.1f}"
    print_table(title, header, rows)
    if quick:
        return 0  # CI checks that it runs, not how fast: machines there are noisy
    every_panel = len(set(r["panels"].split("/"))) == 1
    met = r["fps"] >= TARGET_FPS and every_panel and r["in_flight"] <= 1
    print(
        f"target >= {TARGET_FPS:.0f} frames/s with every panel visible, one poll at a time: "
        f"{'met' if met else 'NOT met'} ({r['fps']:.1f}/s)"
    )
    return 0 if met and loaded else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="loading once, 5 s of drawing")
    parser.add_argument("--load", action="store_true", help="loading the page only")
    args = parser.parse_args()
    sys.exit(main(args.quick, args.load))
