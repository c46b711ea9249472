"""Memory of many sessions (issue 6): 10,000 sessions created in a loop stay under a fixed bound.

    python benchmarks/memory.py            # 10,000 sessions into the real store (cap 1000)
    python benchmarks/memory.py --quick    # 300 sessions into a store capped at 100 (for CI)

In this process, with the server's own sessions (``SessionService``) in the default store, the
memory store, at its default cap: each session is created with the default settings (its first
frame built, as a page opening makes it), so the process also holds its caches of recent
records and frames, full. None of them is asked about again, so each new one takes the place of
the oldest (a store never drops a session in use for a new one). The process's resident memory
(VmRSS from /proc/self/status) is read before, once the store is full, and at the end; the
bound is the memory before plus the cap times BOUND_PER_SESSION. Then the same store is
filled with sessions trained until their timeline is full (the most a session of the default
network ever holds; trained, each is in use, so they replace the untouched ones and then the
store is full of sessions in use and would refuse another), and tracemalloc measures one
session of each kind on its own.

The full run exits with status 1 if the bound is exceeded (by either kind of session);
--quick never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.process import setup_process  # noqa: E402
from app.run.config import TrainingConfig
from app.run.state import new_state
from app.sessions.edits import step  # noqa: E402
from app.sessions.service import SessionService  # noqa: E402
from app.sessions.store import MemoryStore, StoreFull  # noqa: E402
from benchmarks.table import print_table  # noqa: E402

setup_process()  # one BLAS thread and the allocator's settings, as the server has

BOUND_PER_SESSION_MB = 1.0  # the README's estimate is about 0.4 MB; this leaves room


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def settled_rss() -> float:
    gc.collect()
    return rss_mb()


def open_session(sessions: SessionService, config: TrainingConfig, steps: int = 0) -> str:
    """A new session (its first frame built), trained ``steps`` steps as POST .../step does."""
    session_id, _, _ = asyncio.run(sessions.create(config))
    if steps:
        asyncio.run(sessions.change(session_id, step(steps)))
    return session_id


def sessions_in(cap: int) -> tuple[SessionService, MemoryStore]:
    store = MemoryStore(max_sessions=cap)
    return SessionService(store), store


def count(store: MemoryStore) -> int:
    return asyncio.run(store.count())


def traced_per_session(config: TrainingConfig, steps: int, count: int) -> tuple[float, float]:
    """(KB held per session, peak KB while creating them) as tracemalloc counts them."""
    sessions, _ = sessions_in(count)
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(count):
            open_session(sessions, config, steps)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return current / count / 1024, peak / 1024


def main(quick: bool = False) -> int:
    cap, total = (100, 300) if quick else (1000, 10_000)
    traced = 5 if quick else 100
    config = TrainingConfig()
    # Steps that leave the timeline exactly full (the next snapshot would thin it): the most
    # memory a session of this network ever holds.
    full_steps = new_state(config).history.capacity - 1
    print(
        f"{total} sessions (default settings, frame built) into a memory store capped at {cap}; "
        f"then {cap} sessions trained {full_steps} steps each (timeline full)"
    )
    before = settled_rss()
    sessions, store = sessions_in(cap)
    rows, started = [["before", 0, "", before, 0.0, ""]], time.perf_counter()
    checkpoints = sorted({cap, total // 2, total})
    for i in range(1, total + 1):
        open_session(sessions, config)
        if i in checkpoints:
            rss = settled_rss()
            seconds = f"{time.perf_counter() - started:.1f}"
            rows.append([f"after {i} created", count(store), i, rss, rss - before, seconds])
    per_session = (rows[1][3] - before) / cap * 1024
    levelled = rows[-1][3] - rows[1][3]

    # The same store, now filled with sessions whose timelines are full: the worst case.
    started = time.perf_counter()
    for _ in range(cap):
        last = open_session(sessions, config, full_steps)
    snapshots = len(asyncio.run(store.timeline(last)))
    try:  # every session is in use now: no room for another
        open_session(sessions, config)
        refused = "accepted (a session in use was dropped!)"
    except StoreFull:
        refused = "refused (StoreFull), as it should be"
    rss = settled_rss()
    seconds = f"{time.perf_counter() - started:.1f}"
    rows.append([f"then {cap} trained", count(store), total + cap, rss, rss - before, seconds])
    del sessions, store
    rss = settled_rss()
    rows.append(["store dropped", 0, total + cap, rss, rss - before, ""])
    print_table(
        "resident memory of this process (VmRSS)",
        ["when", "live sessions", "created", "RSS MB", "over before MB", "seconds"],
        rows,
    )
    print(
        f"  per new session: {per_session:.0f} KB of RSS (store full, over before); "
        f"from {cap} to {total} created: {levelled:+.1f} MB; a dropped store's memory stays "
        "with the process (the allocator keeps it for reuse)"
    )
    print(f"  one more new session, the store full of sessions in use: {refused}")

    fresh_kb, fresh_peak = traced_per_session(config, 0, traced)
    trained_kb, trained_peak = traced_per_session(config, full_steps, traced)
    print_table(
        f"one session's memory (tracemalloc, {traced} sessions traced on their own)",
        ["session", "KB each", "peak MB while creating them"],
        [
            ["new, frame built", fresh_kb, fresh_peak / 1024],
            [
                f"trained {full_steps} steps ({snapshots} snapshots)",
                trained_kb,
                trained_peak / 1024,
            ],
        ],
    )

    bound = before + cap * BOUND_PER_SESSION_MB
    new_worst = max(row[3] for row in rows[1:-2])
    worst = max(row[3] for row in rows[1:])
    for label, value in (("new sessions", new_worst), ("with trained sessions", worst)):
        verdict = "held" if value <= bound else "EXCEEDED"
        print(
            f"bound: RSS before + {cap} sessions x {BOUND_PER_SESSION_MB:g} MB = {bound:.0f} MB; "
            f"highest RSS, {label}: {value:.0f} MB: {verdict}"
        )
    # --quick (CI) checks that the benchmark runs; its figures are printed, not judged.
    return 0 if quick or (worst <= bound and refused.startswith("refused")) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 sessions, cap 100 (for CI)")
    sys.exit(main(parser.parse_args().quick))
