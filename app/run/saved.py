"""A whole run as plain data and back, exactly: the one place a run is taken apart and rebuilt.

``run_to_plain(state)`` gives a dict of plain values (str, int, float, bool, lists, dicts) and
NumPy arrays (float64 numbers, booleans for the test split); ``run_from_plain`` rebuilds the
run, which then continues bit for bit as the original would: its weights, the optimizer's
memory, the state of the generator that draws the mini-batches, its step and its timeline all
travel. ``to_json_ready`` turns the arrays into lists for JSON (Python's ``json`` writes every
float so that it reads back to the same bits).

The plain form of a run::

    config           the settings (TrainingConfig.to_dict)
    step, diverged
    diverged_reason  why it diverged: "weight_limit" or "not_finite" (None if it has not; an
                     older file without it that has diverged reads as None too)
    layers           [{"w": (inputs, outputs) array, "b": (outputs,) array}, ...]
    optimizer        its memory: {} for SGD; {"velocity": layers} for momentum;
                     {"t": updates so far, "m": layers, "v": layers} for Adam
    batch_generator  NumPy's PCG64 state, its two 128-bit integers as decimal strings (a
                     browser's JSON.parse holds numbers as doubles, msgpack has 64-bit ints)
    data             {"x": (n, 2) array, "y": (n,) array, "is_test": (n,) booleans}
    timeline         {"capacity", "interval", "steps", "snapshots": [layers, ...]}

``run_from_plain`` also takes a partial run (an imported file): without ``data`` the points
come from the config's seed, without ``timeline`` a new one starts at the current step, and
without ``optimizer`` or ``batch_generator`` those start afresh as at step 0. What does not fit
the config (shapes, labels) raises InvalidInput naming the part.

A step taken phase by phase and not finished is not saved: the run is saved as it was before
that step, with the generator's state from before its batch was drawn, so the rebuilt run
draws the same batch and takes the same step.

``network_file`` and ``run_from_network_file`` are the exported file (``GET .../export``): the
plain run without its timeline, with its points only when they are custom (built-in datasets
come back from the seed).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.errors import InvalidInput
from app.nn.datasets import MAX_POINTS, is_custom
from app.nn.model import Layer
from app.run.config import TrainingConfig
from app.run.history import History
from app.run.state import TrainingState, seeded_batches, seeded_data

Array = np.ndarray
Plain = dict[str, Any]

FILE_FORMAT = "layerscope-network"
FILE_VERSION = 2  # 1: config, step and weights only (still read)
# What each optimizer remembers between steps: lists of layers, and Adam's count of updates.
MEMORY = {"sgd": set(), "momentum": {"velocity"}, "adam": {"t", "m", "v"}}


def layers_to_plain(layers: list[Layer]) -> list[Plain]:
    return [{"w": layer.w, "b": layer.b} for layer in layers]


def layers_from_plain(items: list[Plain]) -> list[Layer]:
    return [Layer(_floats(item["w"]), _floats(item["b"])) for item in items]


def run_to_plain(state: TrainingState, data: bool = True, snapshots: bool = True) -> Plain:
    """The whole run as plain data (see the module's docstring); without its points or its
    timeline's snapshots if told (a session's store keeps those apart)."""
    history = state.history
    # A step begun phase by phase is saved as not begun (see the module's docstring).
    generator = state.pending.generator_before if state.pending else state.rng.bit_generator.state
    plain = {
        "config": state.config.to_dict(),
        "step": int(state.step),
        "diverged": bool(state.diverged),
        "diverged_reason": state.diverged_reason if state.diverged else None,
        "layers": layers_to_plain(state.layers),
        "optimizer": {
            key: layers_to_plain(value) if isinstance(value, list) else int(value)
            for key, value in state.optimizer_memory.items()
        },
        "batch_generator": _generator_to_plain(generator),
        "timeline": {
            "capacity": history.capacity,
            "interval": history.interval,
            "steps": list(history.steps),
        },
    }
    if data:
        plain["data"] = {"x": state.x, "y": state.y, "is_test": state.is_test}
    if snapshots:
        plain["timeline"]["snapshots"] = [layers_to_plain(layers) for layers in history.snapshots]
    return plain


def run_from_plain(plain: Plain) -> TrainingState:
    """The run back from its plain form, whole or partial (see the module's docstring).

    Raises InvalidInput if a part does not fit the config.
    """
    config = TrainingConfig.from_dict(plain["config"])
    layers = layers_from_plain(plain["layers"])
    _check_shapes(config, layers)
    memory = _memory_from_plain(config, layers, plain.get("optimizer") or {})
    if "batch_generator" in plain:
        batches = np.random.Generator(np.random.PCG64())
        batches.bit_generator.state = _generator_from_plain(plain["batch_generator"])
    else:
        batches = seeded_batches(config)
    if "data" in plain:
        x, y, is_test = _data_from_plain(config, plain["data"])
    else:
        x, y, is_test = seeded_data(config)
    timeline = plain.get("timeline")
    diverged = bool(plain.get("diverged", False))
    return TrainingState(
        config,
        x,
        y,
        is_test,
        layers,
        batches,
        step=int(plain.get("step", 0)),
        diverged=diverged,
        diverged_reason=plain.get("diverged_reason") if diverged else None,
        history=None if timeline is None else _history_from_plain(timeline),
        optimizer_memory=memory,
    )


def to_json_ready(value: Any) -> Any:
    """The same data with every NumPy array a (nested) list, ready for ``json.dumps``."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {key: to_json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_ready(item) for item in value]
    return value


def network_file(state: TrainingState) -> Plain:
    """The exported file: the run without its timeline; its points only if they are custom."""
    # Built-in datasets' points come back from the config's seed.
    plain = run_to_plain(state, data=is_custom(state.config.dataset), snapshots=False)
    del plain["timeline"]
    return {"format": FILE_FORMAT, "version": FILE_VERSION, **to_json_ready(plain)}


def run_from_network_file(file: Plain) -> TrainingState:
    """The run an exported file holds (version 1 or 2, already checked against its schema).

    A version 1 file holds weights only: the optimizer's memory and the batch generator start
    afresh, and a custom run has no points.
    """
    parts = {key: value for key, value in file.items() if key not in ("format", "version")}
    config = TrainingConfig.from_dict(parts["config"])
    if "data" in parts and not is_custom(config.dataset):
        raise InvalidInput(
            "data", "data: only a run on custom points carries them (the others come from the seed)"
        )
    return run_from_plain(parts)  # a custom run without data: its seed gives no points


def _floats(values: Any) -> Array:
    return np.asarray(values, dtype=float)


def _check_shapes(config: TrainingConfig, layers: list[Layer]) -> None:
    sizes = config.sizes
    expected = list(zip(sizes[:-1], sizes[1:], strict=True))
    found = [(la.w.shape, la.b.shape) for la in layers]
    if found != [((a, b), (b,)) for a, b in expected]:
        shapes = ", ".join(f"{a}x{b}" for a, b in expected)
        message = f"layers: shapes do not match the config's network (expected {shapes})"
        raise InvalidInput("layers", message)


def _memory_from_plain(config: TrainingConfig, layers: list[Layer], plain: Plain) -> Plain:
    if not plain:
        return {}  # none yet: the optimizer starts afresh
    expected = MEMORY[config.optimizer]
    if set(plain) != expected:
        keys = ", ".join(sorted(expected)) or "nothing"
        message = f"optimizer: {config.optimizer} remembers {keys} (found {', '.join(plain)})"
        raise InvalidInput("optimizer", message)
    memory: Plain = {}
    for key, value in plain.items():
        if key == "t":
            memory[key] = int(value)
            continue
        memory[key] = layers_from_plain(value)
        shapes = [(la.w.shape, la.b.shape) for la in memory[key]]
        if shapes != [(la.w.shape, la.b.shape) for la in layers]:
            raise InvalidInput("optimizer", f"optimizer.{key}: shapes must be the layers' shapes")
    return memory


def _generator_to_plain(state: Plain) -> Plain:
    return {**state, "state": {key: str(value) for key, value in state["state"].items()}}


def _generator_from_plain(plain: Plain) -> Plain:
    return {**plain, "state": {key: int(value) for key, value in plain["state"].items()}}


def _data_from_plain(config: TrainingConfig, plain: Plain) -> tuple[Array, Array, Array]:
    x = _floats(plain["x"]).reshape(-1, 2)
    y = _floats(plain["y"])
    is_test = np.asarray(plain["is_test"], dtype=bool)
    if not len(x) == len(y) == len(is_test) <= MAX_POINTS:
        message = f"data: x, y and is_test have one entry per point, at most {MAX_POINTS}"
        raise InvalidInput("data", message)
    if config.problem != "regression":
        classes = config.outputs if config.problem == "multiclass" else 2
        if not np.all(np.isin(y, np.arange(classes))):
            message = f"data: y holds class numbers from 0 to {classes - 1} for this config"
            raise InvalidInput("data", message)
    return x, y, is_test


def _history_from_plain(plain: Plain) -> History:
    snapshots = [layers_from_plain(layers) for layers in plain["snapshots"]]
    return History(plain["capacity"], plain["interval"], list(plain["steps"]), snapshots)
