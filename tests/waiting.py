"""Waiting for something a server does in its own time, with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], object], timeout: float = 60.0) -> object:
    """Poll until predicate() is truthy; bounded, so a broken server fails instead of hanging.
    The bound is no measure of speed: keep it generous (a busy machine is several times slower
    than an idle one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")
