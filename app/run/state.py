"""A training run's state: its configuration, data, weights, step count and random state.

``TrainingState`` is plain data, so a run can be saved and continued elsewhere bit for bit
(``app/run/saved.py``). The state knows nothing about HTTP or how it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from app.nn.datasets import CUSTOM, make_dataset
from app.nn.features import feature_map
from app.nn.model import ForwardPass, Layer, init_layers
from app.run.config import TrainingConfig
from app.run.history import History, capacity

Array = np.ndarray
MIN_CLASSES = 3  # a multi-class run has at least three (two are a binary run)


@dataclass
class TrainingState:
    config: TrainingConfig
    x: Array
    y: Array
    is_test: Array
    layers: list[Layer]
    rng: np.random.Generator  # draws the mini-batches
    step: int = 0
    diverged: bool = False
    # Why: "weight_limit" (the weights grew too large) or "not_finite" (a value became infinite
    # or not a number); None if not diverged, or diverged in a file that did not say why.
    diverged_reason: str | None = None
    history: History | None = None  # None: start one, with step 0's weights
    optimizer_memory: dict[str, Any] = field(default_factory=dict)
    # Kept for display only, and not saved (app/run/saved.py): the last update's gradients and
    # its batch's loss (if it was taken phase by phase), and a step being taken phase by phase
    # (saved as not yet begun).
    last_grads: list[Layer] | None = None
    last_loss: float | None = None
    previous_layers: list[Layer] | None = None
    pending: StepInProgress | None = None
    # Derived once, so a step neither recomputes the features nor re-selects the training points.
    x_train: Array = field(init=False, repr=False)  # the training points' features
    y_train: Array = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.history is None:
            self.history = History(capacity(self.layers))
            self.history.record(self.step, self.layers)
        training = ~self.is_test
        self.x_train = feature_map(self.config.features, self.x[training])
        self.y_train = self.y[training]


@dataclass
class StepInProgress:
    """A step taken one phase at a time, so a learner can watch each phase on its own."""

    x: Array
    y: Array
    fwd: ForwardPass
    # The batch generator's state before this step drew its batch: a run saved mid-step is
    # saved as before the step, and draws the same batch again when continued.
    generator_before: dict[str, Any]
    loss: float | None = None
    grads: list[Layer] | None = None


# The seed's three independent streams: the data, the initial weights, the mini-batches.
DATA, WEIGHTS, BATCHES = range(3)


def _generator(config: TrainingConfig, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(config.seed).spawn(3)[stream])


def new_state(config: TrainingConfig) -> TrainingState:
    """Fresh data and fresh weights, both drawn from the config's seed."""
    x, y, is_test = seeded_data(config)
    layers = init_layers(
        config.sizes, config.activation, _generator(config, WEIGHTS), config.initialization
    )
    return TrainingState(config, x, y, is_test, layers, seeded_batches(config))


def seeded_data(config: TrainingConfig) -> tuple[Array, Array, Array]:
    """The config's points (x, y, is_test), drawn from its seed."""
    return make_dataset(
        config.dataset,
        config.n_points,
        config.noise,
        config.test_fraction,
        _generator(config, DATA),
        config.classes,
    )


def seeded_batches(config: TrainingConfig) -> np.random.Generator:
    """The generator that draws the config's mini-batches, as at step 0."""
    return _generator(config, BATCHES)


def reset_weights(state: TrainingState) -> TrainingState:
    """Start training again on the same data, from the seed's initial weights."""
    fresh = new_state(state.config)
    return replace(fresh, x=state.x, y=state.y, is_test=state.is_test, history=fresh.history)


def at_snapshot(state: TrainingState, index: int) -> TrainingState:
    """The run as it was at one of its timeline's snapshots (for looking, not training)."""
    history = state.history
    return replace(
        state,
        layers=history.snapshots[index],
        step=history.steps[index],
        last_grads=None,
        last_loss=None,
        previous_layers=None,
        pending=None,
    )


def with_data(
    state: TrainingState, x: Array, y: Array, is_test: Array, problem: str = "binary"
) -> TrainingState:
    """The same network, carrying on with other (custom) points of the given problem.

    Multi-class points keep the run's class count if their labels fit it, else take as many
    classes as their highest label needs. A network whose output does not fit the points
    (another problem, another class count) starts afresh from the seed.
    """
    config = replace(state.config, dataset=CUSTOM[problem])
    if problem == "multiclass":
        needed = int(y.max()) + 1 if len(y) else MIN_CLASSES
        kept = state.config.classes if state.config.problem == "multiclass" else MIN_CLASSES
        config = replace(config, classes=max(needed, kept))
    if config.sizes != state.config.sizes or config.problem != state.config.problem:
        return replace(new_state(config), x=x, y=y, is_test=is_test)
    return replace(state, config=config, x=x, y=y, is_test=is_test, pending=None)
