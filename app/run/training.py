"""Training a run: whole steps, or one phase of a step at a time (forward, loss, backward,
update), so that a learner can watch each phase on its own."""

from __future__ import annotations

import numpy as np

from app.errors import InvalidInput
from app.nn.model import Layer, backward, forward, loss
from app.nn.optim import penalised
from app.nn.optim import step as optim_step
from app.run.state import StepInProgress, TrainingState

Array = np.ndarray

WEIGHT_LIMIT = 1e6

PHASES = ("forward", "loss", "backward", "update")


def _train_step(state: TrainingState) -> bool:
    # One step (a step begun phase by phase is finished); False if the update was refused.
    while state.pending is not None:
        if advance_phase(state) == "update":
            return not state.diverged
    x, y = _batch(state)
    activation, problem = state.config.activation, state.config.problem
    fwd = forward(state.layers, x, activation, problem)
    return _update(state, backward(state.layers, fwd, y, activation, problem))


def advance_phase(state: TrainingState) -> str | None:
    """Do the next phase of the current step (starting one if needed); returns its name, or
    None if there are no training points to learn from."""
    activation, problem = state.config.activation, state.config.problem
    step = state.pending
    if step is None and len(state.y_train) == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        if step is None:
            before = state.rng.bit_generator.state
            x, y = _batch(state)
            fwd = forward(state.layers, x, activation, problem)
            state.pending = StepInProgress(x, y, fwd, generator_before=before)
            return "forward"
        if step.loss is None:
            step.loss = loss(problem, step.fwd, step.y)
            return "loss"
        if step.grads is None:
            step.grads = backward(state.layers, step.fwd, step.y, activation, problem)
            return "backward"
        state.pending = None
        _update(state, step.grads, step.loss)
    return "update"


def _update(state: TrainingState, grads: list[Layer], batch_loss: float | None = None) -> bool:
    config = state.config
    grads = penalised(grads, state.layers, config.regularization, config.regularization_rate)
    updated, memory = optim_step(
        state.layers, grads, state.optimizer_memory, config.optimizer_settings
    )
    trouble = _weights_trouble(updated)
    if trouble is not None:
        state.diverged, state.diverged_reason = True, trouble
        return False
    state.previous_layers, state.layers = state.layers, updated
    state.optimizer_memory = memory
    state.step += 1
    state.last_grads, state.last_loss = grads, batch_loss
    state.history.record(state.step, updated)
    return True


def train_steps(state: TrainingState, n: int) -> int:
    """Up to n steps, each forward on a batch, loss, backpropagation and one update; returns
    how many were taken.

    Stops early with no training points, or if an update would make any weight NaN or
    infinite, or a layer's weights larger than WEIGHT_LIMIT (their root mean square): the
    weights are then left as they were and the run is marked as diverged, with which of the
    two it was (``diverged_reason``: "not_finite" or "weight_limit"). (A loss that
    overflows always shows up in the weights within a step or two, so checking them is enough,
    and the fast path skips computing the loss.) A run that has diverged takes no more steps.
    """
    if len(state.y_train) == 0:
        return 0  # nothing to learn from (custom data, all cleared)
    # Overflow is how divergence shows itself; it is detected, so NumPy need not warn.
    with np.errstate(over="ignore", invalid="ignore"):
        for taken in range(n):
            if state.diverged or not _train_step(state):
                return taken
    return n


def require_training_points(state: TrainingState) -> None:
    """Raise InvalidInput if the run has no training points: a step would learn nothing."""
    if len(state.y_train) == 0:
        raise InvalidInput(
            "data",
            "data: there are no training points to learn from: add points (click the plane) or"
            " upload a CSV",
        )


def _batch(state: TrainingState) -> tuple[Array, Array]:
    n_train = len(state.y_train)
    size = state.config.batch_size
    if size is None or size >= n_train:
        return state.x_train, state.y_train
    pick = state.rng.choice(n_train, size=size, replace=False)
    return state.x_train[pick], state.y_train[pick]


def _weights_trouble(layers: list[Layer]) -> str | None:
    """Why these weights cannot be kept: "not_finite" if any is NaN or infinite,
    "weight_limit" if a layer's weights or biases are larger than WEIGHT_LIMIT (their root mean
    square); None if they can."""

    # No network that fits these datasets needs weights anywhere near WEIGHT_LIMIT; past it,
    # activations overflow on the wider plotting grid even while the training loss is finite.
    # The root mean square is below the limit whenever every weight is (so an imported network
    # within the schema's bounds passes), and is one fast call per array (this runs every
    # step). It is NaN or infinite whenever a weight is, which fails the comparison: only then
    # is it worth asking which it was.
    def rms_within(a: Array) -> bool:
        return np.vdot(a, a) < WEIGHT_LIMIT**2 * a.size

    if all(rms_within(la.w) and rms_within(la.b) for la in layers):
        return None
    finite = all(np.isfinite(la.w).all() and np.isfinite(la.b).all() for la in layers)
    return "weight_limit" if finite else "not_finite"
