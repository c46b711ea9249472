"""What one frame costs the server: 10 training steps, building the frame (the 100×100 heatmap,
every layer's view, the network diagram) and encoding it, and its size on the wire, packed (what
the page asks for) beside plain JSON. A page's polls say which data they have already, and the
frame then leaves it out (pictures.frame.without_known_data): "poll KB" is that frame, sent every
time, "first KB" the whole frame, sent when the data is new to the page.

    python benchmarks/frame.py            # 200 repeats per network
    python benchmarks/frame.py --quick    # 20 repeats (for CI: prints, never judges)

Times are CPU time of this thread (medians), so other work on a busy machine counts less.
Target for 2-8-8-1, 200 points: building + encoding at most 1 ms, at most 60 KB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402

from app.main import create_app  # noqa: E402
from app.pictures.encoding import PACKED_MEDIA_TYPE, pack, to_json  # noqa: E402
from app.pictures.frame import BOUNDARY_RESOLUTION, build_frame, without_known_data  # noqa: E402
from app.process import setup_process  # noqa: E402
from app.run.config import TrainingConfig
from app.run.state import new_state
from app.run.training import train_steps
from benchmarks.table import print_table  # noqa: E402

setup_process()  # one BLAS thread and the allocator's settings, as the server has

NETWORKS = {
    "2-4-2-1": (4, 2),
    "2-8-8-1": (8, 8),
    "2-16-16-16-1": (16, 16, 16),
    "six layers of 8": (8,) * 6,
}
DEFAULT = "2-8-8-1"
STEPS = 10
LIMIT_MS, LIMIT_KB = 1.0, 60


def cpu_ms(action: Callable[[], object], repeats: int) -> float:
    """Median CPU milliseconds of one call."""
    times = []
    for _ in range(repeats):
        started = time.thread_time()
        action()
        times.append(time.thread_time() - started)
    return statistics.median(times) * 1000


def measure(config: TrainingConfig, repeats: int) -> list[object]:
    state = new_state(config)
    train_steps(state, 50)  # past the first steps, as a learner would see it
    bases: dict = {}

    def build() -> dict:
        nonlocal bases
        frame, bases = build_frame(state, bases)
        return frame

    frame = build()
    polled = without_known_data(frame)
    steps = cpu_ms(lambda: train_steps(state, STEPS), repeats)
    built = cpu_ms(build, repeats)
    packed = cpu_ms(lambda: pack(polled), repeats)
    as_json = cpu_ms(lambda: to_json(frame), max(repeats // 4, 3))
    sizes = [len(pack(polled)) / 1000, len(pack(frame)) / 1000]
    return [steps, built, packed, built + packed, *sizes, as_json, len(to_json(frame)) / 1000]


def paused_poll_us(repeats: int) -> tuple[float, float]:
    """Wall time of a poll of a paused session that has nothing new (a 204: no frame built),
    beside that of /healthz, which does nothing, through the same in-process client."""
    with TestClient(create_app()) as client:
        sid = client.post("/api/sessions", json={}).json()["session_id"]
        revision = client.get(f"/api/sessions/{sid}/frame").json()["revision"]
        poll = f"/api/sessions/{sid}/frame?since={revision}"

        def wall_us(url: str, status: int) -> float:
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                assert client.get(url, headers={"Accept": PACKED_MEDIA_TYPE}).status_code == status
                times.append(time.perf_counter() - started)
            return statistics.median(times) * 1e6

        return wall_us(poll, 204), wall_us("/healthz", 200)


def main(quick: bool = False) -> int:
    repeats = 20 if quick else 200
    rows, default = [], None
    problems = {
        **{name: TrainingConfig(hidden_layers=hidden) for name, hidden in NETWORKS.items()},
        "2-8-8-3 (3 classes)": TrainingConfig(
            dataset="spiral-arms", classes=3, hidden_layers=(8, 8)
        ),
    }
    for name, config in problems.items():
        row = measure(config, repeats)
        rows.append([name, *row])
        if name == DEFAULT:
            default = row
    header = [
        "network",
        f"{STEPS} steps ms",
        "build ms",
        "pack ms",
        "build+pack ms",
        "poll KB",
        "first KB",
        "JSON ms",
        "JSON KB",
    ]
    side = BOUNDARY_RESOLUTION
    title = f"frame: server CPU per frame (median of {repeats}), 200 points, {side}×{side} heatmap"
    print_table(title, header, rows)
    poll, nothing = paused_poll_us(repeats)
    print(
        f"  paused session polled with nothing new (204): {poll:.0f} µs, against {nothing:.0f} µs"
        " for /healthz through the same in-process client: no frame is built"
    )
    ms, kb = default[3], default[4]
    met = ms <= LIMIT_MS and kb <= LIMIT_KB
    verdict = "met" if met else "NOT met"
    print(f"  target for {DEFAULT}: ≤ {LIMIT_MS} ms and ≤ {LIMIT_KB} KB: {verdict}", end="")
    print(f" ({ms:.2f} ms, {kb:.0f} KB; the {STEPS} steps add {default[0]:.2f} ms)")
    return 0 if quick or met else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats (for CI)")
    sys.exit(main(parser.parse_args().quick))
