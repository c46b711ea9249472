"""A run's timeline: snapshots of the weights at steps spread evenly over training.

The number of snapshots is capped by a memory budget. When the timeline is full, every other
snapshot is dropped and snapshots are then taken half as often, so at any moment the ones kept
cover the whole run, evenly, from step 0 to the latest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.nn.model import Layer

BUDGET_BYTES = 256 * 1024  # per run
MIN_SNAPSHOTS, MAX_SNAPSHOTS = 16, 400
# A snapshot holds, per layer, a Layer and two NumPy arrays as well as their numbers: about 650
# bytes of Python objects (measured), more than the numbers themselves in a small network.
OBJECT_BYTES_PER_LAYER = 650


def capacity(layers: list[Layer]) -> int:
    """How many snapshots of these layers fit in the budget (within fixed bounds)."""
    size = sum(la.w.nbytes + la.b.nbytes + OBJECT_BYTES_PER_LAYER for la in layers)
    return int(np.clip(BUDGET_BYTES // size, MIN_SNAPSHOTS, MAX_SNAPSHOTS))


@dataclass
class History:
    capacity: int
    interval: int = 1  # record a snapshot once the step has moved on by at least this much
    steps: list[int] = field(default_factory=list)
    # None for a snapshot kept elsewhere (a session's store) and not read back.
    snapshots: list[list[Layer] | None] = field(default_factory=list)
    # What changed since the timeline was last saved, in order, for a store that keeps the
    # snapshots as a list of its own: ("clear",), ("thin",) or ("append", layers). None: all
    # of it is new (a clear, then every snapshot).
    changes: list[tuple[Any, ...]] | None = None

    def __post_init__(self) -> None:
        if self.changes is None:
            self.changes = [("clear",), *(("append", s) for s in self.snapshots)]

    def record(self, step: int, layers: list[Layer]) -> None:
        """Keep these weights if enough steps have passed since the last snapshot."""
        if self.steps and step - self.steps[-1] < self.interval:
            return
        if len(self.steps) >= self.capacity:
            self.steps, self.snapshots = self.steps[::2], self.snapshots[::2]
            self.interval *= 2
            self.changes.append(("thin",))
            if step - self.steps[-1] < self.interval:
                return
        # Layers are never changed in place (each update makes new ones), so no copy is needed.
        self.steps.append(step)
        self.snapshots.append(layers)
        self.changes.append(("append", layers))
        if len(self.changes) > 2 * self.capacity and None not in self.snapshots:
            # Never saved (a run outside any session): the same picture, told in fewer words.
            self.changes = None
            self.__post_init__()

    def __len__(self) -> int:
        return len(self.steps)
