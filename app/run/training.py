"""A training run: its configuration, data, weights, step count and random state.

``TrainingState`` is plain data, so a run can be saved with ``to_dict`` and continued
elsewhere with ``from_dict`` (bit for bit: the random generator's state travels with it).
The state knows nothing about HTTP or how it is drawn.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from app.nn.datasets import DATASETS, make_dataset
from app.nn.features import RAW, feature_map
from app.nn.model import ForwardPass, Layer, backward, forward, init_layers, loss
from app.nn.optim import OptimizerSettings, memory_from_dict, memory_to_dict, penalised
from app.nn.optim import step as optim_step
from app.run.history import History, capacity

Array = np.ndarray

WEIGHT_LIMIT = 1e6


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that defines an experiment. The same config gives the same run."""

    dataset: str = "class-ab-noisy"
    features: tuple[str, ...] = RAW  # what the network is given of each point
    n_points: int = 200
    noise: float = 0.2
    test_fraction: float = 0.3
    hidden_layers: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    learning_rate: float = 0.03
    optimizer: str = "sgd"  # sgd, momentum or adam
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    regularization: str = "none"  # none, l1 or l2: a penalty on the size of the weights
    regularization_rate: float = 0.0
    batch_size: int | None = None  # None trains on every training point at each step
    seed: int = 1
    steps_per_frame: int = 5
    classes: int = 3  # of a multi-class dataset (the others ignore it)

    @property
    def problem(self) -> str:
        """binary, multiclass or regression: what the dataset asks of the network."""
        return DATASETS[self.dataset].problem

    @property
    def outputs(self) -> int:
        """Output units: one per class for multi-class, else one."""
        return self.classes if self.problem == "multiclass" else 1

    @property
    def optimizer_settings(self) -> OptimizerSettings:
        return OptimizerSettings(
            self.optimizer, self.learning_rate, self.momentum, self.beta1, self.beta2
        )

    @property
    def sizes(self) -> list[int]:
        return [len(self.features), *self.hidden_layers, self.outputs]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {**d, "hidden_layers": list(self.hidden_layers), "features": list(self.features)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainingConfig:
        hidden = tuple(d.get("hidden_layers", cls.hidden_layers))
        return cls(**{**d, "hidden_layers": hidden, "features": tuple(d.get("features", RAW))})


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

    Raises ValueError if the weights' shapes do not fit the config's network.
    """
    sizes = config.sizes
    expected = [(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    found = [(la.w.shape, la.b.shape) for la in layers]
    if found != [((a, b), (b,)) for a, b in expected]:
        shapes = ", ".join(f"{a}x{b}" for a, b in expected)
        raise ValueError(f"layers: shapes do not match the config's network (expected {shapes})")
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


PHASES = ("forward", "loss", "backward", "update")


@dataclass
class StepInProgress:
    """A step taken one phase at a time, so a learner can watch each phase on its own."""

    x: Array
    y: Array
    fwd: ForwardPass
    loss: float | None = None
    grads: list[Layer] | None = None


def train_step(state: TrainingState) -> bool:
    """One step: forward on a batch, loss, backpropagation, one SGD update.

    Returns False, leaving the weights as they were, if the update would make any weight NaN
    or infinite, or a layer's weights larger than WEIGHT_LIMIT (their root mean square); the
    run is then marked as diverged. (A loss that overflows always shows up in the weights within a
    step or two, so checking them is enough, and the fast path skips computing the loss.) A
    step begun phase by phase is finished. A run that has diverged takes no more steps.
    """
    return train_steps(state, 1) == 1


def _train_step(state: TrainingState) -> bool:
    # train_step without the checks that hold for a whole train_steps call.
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
            x, y = _batch(state)
            state.pending = StepInProgress(x, y, forward(state.layers, x, activation, problem))
            return "forward"
        if step.loss is None:
            step.loss = loss(problem, step.fwd, step.y)
            return "loss"
        if step.grads is None:
            step.grads = backward(state.layers, step.fwd, step.y, activation, problem)
            return "backward"
        state.pending = None
        _update(state, step.grads)
    return "update"


def _update(state: TrainingState, grads: list[Layer]) -> bool:
    config = state.config
    grads = penalised(grads, state.layers, config.regularization, config.regularization_rate)
    updated, memory = optim_step(
        state.layers, grads, state.optimizer_memory, config.optimizer_settings
    )
    if not _weights_sane(updated):
        state.diverged = True
        return False
    state.previous_layers, state.layers = state.layers, updated
    state.optimizer_memory = memory
    state.step += 1
    state.last_grads = grads
    state.history.record(state.step, updated)
    return True


def train_steps(state: TrainingState, n: int) -> int:
    """Up to n steps, stopping early on divergence or with no data. Returns how many taken."""
    if len(state.y_train) == 0:
        return 0  # nothing to learn from (custom data, all cleared)
    # Overflow is how divergence shows itself; it is detected, so NumPy need not warn.
    with np.errstate(over="ignore", invalid="ignore"):
        for taken in range(n):
            if state.diverged or not _train_step(state):
                return taken
    return n


def with_data(state: TrainingState, x: Array, y: Array, is_test: Array) -> TrainingState:
    """The same network, carrying on with other (custom) points.

    Custom points are two-class: a run of another problem gets a fresh two-class network
    (from the seed), as its output layer does not fit.
    """
    config = replace(state.config, dataset="custom")
    if config.sizes != state.config.sizes:
        return replace(new_state(config), x=x, y=y, is_test=is_test)
    return replace(state, config=config, x=x, y=y, is_test=is_test, pending=None)


def _batch(state: TrainingState) -> tuple[Array, Array]:
    n_train = len(state.y_train)
    size = state.config.batch_size
    if size is None or size >= n_train:
        return state.x_train, state.y_train
    pick = state.rng.choice(n_train, size=size, replace=False)
    return state.x_train[pick], state.y_train[pick]


def _weights_sane(layers: list[Layer]) -> bool:
    # No network that fits these datasets needs weights anywhere near WEIGHT_LIMIT; past it,
    # activations overflow on the wider plotting grid even while the training loss is finite.
    # The root mean square is below the limit whenever every weight is (so an imported network
    # within the schema's bounds passes), is one fast call per array (this runs every step),
    # and is NaN or infinite whenever a weight is, which fails the comparison as it must.
    def rms_within(a: Array) -> bool:
        return np.vdot(a, a) < WEIGHT_LIMIT**2 * a.size

    return all(rms_within(la.w) and rms_within(la.b) for la in layers)
