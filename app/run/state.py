"""A training run's state: its configuration, data, weights, step count and random state.

``TrainingState`` is plain data, so a run can be saved with ``to_dict`` and continued
elsewhere with ``from_dict`` (bit for bit: the random generator's state travels with it).
The state knows nothing about HTTP or how it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from app.errors import InvalidInput
from app.nn.datasets import make_dataset
from app.nn.features import feature_map
from app.nn.model import ForwardPass, Layer, init_layers
from app.nn.optim import memory_from_dict, memory_to_dict
from app.run.config import TrainingConfig
from app.run.history import History, capacity

Array = np.ndarray


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
    history: History | None = None  # None: start one, with step 0's weights
    optimizer_memory: dict[str, Any] = field(default_factory=dict)
    # Kept for display only, and not saved by to_dict: the last update's gradients, and a step
    # being taken phase by phase (saving mid-step would save a batch that was already drawn).
    last_grads: list[Layer] | None = None
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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly snapshot of the whole run."""
        return {
            "config": self.config.to_dict(),
            "x": self.x.tolist(),
            "y": self.y.tolist(),
            "is_test": self.is_test.tolist(),
            "layers": [{"w": la.w.tolist(), "b": la.b.tolist()} for la in self.layers],
            "rng": self.rng.bit_generator.state,
            "step": self.step,
            "diverged": self.diverged,
            "history": self.history.to_dict(),
            "optimizer_memory": memory_to_dict(self.optimizer_memory),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainingState:
        rng = np.random.default_rng()
        rng.bit_generator.state = d["rng"]
        return cls(
            config=TrainingConfig.from_dict(d["config"]),
            x=np.array(d["x"], dtype=float).reshape(-1, 2),
            y=np.array(d["y"], dtype=float),
            is_test=np.array(d["is_test"], dtype=bool),
            layers=[Layer(np.array(la["w"]), np.array(la["b"])) for la in d["layers"]],
            rng=rng,
            step=d["step"],
            diverged=d["diverged"],
            history=History.from_dict(d["history"]),
            optimizer_memory=memory_from_dict(d["optimizer_memory"]),
        )


@dataclass
class StepInProgress:
    """A step taken one phase at a time, so a learner can watch each phase on its own."""

    x: Array
    y: Array
    fwd: ForwardPass
    loss: float | None = None
    grads: list[Layer] | None = None


def new_state(config: TrainingConfig) -> TrainingState:
    """Fresh data and fresh weights, both drawn from the config's seed."""
    data_seed, weight_seed, batch_seed = np.random.SeedSequence(config.seed).spawn(3)
    x, y, is_test = make_dataset(
        config.dataset,
        config.n_points,
        config.noise,
        config.test_fraction,
        np.random.default_rng(data_seed),
        config.classes,
    )
    layers = init_layers(config.sizes, config.activation, np.random.default_rng(weight_seed))
    return TrainingState(config, x, y, is_test, layers, np.random.default_rng(batch_seed))


def reset_weights(state: TrainingState) -> TrainingState:
    """Start training again on the same data, from the seed's initial weights."""
    fresh = new_state(state.config)
    return replace(fresh, x=state.x, y=state.y, is_test=state.is_test, history=fresh.history)


def with_weights(config: TrainingConfig, layers: list[Layer], step: int) -> TrainingState:
    """A run of this config restored to the given weights and step (data from the seed).

    Raises InvalidInput if the weights' shapes do not fit the config's network.
    """
    sizes = config.sizes
    expected = [(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    found = [(la.w.shape, la.b.shape) for la in layers]
    if found != [((a, b), (b,)) for a, b in expected]:
        shapes = ", ".join(f"{a}x{b}" for a, b in expected)
        message = f"layers: shapes do not match the config's network (expected {shapes})"
        raise InvalidInput("layers", message)
    fresh = new_state(config)
    return replace(fresh, layers=layers, step=step, history=None)


def at_snapshot(state: TrainingState, index: int) -> TrainingState:
    """The run as it was at one of its timeline's snapshots (for looking, not training)."""
    history = state.history
    return replace(
        state,
        layers=history.snapshots[index],
        step=history.steps[index],
        last_grads=None,
        previous_layers=None,
        pending=None,
    )


def with_data(state: TrainingState, x: Array, y: Array, is_test: Array) -> TrainingState:
    """The same network, carrying on with other (custom) points.

    Custom points are two-class: a run of another problem gets a fresh two-class network
    (from the seed), as its output layer does not fit.
    """
    config = replace(state.config, dataset="custom")
    if config.sizes != state.config.sizes:
        return replace(new_state(config), x=x, y=y, is_test=is_test)
    return replace(state, config=config, x=x, y=y, is_test=is_test, pending=None)
