"""Every benchmark, one after another, then a line per benchmark with its status and time.

    python benchmarks/run.py                 # step, frame, load, memory, browser, compare
    python benchmarks/run.py --quick         # each in its quick mode (what CI runs)
    python benchmarks/run.py --only load     # just one

Each runs in its own process (``python benchmarks/NAME.py [--quick]``), so that what one loads
cannot skew the next: PyTorch's threads, loaded by the step benchmark, doubled the frame
benchmark's times when they shared a process. Exits with status 1 if any benchmark failed or
crashed (in --quick mode they never fail on speed, only by not running). A yardstick of the
machine's speed (``benchmarks/machine.py``) is printed before and after.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.machine import yardstick  # noqa: E402
from benchmarks.table import print_table  # noqa: E402

BENCHMARKS = ("step", "frame", "load", "memory", "browser", "compare")


def run(name: str, quick: bool) -> str:
    """Run one benchmark; its status: ok, or failed with its exit status."""
    command = [sys.executable, str(HERE / f"{name}.py")] + (["--quick"] if quick else [])
    status = subprocess.run(command, cwd=HERE.parent).returncode
    return "ok" if status == 0 else f"failed ({status})"


def main(quick: bool = False, only: str | None = None) -> int:
    print(yardstick(), flush=True)  # the machine's speed, before and after: it drifts
    rows = []
    for name in [only] if only else BENCHMARKS:
        print(f"\n===== {name}{' (quick)' if quick else ''} =====", flush=True)
        started = time.perf_counter()
        rows.append([name, run(name, quick), f"{time.perf_counter() - started:.1f}"])
    print_table("benchmarks", ["benchmark", "status", "seconds"], rows)
    print(yardstick())
    return 1 if any(status != "ok" for _, status, _ in rows) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark's quick mode")
    parser.add_argument("--only", choices=BENCHMARKS, help="run just this benchmark")
    args = parser.parse_args()
    sys.exit(main(args.quick, args.only))
