"""What the browser draws: one frame of a training run, as plain JSON-ready data.

Everything a frame shows of the layers comes from one forward pass over three sets of input
points at once: the data, points along a grid of lines on the input plane, and points along
the decision boundary (where the output is 0.5; for several classes, where the top two classes
tie; a regression has none). Reading that pass layer by layer gives each layer's picture of the
data, of how the plane has been bent to get there, and of where the boundary lies in that
layer's space.
"""

from __future__ import annotations

import functools
import hashlib
import math
from typing import Any

import numpy as np

from app.nn.datasets import extent
from app.nn.features import feature_map
from app.nn.features import label as feature_label
from app.nn.model import PROBLEMS, ForwardPass, Layer, forward_many, predicted_class, r_squared
from app.pictures.encoding import finite, floats, quantized
from app.pictures.geometry import contour_segments, grid_lines
from app.pictures.palette import PALETTE, class_colors
from app.pictures.panels import (
    CLASS_NAMES,
    GRID_LINE_SAMPLES,
    GRID_LINES,
    Projection,
    layer_view,
    representations,
)
from app.run.state import TrainingState

Array = np.ndarray

BOUNDARY_RESOLUTION = 100  # cells per side of the probability heatmap
# The boundary line is traced through every other row and column of those cells (and the last
# one). A trace twice as fine would add vertices, and bytes to every layer's view, but no detail
# a panel can show: the crossings are interpolated, so the line lies on the boundary either way.
TRACED = np.r_[0:BOUNDARY_RESOLUTION:2, BOUNDARY_RESOLUTION - 1]
_TRACED_CELLS = np.ix_(TRACED, TRACED)
NEURON_MAP_SIDE = 17  # cells per side of each unit's little map in the network diagram


def build_frame(
    state: TrainingState,
    bases: dict[int, Array],
    projections: dict[int, Projection] | None = None,
    phase: str | None = None,
) -> tuple[dict[str, Any], dict[int, Array]]:
    """The frame for the current state, and the projection bases to reuse for the next one.

    ``bases`` holds, per wide layer, the principal axes used for the previous frame; the new
    axes are matched to them so the picture does not flip or swap between frames. ``phase``
    is the phase just done when a step is taken phase by phase (the loop shows what it made).
    """
    low, high = extent(state.config.dataset, state.x)
    axis, cells, lines = _plane_points(low, high)
    cell_pass = _forward(state, cells)
    plane, boundary_ends = _plane_map(state, cell_pass, axis)

    inputs = [state.x, lines, boundary_ends]
    raw = np.vstack(inputs)
    fwd = _forward(state, raw)
    cuts = np.cumsum([0] + [len(part) for part in inputs])
    parts = {name: slice(cuts[i], cuts[i + 1]) for i, name in enumerate(["points", "grid", "ends"])}

    layers, new_bases = [], {}
    for rep in representations(state, raw, fwd):
        projection = (projections or {}).get(rep.index)
        view, basis = layer_view(rep, state, parts, bases.get(rep.index), projection)
        layers.append(view)
        if basis is not None:
            new_bases[rep.index] = basis

    problem = state.config.problem
    z_points, out_points = fwd.zs[-1][parts["points"]], fwd.output[parts["points"]]
    frame = {
        "step": state.step,
        "data_id": _data_id(state, low, high),
        "problem": problem,
        "metrics": _metrics(state, z_points, out_points),
        "loop": _loop(state, z_points, out_points, phase),
        "data": {
            "problem": problem,
            "labels": floats(state.y) if problem == "regression" else state.y.astype(np.uint8),
            "is_test": state.is_test,
            "class_names": _class_names(state),
            "class_colors": class_colors(len(_class_names(state))),
        },
        "palette": PALETTE,
        "boundary": {"x": floats(axis), "y": floats(axis), **plane},
        "layers": layers,
        "network": _network(state, cell_pass),
    }
    return frame, new_bases


# A part of a frame left out because the client has it already (see without_known_data).
KNOWN = {"$known": True}


def without_known_data(frame: dict[str, Any]) -> dict[str, Any]:
    """The frame less what stays the same while the run's data does, for a client that has
    a frame of the same ``data_id``: the points' labels and test flags, the heatmap's axes, the
    input plane's points and grid lines, and the palette. Each is replaced by KNOWN, and the
    client puts back what it had there. The frame itself is left as it was."""
    data = {**frame["data"], "labels": KNOWN, "is_test": KNOWN}
    boundary = {**frame["boundary"], "x": KNOWN, "y": KNOWN}
    plane = {**frame["layers"][0], "points": KNOWN, "grid": KNOWN}
    layers = [plane, *frame["layers"][1:]]
    return {**frame, "data": data, "palette": KNOWN, "boundary": boundary, "layers": layers}


def _data_id(state: TrainingState, low: float, high: float) -> str:
    """A short name for everything without_known_data leaves out: the same data on the same
    plane gets the same one, whichever session or server process builds the frame."""
    digest = hashlib.blake2b(digest_size=8)
    for part in (state.x, state.y, state.is_test):
        digest.update(np.ascontiguousarray(part))
    digest.update(f"{state.config.problem} {low!r} {high!r}".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=64)
def _plane_points(low: float, high: float) -> tuple[Array, Array, Array]:
    """For a plane from low to high on both axes: the heatmap's axis, its cells' centres, and
    the points along the grid lines. The same for every frame of a run, so made once."""
    axis = np.linspace(low, high, BOUNDARY_RESOLUTION)
    # float32 is plenty for what the cells give (a shaded map, bytes per unit, a traced line),
    # and keeps each layer's arrays small enough to reuse memory rather than map fresh pages.
    cells = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2).astype(np.float32)
    lines = grid_lines(low, high, GRID_LINES, GRID_LINE_SAMPLES)
    for shared in (axis, cells, lines):
        shared.flags.writeable = False
    return axis, cells, lines


def _class_names(state: TrainingState) -> list[str]:
    return (
        list(CLASS_NAMES[: max(state.config.outputs, 2)])
        if state.config.problem != "regression"
        else []
    )


def _plane_map(state: TrainingState, cells: ForwardPass, axis: Array) -> tuple[dict, Array]:
    """What the input plane shows at every cell, and the ends of the boundary's segments.

    Binary: the probability of B, with the boundary where it is 0.5. Several classes: the
    winning class and its probability, with the boundaries where the top two classes tie.
    Regression: the predicted value, and no boundary.
    """
    side = len(axis)
    problem = state.config.problem
    if problem == "regression":
        return {"value": quantized(cells.output[:, 0].reshape(side, side))}, np.zeros((0, 2))
    if problem == "binary":
        p_cells = cells.probability.reshape(side, side)
        # p = 0.5 where the logit is 0; the logit varies far more evenly across a cell than p
        # does, so interpolating it puts the traced boundary closer to the true one.
        logit_cells = cells.logit.reshape(side, side)[_TRACED_CELLS]
        ends = contour_segments(logit_cells, axis[TRACED], axis[TRACED], 0.0).reshape(-1, 2)
        return {"p": quantized(p_cells, 0.0, 1.0)}, ends
    probabilities = cells.output
    plane = {
        "class": probabilities.argmax(axis=1).reshape(side, side).astype(np.uint8),
        "p": quantized(probabilities.max(axis=1).reshape(side, side), 0.0, 1.0),
    }
    scores = cells.zs[-1].reshape(side, side, -1)[_TRACED_CELLS]
    return plane, _class_boundaries(state, scores, axis[TRACED])


def _class_boundaries(state: TrainingState, scores: Array, axis: Array) -> Array:
    """Segment ends (pairs of rows) where the top two classes' scores tie.

    Class c's region ends where its score minus the best other score crosses 0. Each border
    between c and c' is found from both sides; only the copy from the lower class is kept
    (the runner-up at each segment's middle tells which class is across).
    """
    found = []  # (class, its segments)
    for c in range(scores.shape[2]):
        others = np.delete(scores, c, axis=2).max(axis=2)
        segments = contour_segments(scores[:, :, c] - others, axis, axis, 0.0)
        found.append((c, segments))
    segments = np.concatenate([s for _, s in found]).reshape(-1, 2, 2)
    if len(segments) == 0:
        return np.zeros((0, 2))
    owner = np.concatenate([np.full(len(s), c) for c, s in found])
    # One forward pass for every segment's middle, whichever class found it.
    middle = _forward(state, segments.mean(axis=1)).zs[-1]
    middle[np.arange(len(owner)), owner] = -np.inf
    return segments[middle.argmax(axis=1) > owner].reshape(-1, 2)


def _forward(state: TrainingState, x: Array, layers: list[Layer] | None = None) -> ForwardPass:
    """The network (the run's, or these ``layers``) on raw points: their features first, then
    the layers, at x's precision."""
    config = state.config
    cast = [
        Layer(la.w.astype(x.dtype, copy=False), la.b.astype(x.dtype, copy=False))
        for la in (state.layers if layers is None else layers)
    ]
    with np.errstate(over="ignore", invalid="ignore"):
        fwd = forward_many(cast, feature_map(config.features, x), config.activation, config.problem)
    # Weights are bounded, but a deep linear or ReLU net can still overflow far from the data.
    # Every activation here is finite where its z is, so checking the zs is enough; a sum is
    # one fast call per layer and is not finite if any value is not. (It can also overflow
    # from large finite values: that only takes the slower path for nothing.)
    if not all(np.isfinite(z.sum()) for z in fwd.zs):
        fwd.zs = [finite(z) for z in fwd.zs]
        fwd.activations = [finite(a) for a in fwd.activations]
    return fwd


def _metrics(state: TrainingState, z: Array, output: Array) -> dict[str, float | None]:
    """Loss on training and test points, and how good the answers are: for classes the share
    right (accuracy), for a regression R² (1 = exact, 0 = no better than the mean)."""
    problem = state.config.problem
    regression = problem == "regression"

    def measure(mask: Array) -> tuple[float | None, float | None, float | None]:
        if not mask.any():
            return None, None, None
        y = state.y[mask]
        loss = PROBLEMS[problem].loss(z[mask], y)
        loss = loss if np.isfinite(loss) else None
        if regression:
            return loss, None, r_squared(output[mask, 0], y)
        return loss, float(np.mean(predicted_class(output[mask]) == y)), None

    train_loss, train_accuracy, train_r2 = measure(~state.is_test)
    test_loss, test_accuracy, test_r2 = measure(state.is_test)
    return {
        "train_loss": train_loss,
        "train_accuracy": train_accuracy,
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
        "train_r2": train_r2,
        "test_r2": test_r2,
    }


def _network(state: TrainingState, cell_pass: ForwardPass) -> dict[str, Any]:
    """The network diagram: every unit's output over the input plane, and every weight.

    Each unit's map is a small grid of bytes (0 = its lowest value on the plane, 255 = its
    highest): ``maps["values"][k]`` is unit k's, row by row from the bottom of the plane, and
    ``maps["layer"][k]``, ``["unit"][k]``, ``["min"][k]`` and ``["max"][k]`` say whose it is
    and what its ends mean.
    """
    # One row per unit of every layer: one scaling for all of them.
    units = np.vstack([values.T[:, _MAP_CELLS] for values in cell_pass.activations])
    sizes = tuple(state.config.sizes)
    layer_of = np.repeat(np.arange(len(sizes)), sizes)
    unit_of = np.concatenate([np.arange(n) for n in sizes])
    maps = _byte_maps(units, layer_of, unit_of)
    outputs = {
        "binary": ["P(B)"],
        "multiclass": [f"P({c})" for c in _class_names(state)],
        "regression": ["prediction"],
    }[state.config.problem]
    return {
        "sizes": state.config.sizes,
        "inputs": [feature_label(f) for f in state.config.features],
        "outputs": outputs,
        "side": NEURON_MAP_SIDE,
        "maps": maps,
        "weights": [floats(layer.w) for layer in state.layers],
        "biases": [floats(layer.b) for layer in state.layers],
    }


def _map_cells() -> Array:
    """The rows of the cell pass that a unit's map shows: NEURON_MAP_SIDE² cells spread evenly
    over the BOUNDARY_RESOLUTION² of the heatmap, row by row."""
    side = BOUNDARY_RESOLUTION
    pick = np.linspace(0, side - 1, NEURON_MAP_SIDE).round().astype(int)
    return (pick[:, None] * side + pick[None, :]).ravel()


_MAP_CELLS = _map_cells()


def _byte_maps(units: Array, layer_of: Array, unit_of: Array) -> dict[str, Array]:
    """Each row of ``units`` (one unit's values at the map's cells) scaled to bytes over its
    own range: one row of bytes per unit, with its layer, its number, and its range."""
    low, high = units.min(axis=1), units.max(axis=1)
    span = np.where(high > low, high - low, 1.0)
    values = np.round((units - low[:, None]) / span[:, None] * 255).astype(np.uint8)
    values[high <= low] = 128  # a unit that is the same everywhere: the middle colour
    return {"layer": layer_of, "unit": unit_of, "min": low, "max": high, "values": values}


def _loop(state: TrainingState, z: Array, output: Array, phase: str | None) -> dict[str, Any]:
    """The training loop's live quantities: one sample's prediction against its target, the
    batch's loss, and each layer's gradient and update sizes.

    Between whole steps: the prediction and loss of the current weights, the last step's
    gradients and changes. While a step is taken phase by phase, what that step has made so
    far, and null for what its later phases make: after forward the prediction, after loss
    the losses too, after backward the gradients too, and after the update the changes, with
    the step's own prediction and losses (made with the weights it started from; the rest of
    the frame shows the new ones)."""
    pending = state.pending
    training_points = np.flatnonzero(~state.is_test)
    # The phase the step stands at (none if it was dropped: new points, say).
    done = phase if pending is not None or phase == "update" else None
    if done == "update" and state.previous_layers is None:
        done = None  # the step's starting weights are gone (a look back at a snapshot)

    def norms(layers: list | None) -> list[float] | None:
        if layers is None:
            return None
        # Significant digits, not decimals: a deep network's gradients near the input may be
        # a millionth of those near the output, and that is worth seeing (rounded to 6
        # decimals they would all read 0).
        return [float(f"{math.sqrt(np.vdot(g.w, g.w) + np.vdot(g.b, g.b)):.4g}") for g in layers]

    batch_loss, grads, changes = None, state.last_grads, _changes(state)
    if done in ("forward", "loss", "backward"):
        batch_loss, grads, changes = pending.loss, pending.grads, None
    elif done == "update":
        batch_loss = state.last_loss
    sample = None
    if len(training_points):
        i = int(training_points[0])  # the first training point, followed through every step
        if done == "update":
            fwd = _forward(state, state.x[i : i + 1], state.previous_layers)
            sample = _sample(state, i, fwd.zs[-1], fwd.output)
        else:
            sample = _sample(state, i, z[i : i + 1], output[i : i + 1])
        if done == "forward":
            sample["loss"] = None  # the loss phase comes next
    return {
        "batch_size": len(pending.y)
        if pending
        else (state.config.batch_size or len(state.y_train)),
        "batch_loss": batch_loss,
        "grad_norms": norms(grads),
        "update_norms": norms(changes),
        "learning_rate": state.config.learning_rate,
        "sample": sample,
    }


def _sample(state: TrainingState, i: int, z: Array, output: Array) -> dict[str, Any]:
    """Point i's prediction and loss, from its output layer's z and output (one row each).

    Binary: its P(B). Several classes: the predicted class, its probability, and the
    probability of the true class (the loss is -log of it). Regression: the predicted value.
    """
    problem = state.config.problem
    loss = PROBLEMS[problem].loss(z, state.y[i : i + 1])
    sample = {"x": floats(state.x[i]), "loss": round(float(loss), 4)}
    if problem == "regression":
        return {
            **sample,
            "target": round(float(state.y[i]), 4),
            "prediction": round(float(output[0, 0]), 4),
        }
    names = _class_names(state)
    target = int(state.y[i])
    predicted = int(predicted_class(output)[0])
    if problem == "binary":
        return {
            **sample,
            "target": names[target],
            "prediction": names[predicted],
            "p": round(float(output[0, 0]), 4),
        }
    return {
        **sample,
        "target": names[target],
        "prediction": names[predicted],
        "p": round(float(output[0, predicted]), 4),
        "p_target": round(float(output[0, target]), 4),
    }


def _changes(state: TrainingState) -> list | None:
    """How much the last update moved each layer (whatever the optimizer did)."""
    if state.previous_layers is None:
        return None
    pairs = zip(state.layers, state.previous_layers, strict=True)
    return [Layer(new.w - old.w, new.b - old.b) for new, old in pairs]
