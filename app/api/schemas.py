"""Request and response bodies of the HTTP API, with the bounds on everything a client sends."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from app.api.frame_schema import Frame
from app.compare.classical import BOUNDS as CLASSICAL_BOUNDS
from app.nn.datasets import DATASETS, MAX_POINTS, TARGET_LIMIT
from app.nn.features import FEATURES
from app.nn.model import ACTIVATIONS, INITIALIZATIONS
from app.nn.optim import OPTIMIZERS, PENALTIES
from app.run.config import TrainingConfig

DEFAULTS = TrainingConfig()

# (min, max) of every number a client can set: used by the models below, by the error
# messages, and sent to the page so its inputs carry the same limits.
LIMITS: dict[str, tuple[float, float]] = {
    "n_points": (10, 1000),
    "noise": (0.0, 1.0),
    "test_fraction": (0.0, 0.9),
    "hidden_layers": (0, 6),
    "neurons": (1, 8),
    "learning_rate": (0.00001, 10.0),
    "momentum": (0.0, 0.999),
    "beta1": (0.0, 0.999),
    "beta2": (0.0, 0.9999),
    "regularization_rate": (0.0, 10.0),
    "batch_size": (1, 1000),
    "seed": (0, 2**31 - 1),
    "steps_per_frame": (1, 200),
    "classes": (3, 5),
    "steps": (1, 1000),
    "layer": (1, 8),
    "dims": (2, 3),
    **CLASSICAL_BOUNDS,  # the Compare view's settings
}

DatasetName = Literal[tuple(DATASETS)]  # type: ignore[valid-type]
ActivationName = Literal[tuple(ACTIVATIONS)]  # type: ignore[valid-type]
FeatureName = Literal[tuple(FEATURES)]  # type: ignore[valid-type]


def _distinct(names: list[str]) -> list[str]:
    if len(set(names)) != len(names):
        raise ValueError("each feature at most once")
    return names


# Numbers in a body are strict: JSON's true and false are not the numbers 1 and 0 (pydantic
# would take them as such, and the schema promises numbers), and "5" is not 5.


def _bounded(name: str, default: Any) -> Any:
    low, high = LIMITS[name]
    return Field(default, ge=low, le=high, allow_inf_nan=False, strict=True)


def _not_bool(value: Any) -> Any:
    # A Literal of numbers cannot be strict, and False == 0: refuse booleans by hand.
    if isinstance(value, bool):
        raise ValueError("a number, not true or false")
    return value


class ConfigBody(BaseModel):
    """An experiment's settings. Every field is optional and falls back to its default."""

    model_config = ConfigDict(extra="forbid")

    dataset: DatasetName = DEFAULTS.dataset
    features: Annotated[list[FeatureName], AfterValidator(_distinct)] = Field(
        list(DEFAULTS.features),
        min_length=1,
        max_length=len(FEATURES),
        json_schema_extra={"uniqueItems": True},
    )
    n_points: int = _bounded("n_points", DEFAULTS.n_points)
    noise: float = _bounded("noise", DEFAULTS.noise)
    test_fraction: float = _bounded("test_fraction", DEFAULTS.test_fraction)
    hidden_layers: list[Annotated[int, Field(ge=1, le=8, strict=True)]] = Field(
        list(DEFAULTS.hidden_layers), max_length=6
    )
    activation: ActivationName = DEFAULTS.activation
    initialization: Literal[INITIALIZATIONS] = DEFAULTS.initialization  # type: ignore[valid-type]
    learning_rate: float = _bounded("learning_rate", DEFAULTS.learning_rate)
    optimizer: Literal[OPTIMIZERS] = DEFAULTS.optimizer  # type: ignore[valid-type]
    momentum: float = _bounded("momentum", DEFAULTS.momentum)
    beta1: float = _bounded("beta1", DEFAULTS.beta1)
    beta2: float = _bounded("beta2", DEFAULTS.beta2)
    regularization: Literal[PENALTIES] = DEFAULTS.regularization  # type: ignore[valid-type]
    regularization_rate: float = _bounded("regularization_rate", DEFAULTS.regularization_rate)
    batch_size: int | None = _bounded("batch_size", DEFAULTS.batch_size)
    seed: int = _bounded("seed", DEFAULTS.seed)
    steps_per_frame: int = _bounded("steps_per_frame", DEFAULTS.steps_per_frame)
    classes: int = _bounded("classes", DEFAULTS.classes)

    def to_config(self) -> TrainingConfig:
        return TrainingConfig.from_dict(self.model_dump())


class StepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: int = _bounded("steps", 1)


class ViewBody(BaseModel):
    """How to show one layer panel of three or more units."""

    model_config = ConfigDict(extra="forbid")

    layer: int = _bounded("layer", ...)
    projection: Literal["pca", "neurons"]
    dims: int = _bounded("dims", 2)
    neurons: list[Annotated[int, Field(ge=0, le=7, strict=True)]] = Field([], max_length=3)


FiniteWeight = Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6, strict=True)]
# An optimizer's memory: Adam's mean of squared gradients may be far larger than any weight.
FiniteNumber = Annotated[float, Field(allow_inf_nan=False, strict=True)]
Coordinate = Annotated[float, Field(allow_inf_nan=False, ge=-10, le=10, strict=True)]


def _rectangular(rows: list[list[float]]) -> list[list[float]]:
    # Ragged rows make no matrix (NumPy refuses them): a 422 here, not an error in the route.
    if len({len(row) for row in rows}) > 1:
        raise ValueError("every row of w has the same length")
    return rows


class LayerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    w: Annotated[
        list[Annotated[list[FiniteWeight], Field(min_length=1, max_length=8)]],
        AfterValidator(_rectangular),
    ] = Field(min_length=1, max_length=8)
    b: list[FiniteWeight] = Field(min_length=1, max_length=8)


class MemoryLayer(BaseModel):
    """What an optimizer keeps for one layer: one number per weight and per bias."""

    model_config = ConfigDict(extra="forbid")

    w: Annotated[
        list[Annotated[list[FiniteNumber], Field(min_length=1, max_length=8)]],
        AfterValidator(_rectangular),
    ] = Field(min_length=1, max_length=8)
    b: list[FiniteNumber] = Field(min_length=1, max_length=8)


def _memory_layers() -> Any:
    return Field(None, min_length=1, max_length=7)


class OptimizerMemory(BaseModel):
    """The optimizer's memory: none for SGD (or for a run that has not stepped yet), velocity
    for momentum, and t (updates so far), m and v for Adam. Shapes are the layers' shapes."""

    model_config = ConfigDict(extra="forbid")

    velocity: list[MemoryLayer] | None = _memory_layers()
    t: int | None = Field(None, ge=1, le=10**9, strict=True)
    m: list[MemoryLayer] | None = _memory_layers()
    v: list[MemoryLayer] | None = _memory_layers()


def _below_2_128(digits: str) -> str:
    if int(digits) >= 2**128:
        raise ValueError("a 128-bit number: below 2**128")
    return digits


# A 128-bit unsigned integer in decimal digits: a string, so that a browser's JSON.parse (which
# holds numbers as doubles) keeps every digit.
UInt128 = Annotated[str, Field(pattern="^[0-9]{1,39}$"), AfterValidator(_below_2_128)]


class GeneratorCounters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: UInt128
    inc: UInt128


class BatchGenerator(BaseModel):
    """The state of the random generator that draws the mini-batches (NumPy's PCG64)."""

    model_config = ConfigDict(extra="forbid")

    bit_generator: Literal["PCG64"]
    state: GeneratorCounters
    has_uint32: Annotated[Literal[0, 1], BeforeValidator(_not_bool)]
    uinteger: int = Field(ge=0, le=2**32 - 1, strict=True)


# A class number (0 = A, 1 = B, ...) or a regression target.
Label = Annotated[float, Field(allow_inf_nan=False, ge=-TARGET_LIMIT, le=TARGET_LIMIT, strict=True)]


class CustomData(BaseModel):
    """A run's own points (custom data only): one entry per point in each list."""

    model_config = ConfigDict(extra="forbid")

    x: list[Annotated[list[Coordinate], Field(min_length=2, max_length=2)]] = Field(
        max_length=MAX_POINTS
    )
    y: list[Label] = Field(max_length=MAX_POINTS)
    is_test: list[StrictBool] = Field(max_length=MAX_POINTS)


# A whole, valid file (logistic regression on the textbook's points), for the API docs and for
# the fuzz tests, which could hardly guess weights that fit their settings.
NETWORK_EXAMPLE = {
    "format": "layerscope-network",
    "version": 2,
    "config": {"dataset": "class-ab", "hidden_layers": [], "optimizer": "momentum"},
    "step": 1,
    "diverged": False,
    "layers": [{"w": [[0.5], [-0.5]], "b": [0.0]}],
    "optimizer": {"velocity": [{"w": [[0.01], [-0.01]], "b": [0.0]}]},
    "batch_generator": {
        "bit_generator": "PCG64",
        "state": {
            "state": "308137117962389019348422090397953527245",
            "inc": "206211450262422079670053133917484111869",
        },
        "has_uint32": 0,
        "uinteger": 0,
    },
}


class NetworkFile(BaseModel):
    """A run, as exported: its settings, weights, optimizer memory and batch generator, and
    its points if they are custom (built-in data come from the seed). Version 1 files hold
    the settings and weights only; they are still read."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [NETWORK_EXAMPLE]})

    format: Literal["layerscope-network"] = "layerscope-network"
    version: Annotated[Literal[1, 2], BeforeValidator(_not_bool)] = 2
    config: ConfigBody
    step: int = Field(0, ge=0, le=10**9, strict=True)
    diverged: StrictBool = False
    diverged_reason: Literal["weight_limit", "not_finite"] | None = Field(
        None,
        description="Why the run diverged: its weights grew past the limit, or a value became"
        " infinite or not a number (files written before it was recorded leave it out)",
    )
    layers: list[LayerBody] = Field(min_length=1, max_length=7)
    optimizer: OptimizerMemory | None = None
    batch_generator: BatchGenerator | None = None
    data: CustomData | None = None


class PointBody(BaseModel):
    """A point of the input plane, and for a new point its class (0 = A, 1 = B)."""

    model_config = ConfigDict(extra="forbid")

    x1: Coordinate
    x2: Coordinate
    label: Annotated[Literal[0, 1], BeforeValidator(_not_bool)] = 0


# Response bodies. They are what the OpenAPI schema promises, and the fuzz tests check every
# answer against them, so each must be true of every answer the routes give. The frame's parts
# are in app/api/frame_schema.py.


class SessionCreated(BaseModel):
    session_id: str
    config: ConfigBody
    frame: Frame


class SessionSummary(BaseModel):
    session_id: str
    config: ConfigBody
    step: int
    training: bool


class TrainingStatus(BaseModel):
    training: bool


class ConfigChanged(BaseModel):
    """The settings and the frame after a change that may change the settings: new settings,
    an imported run, or points edited or uploaded (the data become custom)."""

    config: ConfigBody
    frame: Frame


class FieldError(BaseModel):
    field: str
    message: str
    # pydantic's name for the problem; only on errors found while reading the request.
    type: str | None = None


class FieldErrors(BaseModel):
    """A 422: one entry per problem, naming the field and what it accepts."""

    detail: list[FieldError] = Field(min_length=1)


class Detail(BaseModel):
    """A 404 or 413: one sentence."""

    detail: str


class Limit(BaseModel):
    min: float
    max: float


class Choice(BaseModel):
    value: str
    label: str


class DatasetChoice(Choice):
    problem: Literal["binary", "multiclass", "regression"]


class Choices(BaseModel):
    dataset: list[DatasetChoice]
    activation: list[Choice]
    initialization: list[Choice]
    features: list[Choice]
    optimizer: list[Choice]
    regularization: list[Choice]


class Options(BaseModel):
    defaults: ConfigBody
    limits: dict[str, Limit]
    choices: Choices


def options() -> dict[str, Any]:
    """Defaults, limits and choices, for the page to build its controls from."""
    return {
        "defaults": ConfigBody().model_dump(),
        "limits": {name: {"min": low, "max": high} for name, (low, high) in LIMITS.items()},
        "choices": {
            "dataset": [
                {"value": k, "label": d.label, "problem": d.problem} for k, d in DATASETS.items()
            ],
            "activation": [{"value": k, "label": k} for k in ACTIVATIONS],
            "initialization": [
                {"value": "suited", "label": "suited to the activation (He or Glorot)"},
                {"value": "small", "label": "naive: small (normal, std 0.01)"},
            ],
            "features": [{"value": k, "label": label} for k, (label, _) in FEATURES.items()],
            "optimizer": [
                {"value": "sgd", "label": "plain gradient descent (SGD)"},
                {"value": "momentum", "label": "SGD with momentum"},
                {"value": "adam", "label": "Adam"},
            ],
            "regularization": [
                {"value": "none", "label": "none"},
                {"value": "l1", "label": "L1 (pulls weights to exactly 0)"},
                {"value": "l2", "label": "L2 (shrinks large weights)"},
            ],
        },
    }
