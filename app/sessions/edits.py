"""What a learner can do to a session, each as a change to its record.

Every function here returns an edit: a function that changes a ``SessionRecord`` in place, or
raises InvalidInput and changes nothing. ``SessionService.change`` applies it to the latest
record and saves it; if another request saved a newer revision first, the edit is applied
again to that one, so an edit must depend only on the record it is given (and what it was
made with), never on a record seen earlier.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.errors import InvalidInput
from app.nn.features import RAW
from app.pictures.panels import Projection
from app.run.config import TrainingConfig
from app.run.state import TrainingState, new_state, reset_weights, with_data
from app.run.training import advance_phase, require_training_points, train_steps
from app.sessions.record import SessionRecord

Array = np.ndarray
Edit = Callable[[SessionRecord], None]
PointsEdit = Callable[[Array, Array, Array], tuple[Array, Array, Array]]


def configure(config: TrainingConfig) -> Edit:
    """New settings: new data and weights, step 0, paused; the panels shown afresh."""

    def edit(record: SessionRecord) -> None:
        record.restart(new_state(config))
        record.projections = {}

    return edit


def restore(run: TrainingState) -> Edit:
    """Carry on from an imported run, paused."""

    def edit(record: SessionRecord) -> None:
        record.restart(run)
        record.projections = {}

    return edit


def reset(record: SessionRecord) -> None:
    """Same data and settings, the seed's first weights, step 0, paused."""
    record.restart(reset_weights(record.run))


def step(steps: int) -> Edit:
    """Pause, then take some whole steps."""

    def edit(record: SessionRecord) -> None:
        require_training_points(record.run)
        record.training, record.phase = False, None
        train_steps(record.run, steps)
        _note_divergence(record)

    return edit


def phase_step(record: SessionRecord) -> None:
    """Pause, then do just the next phase of a step: forward, loss, backward or update."""
    require_training_points(record.run)
    record.training = False
    if not record.run.diverged:
        record.phase = advance_phase(record.run)
        _note_divergence(record)
    if record.run.diverged:
        record.phase = None  # the update was refused: no step to show


def start_training(now: float) -> Edit:
    """Train from now on, while the page asks for frames (see SessionService.advance)."""

    def edit(record: SessionRecord) -> None:
        if not record.run.diverged:
            record.training, record.stopped_reason = True, None
            record.last_advance, record.phase = now, None

    return edit


def pause(record: SessionRecord) -> None:
    record.training, record.stopped_reason = False, None


def edit_points(change: PointsEdit, problem: str = "binary") -> Edit:
    """Change the points: the same network carries on with custom data of the given problem
    (see with_data); ``change`` gets (x, y, is_test) and returns new ones."""

    def edit(record: SessionRecord) -> None:
        run = record.run
        x, y, is_test = change(run.x, run.y, run.is_test)
        record.run = with_data(run, x, y, is_test, problem)
        record.phase = None  # a step begun phase by phase is dropped with the old points

    return edit


def set_projection(layer: int, projection: Projection) -> Edit:
    """Show a panel of three or more units another way."""

    def edit(record: SessionRecord) -> None:
        units = panel_units(record.run.config)
        if units.get(layer, 0) < 3:
            wide = sorted(i for i, n in units.items() if n >= 3)
            raise InvalidInput("layer", f"layer must be a panel of 3 or more units: one of {wide}")
        if projection.kind == "neurons":
            picked = projection.neurons
            if len(picked) != projection.dims or len(set(picked)) != len(picked):
                raise InvalidInput("neurons", f"neurons: {projection.dims} distinct numbers")
            if max(picked) >= units[layer]:
                raise InvalidInput("neurons", f"neurons: each from 0 to {units[layer] - 1}")
        record.projections[layer] = projection

    return edit


def panel_units(config: TrainingConfig) -> dict[int, int]:
    """Units of every panel after the input plane, by panel index."""
    # The network's sizes, less the output, and less the input when it is the raw plane.
    widths = config.sizes[:-1] if config.features != RAW else config.sizes[1:-1]
    return {i + 1: n for i, n in enumerate(widths)}


def _note_divergence(record: SessionRecord) -> None:
    if record.run.diverged:
        record.training, record.stopped_reason = False, "diverged"
