"""How fast this machine runs plain Python, a small NumPy call and NumPy's tanh: a yardstick
printed with the figures, because machines of one kind here differ by several times in speed
from one day to the next (a 2-8-8-1 step took 44 µs on one and 295 µs on another), and a run's
times mean little without it.

    python benchmarks/machine.py
"""

from __future__ import annotations

import time

import numpy as np

LOOP = 1_000_000
CALLS = 100_000
TANH_CALLS = 1_000
LAYER = (200, 8)  # the default network's hidden layer on the default data


def python_loop_ms() -> float:
    """CPU ms for a Python loop of a million additions, best of 5."""
    return min(_cpu_seconds(_add_up) for _ in range(5)) * 1e3


def numpy_call_us() -> float:
    """CPU µs for one NumPy addition on 8 numbers (mostly the call's own overhead), best of 5."""
    return min(_cpu_seconds(_small_numpy_calls) for _ in range(5)) / CALLS * 1e6


def tanh_ns() -> float:
    """CPU ns per number for NumPy's tanh of a 200×8 layer, best of 5."""
    per_call = min(_cpu_seconds(_layer_tanh) for _ in range(5)) / TANH_CALLS
    return per_call / np.prod(LAYER) * 1e9


def yardstick() -> str:
    """One line: the three figures."""
    return (
        f"machine yardstick (CPU time, best of 5): a Python loop of {LOOP:,} additions "
        f"{python_loop_ms():.0f} ms; a NumPy call on 8 numbers {numpy_call_us():.2f} µs; "
        f"tanh {tanh_ns():.1f} ns a number"
    )


def _add_up() -> None:
    total = 0
    for i in range(LOOP):
        total += i


def _small_numpy_calls() -> None:
    x = np.ones(8)
    for _ in range(CALLS):
        x + 1.0


def _layer_tanh() -> None:
    layer = np.linspace(-3, 3, np.prod(LAYER)).reshape(LAYER)
    for _ in range(TANH_CALLS):
        np.tanh(layer)


def _cpu_seconds(work) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


if __name__ == "__main__":
    print(yardstick())
