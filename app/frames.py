"""What the browser draws: one frame of a training run, as plain JSON-ready data.

Everything a frame shows of the layers comes from one forward pass over three sets of input
points at once: the data, points along a grid of lines on the input plane, and points along
the decision boundary (where the output is 0.5). Reading that pass layer by layer gives each
layer's picture of the data, of how the plane has been bent to get there, and of where the
boundary lies in that layer's space.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.datasets import DATASETS
from app.features import RAW, feature_map
from app.features import label as feature_label
from app.geometry import contour_segments, grid_lines, pca_basis, readout_basis
from app.model import ACTIVATIONS, ForwardPass, Layer, accuracy, bce_loss, forward, sigmoid
from app.training import TrainingState

Array = np.ndarray

BOUNDARY_RESOLUTION = 50  # cells per side of the probability heatmap
GRID_LINES = 11  # lines per direction in the warped grid
GRID_LINE_SAMPLES = 21  # points along each line, enough for a bent line to look smooth
CURVE_SAMPLES = 60
NEURON_MAP_SIDE = 17  # cells per side of each unit's little map in the network diagram
# Coordinates are clipped here so a network with enormous weights still gives valid JSON.
COORDINATE_LIMIT = 1e6


def build_frame(
    state: TrainingState,
    bases: dict[int, Array],
    projections: dict[int, Projection] | None = None,
) -> tuple[dict[str, Any], dict[int, Array]]:
    """The frame for the current state, and the projection bases to reuse for the next one.

    ``bases`` holds, per wide layer, the principal axes used for the previous frame; the new
    axes are matched to them so the picture does not flip or swap between frames.
    """
    low, high = DATASETS[state.config.dataset].extent
    axis = np.linspace(low, high, BOUNDARY_RESOLUTION)
    cells = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    cell_pass = _forward(state, cells)
    p_cells = cell_pass.probability.reshape(len(axis), len(axis))
    # p = 0.5 where the logit is 0; the logit varies far more evenly across a cell than p
    # does, so interpolating it puts the traced boundary closer to the true one.
    logit_cells = cell_pass.logit.reshape(len(axis), len(axis))
    boundary_ends = contour_segments(logit_cells, axis, axis, 0.0).reshape(-1, 2)

    inputs = [state.x, grid_lines(low, high, GRID_LINES, GRID_LINE_SAMPLES), boundary_ends]
    raw = np.vstack(inputs)
    fwd = _forward(state, raw)
    cuts = np.cumsum([0] + [len(part) for part in inputs])
    parts = {name: slice(cuts[i], cuts[i + 1]) for i, name in enumerate(["points", "grid", "ends"])}

    layers, new_bases = [], {}
    for rep in _representations(state, raw, fwd):
        projection = (projections or {}).get(rep.index)
        view, basis = _layer_view(rep, state, parts, bases.get(rep.index), projection)
        layers.append(view)
        if basis is not None:
            new_bases[rep.index] = basis

    frame = {
        "step": state.step,
        "metrics": _metrics(state, fwd.logit[parts["points"]]),
        "loop": _loop(state, fwd.logit[parts["points"]]),
        "data": {
            "labels": state.y.astype(int).tolist(),
            "is_test": state.is_test.tolist(),
            "class_names": ["A", "B"],
        },
        "boundary": {"x": _round(axis), "y": _round(axis), "p": _round(p_cells, 3)},
        "layers": layers,
        "network": _network(state, cell_pass),
    }
    return frame, new_bases


def _forward(state: TrainingState, x: Array) -> ForwardPass:
    """The network on raw points: their features first, then the layers."""
    with np.errstate(over="ignore", invalid="ignore"):
        fwd = forward(state.layers, feature_map(state.config.features, x), state.config.activation)
    # Weights are bounded, but a deep linear or ReLU net can still overflow far from the data.
    fwd.zs = [_finite(z) for z in fwd.zs]
    fwd.activations = [_finite(a) for a in fwd.activations]
    return fwd


def _metrics(state: TrainingState, logit: Array) -> dict[str, float | None]:
    def loss_and_accuracy(mask: Array) -> tuple[float | None, float | None]:
        if not mask.any():
            return None, None
        loss = bce_loss(logit[mask], state.y[mask])
        return (loss if np.isfinite(loss) else None), accuracy(sigmoid(logit[mask]), state.y[mask])

    train_loss, train_accuracy = loss_and_accuracy(~state.is_test)
    test_loss, test_accuracy = loss_and_accuracy(state.is_test)
    return {
        "train_loss": train_loss,
        "train_accuracy": train_accuracy,
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
    }


@dataclass
class _Representation:
    """One panel's worth of data: a representation of every input row, and how to name it."""

    index: int
    kind: str  # input (the raw plane), features, hidden or output
    name: str
    activation: str | None
    values: Array  # one row per input row: points, then grid-line points, then boundary ends
    z: Array | None  # the pre-activation, for layers that have one
    unit_names: list[str]
    reads_out: bool  # the output unit reads this representation directly
    # A single hand-made feature is drawn against x2, which only spreads the points out.
    spread_by_x2: bool = False


def _representations(state: TrainingState, raw: Array, fwd: ForwardPass) -> list[_Representation]:
    """The raw input plane, the hand-made features (if any), each hidden layer, the output."""
    config = state.config
    n_hidden = len(config.hidden_layers)
    has_features = config.features != RAW
    reps = [_Representation(0, "input", "Input", None, raw, None, ["x1", "x2"], False)]
    if has_features:
        names = [feature_label(f) for f in config.features]
        values, spread = fwd.activations[0], len(names) == 1
        if spread:
            values, names = np.column_stack([values[:, 0], raw[:, 1]]), [names[0], "x2"]
        reps.append(
            _Representation(1, "features", "Features", None, values, None, names, False, spread)
        )
    for layer in range(1, n_hidden + 1):
        values = fwd.activations[layer]
        units = [f"neuron {i + 1}" for i in range(values.shape[1])]
        reps.append(
            _Representation(
                len(reps),
                "hidden",
                f"Hidden layer {layer}",
                config.activation,
                values,
                fwd.zs[layer - 1],
                units,
                False,
            )
        )
    reps[-1].reads_out = True
    reps.append(
        _Representation(
            len(reps), "output", "Output", "sigmoid", fwd.activations[-1], fwd.zs[-1], ["p"], False
        )
    )
    return reps


def _network(state: TrainingState, cell_pass: ForwardPass) -> dict[str, Any]:
    """The network diagram: every unit's output over the input plane, and every weight.

    Each unit's map is a small grid of bytes (0 = its lowest value on the plane, 255 = its
    highest), base64-encoded: a few hundred bytes a unit instead of kilobytes of numbers.
    """
    side = BOUNDARY_RESOLUTION
    pick = np.linspace(0, side - 1, NEURON_MAP_SIDE).round().astype(int)
    maps = []
    for layer, values in enumerate(cell_pass.activations):
        grid = values.reshape(side, side, -1)[np.ix_(pick, pick)]
        for unit in range(grid.shape[2]):
            maps.append(_byte_map(layer, unit, grid[:, :, unit]))
    return {
        "sizes": state.config.sizes,
        "inputs": [feature_label(f) for f in state.config.features],
        "side": NEURON_MAP_SIDE,
        "maps": maps,
        "weights": [_round(layer.w, 3) for layer in state.layers],
        "biases": [_round(layer.b, 3) for layer in state.layers],
    }


def _byte_map(layer: int, unit: int, values: Array) -> dict[str, Any]:
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) / (high - low) if high > low else np.full_like(values, 0.5)
    data = np.round(scaled * 255).astype(np.uint8).tobytes()
    return {
        "layer": layer,
        "unit": unit,
        "min": round(low, 4),
        "max": round(high, 4),
        "values": base64.b64encode(data).decode("ascii"),
    }


def _loop(state: TrainingState, logit: Array) -> dict[str, Any]:
    """The training loop's live quantities: one sample's prediction against its target, the
    batch's loss, and each layer's gradient and update sizes."""
    pending = state.pending
    sample = int(np.flatnonzero(~state.is_test)[0])
    p = float(sigmoid(logit[sample]))
    target = float(state.y[sample])
    current = pending.grads if pending is not None and pending.grads is not None else None
    lr = state.config.learning_rate

    def norms(layers: list | None) -> list[float] | None:
        if layers is None:
            return None
        return [round(float(np.sqrt(np.sum(g.w**2) + np.sum(g.b**2))), 6) for g in layers]

    return {
        "batch_size": len(pending.y)
        if pending
        else (state.config.batch_size or len(state.y_train)),
        "batch_loss": pending.loss if pending is not None else None,
        "grad_norms": norms(current if current is not None else state.last_grads),
        "update_norms": norms(_changes(state)),
        "learning_rate": lr,
        "sample": {
            "x": _round(state.x[sample]),
            "target": ["A", "B"][int(target)],
            "p": round(p, 4),
            "loss": round(
                float(bce_loss(logit[sample : sample + 1], state.y[sample : sample + 1])), 4
            ),
        },
    }


@dataclass(frozen=True)
class Projection:
    """How the learner wants a layer of three or more units shown.

    ``pca``: along its top ``dims`` principal components (for the last hidden layer, the output
    unit's direction first). ``neurons``: two or three of its neurons, used as coordinates.
    """

    kind: str = "pca"
    dims: int = 2
    neurons: tuple[int, ...] = ()


def _default_projection(units: int) -> Projection:
    # Three neurons fit a 3D plot exactly; more need a projection.
    return Projection("neurons", 3, (0, 1, 2)) if units == 3 else Projection()


def _changes(state: TrainingState) -> list | None:
    """How much the last update moved each layer (whatever the optimizer did)."""
    if state.previous_layers is None:
        return None
    pairs = zip(state.layers, state.previous_layers, strict=True)
    return [Layer(new.w - old.w, new.b - old.b) for new, old in pairs]


def _layer_view(
    rep: _Representation,
    state: TrainingState,
    parts: dict[str, slice],
    previous_basis: Array | None,
    projection: Projection | None = None,
) -> tuple[dict[str, Any], Array | None]:
    """One layer's panel: where its neurons put the data, the grid and the boundary."""
    values = rep.values
    units = values.shape[1]
    view: dict[str, Any] = {
        "index": rep.index,
        "name": rep.name,
        "kind": rep.kind,
        "units": 1 if rep.spread_by_x2 else units,
        "activation": rep.activation,
        "dims": 2,
        "grid": None,
        "boundary": None,
        "separator": None,
        "curve": None,
        "threshold": None,
        "pre": None,
    }
    if units == 1 and rep.z is not None:
        view.update(_curve_view(rep.z[:, 0], values[:, 0], rep.activation, parts))
        return view, None

    out = state.layers[-1]
    w_out = out.w[:, 0]
    basis, share, centre = np.eye(units), None, np.zeros(units)
    projection = projection or _default_projection(units)
    if rep.spread_by_x2:
        w_out = np.array([w_out[0], 0.0])  # the output does not see x2 here
    elif units > 2 and projection.kind == "neurons":
        basis = np.eye(units)[list(projection.neurons)]
    elif units > 2:
        make_basis = readout_basis if rep.reads_out else pca_basis
        extra = (w_out,) if rep.reads_out else ()
        basis, share = make_basis(values[parts["points"]], *extra, previous_basis, projection.dims)
        centre = values[parts["points"]].mean(axis=0)

    def project(rows: Array) -> Array:
        return (rows - centre) @ basis.T

    view.update(_describe_view(rep, share, projection if units > 2 else None))
    view.update(dims=len(basis), **_drawing(values, project, parts))
    if rep.z is not None:
        # The layer's first move, the affine map z = W·a + b, seen through the same projection:
        # moving from here to the activation is then the nonlinearity alone.
        view["pre"] = _drawing(rep.z, project, parts)
    # The separator is exact only in a view that keeps the output unit's whole direction.
    if rep.reads_out and (share is not None or len(basis) == units):
        # The output is sigmoid(w·a + b), 0.5 exactly where w·a + b = 0. In this view's
        # coordinates u (a = centre + u·basis) that is (basis w)·u + w·centre + b = 0.
        b = float(out.b[0])
        view["separator"] = {"w": _round(basis @ w_out), "b": round(float(w_out @ centre) + b, 6)}
    return view, (basis if share is not None else None)


def _drawing(
    values: Array, project: Callable[[Array], Array], parts: dict[str, slice]
) -> dict[str, Any]:
    """A representation's points, grid lines and boundary, in a view's coordinates."""
    return {
        "points": _xy(project(values[parts["points"]])),
        "grid": _grid_xy(project(values[parts["grid"]])),
        "boundary": _with_gaps(project(values[parts["ends"]]), pieces=-1, per_piece=2),
    }


AXIS_KEYS = ("x", "y", "z")


def _describe_view(
    rep: _Representation, share: Array | None, projection: Projection | None
) -> dict[str, Any]:
    """The view's name, axis titles and a line saying what is plotted."""
    units = len(rep.unit_names)
    what = "hand-made features" if rep.kind == "features" else "neurons"
    if projection is not None and projection.kind == "neurons":
        picked = [rep.unit_names[i] for i in projection.neurons]
        every = "all three" if len(picked) == units else f"{len(picked)} of the {units}"
        return {
            "view": "neurons",
            "axes": picked,
            "note": f"{every.capitalize()} {what}' outputs, used directly as coordinates.",
        }
    if share is not None and rep.reads_out:
        others = [f"other direction {i} ({share[i]:.0%})" for i in range(1, len(share))]
        return {
            "view": "readout",
            "axes": [f"output unit's direction ({share[0]:.0%})", *others],
            "note": (
                f"{units} {what}. Across: the one direction the output unit looks along, so its "
                "decision boundary is a straight line (a flat plane in 3D) standing across it. "
                "The rest: the widest remaining spread."
            ),
        }
    if share is not None:
        return {
            "view": "pca",
            "axes": [f"principal component {i + 1} ({share[i]:.0%})" for i in range(len(share))],
            "note": (
                f"{units} {what}, seen along the directions in which the points spread the most "
                "(principal components; % = share of the spread shown)."
            ),
        }
    if rep.kind == "input":
        note = "The data as given: each point at its (x1, x2)."
    elif rep.spread_by_x2:
        note = (
            f"One hand-made feature, {rep.unit_names[0]}, across; x2 up only spreads the points. "
            "The output needs just a threshold on it (solid line)."
        )
    elif rep.kind == "features":
        note = "The two hand-made features, used directly as coordinates."
    else:
        note = f"The two neurons' {rep.activation} outputs, used directly as coordinates."
    return {"view": "plane", "axes": rep.unit_names, "note": note}


def _curve_view(z: Array, a: Array, activation: str, parts: dict[str, slice]) -> dict[str, Any]:
    """A one-neuron layer drawn as its activation curve, with each point placed on it."""
    points = z[parts["points"]]
    z_low, z_high = float(np.min(points)), float(np.max(points))
    pad = max(1.0, 0.1 * (z_high - z_low))
    zs = np.linspace(z_low - pad, z_high + pad, CURVE_SAMPLES)
    is_output = activation == "sigmoid" and parts["ends"].stop == len(z)
    ends = z[parts["ends"]]
    return {
        "view": "curve",
        "axes": ["z (weighted sum)", f"{activation}(z)"],
        "note": "One neuron: its weighted sum z across, its output up.",
        "points": _xy(np.column_stack([points, a[parts["points"]]])),
        "curve": _xy(np.column_stack([zs, ACTIVATIONS[activation].f(zs)])),
        # Every boundary point has the same z here: one number decides the class.
        "threshold": round(float(np.median(ends)), 6) if len(ends) and not is_output else None,
    }


def _xy(values: Array) -> dict[str, list[float]]:
    """Columns as lists under x, y (and z for a 3D view)."""
    return {key: _round(values[:, i]) for i, key in enumerate(AXIS_KEYS[: values.shape[1]])}


def _grid_xy(values: Array) -> dict[str, dict[str, list[float | None]]]:
    """The two families of grid lines, each as one Plotly trace with gaps between lines."""
    half = len(values) // 2
    return {
        "vertical": _with_gaps(values[:half], GRID_LINES, GRID_LINE_SAMPLES),
        "horizontal": _with_gaps(values[half:], GRID_LINES, GRID_LINE_SAMPLES),
    }


def _with_gaps(values: Array, pieces: int, per_piece: int) -> dict[str, list[float | None]]:
    """Consecutive runs of per_piece points as separate lines: None between runs."""
    k = values.shape[1]
    shaped = np.round(_finite(values), 4).reshape(pieces, per_piece, k)
    gap = np.full((len(shaped), 1, k), np.nan)
    flat = np.concatenate([shaped, gap], axis=1).reshape(-1, k)
    return {
        key: [None if v != v else v for v in flat[:, i].tolist()]
        for i, key in enumerate(AXIS_KEYS[:k])
    }


def _round(values: Array, decimals: int = 4) -> list:
    """JSON-ready: finite and short."""
    return np.round(_finite(values), decimals).tolist()


def _finite(values: Array) -> Array:
    return np.clip(
        np.nan_to_num(values, nan=0.0, posinf=COORDINATE_LIMIT, neginf=-COORDINATE_LIMIT),
        -COORDINATE_LIMIT,
        COORDINATE_LIMIT,
    )
