"""Every benchmark, one after another, then a line per benchmark with its status and time.

    python benchmarks/run.py                 # step, frame, load, memory, browser, compare
    python benchmarks/run.py --quick         # each in its quick mode (what CI runs)
    python benchmarks/run.py --only load     # just one

A benchmark is a module of this folder with ``main(quick: bool) -> int``; one not written yet
is skipped with a line saying so. Exits with status 1 if any benchmark failed or crashed (in
--quick mode they never fail on speed, only by not running).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.table import print_table  # noqa: E402

BENCHMARKS = ("step", "frame", "load", "memory", "browser", "compare")


def run(name: str, quick: bool) -> str:
    """Run one benchmark; its status: ok, failed (exit status), crashed or not written yet."""
    if importlib.util.find_spec(f"benchmarks.{name}") is None:
        print(f"benchmarks/{name}.py: not written yet, skipped")
        return "not written yet"
    try:
        main = importlib.import_module(f"benchmarks.{name}").main
        if inspect.signature(main).parameters:
            status = main(quick)
        else:  # a main() that reads its own command line
            argv, sys.argv = sys.argv, [f"benchmarks/{name}.py"] + (["--quick"] if quick else [])
            try:
                status = main()
            finally:
                sys.argv = argv
    except Exception:  # noqa: BLE001 - one crash must not hide the other benchmarks' figures
        traceback.print_exc()
        return "crashed"
    return "ok" if not status else f"failed ({status})"


def main(quick: bool = False, only: str | None = None) -> int:
    rows = []
    for name in [only] if only else BENCHMARKS:
        print(f"\n===== {name}{' (quick)' if quick else ''} =====", flush=True)
        started = time.perf_counter()
        status = run(name, quick)
        rows.append([name, status, f"{time.perf_counter() - started:.1f}"])
        sys.stdout.flush()
    print_table("benchmarks", ["benchmark", "status", "seconds"], rows)
    bad = [name for name, status, _ in rows if status not in ("ok", "not written yet")]
    return 1 if bad else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark's quick mode")
    parser.add_argument("--only", choices=BENCHMARKS, help="run just this benchmark")
    args = parser.parse_args()
    sys.exit(main(args.quick, args.only))
