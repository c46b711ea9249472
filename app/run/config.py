"""A run's settings: everything that defines an experiment. The same config gives the same run."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from app.nn.datasets import DATASETS
from app.nn.features import RAW
from app.nn.optim import OptimizerSettings


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
    initialization: str = "suited"  # suited (to the activation) or small (see app/nn/model.py)
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
