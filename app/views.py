"""Each layer's panel: how a representation of the data is turned into a picture.

A representation is one set of coordinates for every input row (the data points, points along
the input plane's grid lines, and points along the decision boundary). A view projects it to
two or three axes, names them, and notes what is plotted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.encoding import rounded, with_gaps, xy
from app.features import RAW
from app.features import label as feature_label
from app.geometry import pca_basis, readout_basis
from app.model import ACTIVATIONS, ForwardPass
from app.training import TrainingState

Array = np.ndarray

GRID_LINES = 11  # lines per direction in the warped grid
GRID_LINE_SAMPLES = 21  # points along each line, enough for a bent line to look smooth
CURVE_SAMPLES = 60


@dataclass
class Representation:
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


def representations(state: TrainingState, raw: Array, fwd: ForwardPass) -> list[Representation]:
    """The raw input plane, the hand-made features (if any), each hidden layer, the output."""
    config = state.config
    n_hidden = len(config.hidden_layers)
    has_features = config.features != RAW
    reps = [Representation(0, "input", "Input", None, raw, None, ["x1", "x2"], False)]
    if has_features:
        names = [feature_label(f) for f in config.features]
        values, spread = fwd.activations[0], len(names) == 1
        if spread:
            values, names = np.column_stack([values[:, 0], raw[:, 1]]), [names[0], "x2"]
        reps.append(
            Representation(1, "features", "Features", None, values, None, names, False, spread)
        )
    for layer in range(1, n_hidden + 1):
        values = fwd.activations[layer]
        units = [f"neuron {i + 1}" for i in range(values.shape[1])]
        reps.append(
            Representation(
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
    activation, names = OUTPUTS[config.problem]
    if config.problem == "multiclass":
        names = [f"P({c})" for c in CLASS_NAMES[: config.classes]]
    reps.append(
        Representation(
            len(reps), "output", "Output", activation, fwd.activations[-1], fwd.zs[-1], names, False
        )
    )
    return reps


CLASS_NAMES = "ABCDE"
# Per problem: the output layer's activation (as named on its panel) and its units' names.
OUTPUTS = {
    "binary": ("sigmoid", ["p"]),
    "multiclass": ("softmax", []),
    "regression": ("linear", ["prediction"]),
}


def class_corners(classes: int) -> Array:
    """One corner per class on the unit circle, class A at the top, going anticlockwise:
    shape (classes, 2)."""
    angle = np.pi / 2 + 2 * np.pi * np.arange(classes) / classes
    return np.column_stack([np.cos(angle), np.sin(angle)])


@dataclass(frozen=True)
class Projection:
    """How the learner wants a layer of three or more units shown.

    ``pca``: along its top ``dims`` principal components (for the last hidden layer, the output
    unit's direction first). ``neurons``: two or three of its neurons, used as coordinates.
    """

    kind: str = "pca"
    dims: int = 2
    neurons: tuple[int, ...] = ()


def default_projection(units: int) -> Projection:
    # Three neurons fit a 3D plot exactly; more need a projection.
    return Projection("neurons", 3, (0, 1, 2)) if units == 3 else Projection()


def layer_view(
    rep: Representation,
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
        "scores": None,
        "ramp": None,
        "corners": None,
    }
    problem = state.config.problem
    if rep.kind == "output" and problem == "regression":
        view.update(_fit_view(values[:, 0], state.y, parts))
        return view, None
    if units == 1 and rep.z is not None:
        view.update(_curve_view(rep.z[:, 0], values[:, 0], rep.activation, parts))
        return view, None

    out = state.layers[-1]
    w_out = out.w  # (units, outputs)
    basis, share, centre = np.eye(units), None, np.zeros(units)
    projection = projection or default_projection(units)
    if rep.kind == "output":
        # K class probabilities: each point mixes the class corners by its probabilities.
        basis, projection = class_corners(units).T, None
    elif rep.spread_by_x2:
        w_out = np.vstack([w_out[:1], np.zeros_like(w_out[:1])])  # the output does not see x2
    elif units > 2 and projection.kind == "neurons":
        basis = np.eye(units)[list(projection.neurons)]
    elif units > 2:
        make_basis = readout_basis if rep.reads_out else pca_basis
        extra = (_read_directions(w_out),) if rep.reads_out else ()
        basis, share = make_basis(values[parts["points"]], *extra, previous_basis, projection.dims)
        points = values[parts["points"]]
        centre = points.mean(axis=0) if len(points) else np.zeros(units)

    def project(rows: Array) -> Array:
        return (rows - centre) @ basis.T

    exact = rep.reads_out and _in_span(_read_directions(w_out), basis)
    shown_projection = projection if units > 2 and rep.kind != "output" else None
    outputs = state.config.outputs
    view.update(_describe_view(rep, share, shown_projection, problem, exact, outputs))
    if rep.kind == "output":
        corners = class_corners(units)
        view["corners"] = {**xy(corners), "names": list(CLASS_NAMES[:units])}
    view.update(dims=len(basis), **_drawing(values, project, parts))
    if rep.z is not None:
        # The layer's first move, the affine map z = W·a + b, seen through the same projection:
        # moving from here to the activation is then the nonlinearity alone.
        view["pre"] = _drawing(rep.z, project, parts)
    # The output's straight lines are exact only in a view that keeps every direction the
    # output reads. Its units compute w·a + b; in this view's coordinates u (a = centre +
    # u·basis) that is (basis w)·u + w·centre + b.
    if exact:
        w_view, b_view = basis @ w_out, centre @ w_out + out.b
        if problem == "binary":  # sigmoid(w·a + b) = 0.5 exactly where w·a + b = 0
            view["separator"] = {"w": rounded(w_view[:, 0]), "b": round(float(b_view[0]), 6)}
        elif problem == "multiclass":  # two classes tie where their scores are equal
            view["scores"] = {"w": rounded(w_view.T), "b": rounded(b_view, 6)}
        else:  # the prediction itself: a straight ramp
            view["ramp"] = {"w": rounded(w_view[:, 0]), "b": round(float(b_view[0]), 6)}
    return view, (basis if share is not None else None)


def _read_directions(w_out: Array) -> Array:
    """The directions the output layer reads: its one weight vector, or, for K classes, the
    directions along which the class scores differ (each weight vector less their mean)."""
    if w_out.shape[1] == 1:
        return w_out[:, 0]
    return w_out - w_out.mean(axis=1, keepdims=True)


def _in_span(directions: Array, basis: Array) -> bool:
    """True if every direction lies in the span of the basis rows (orthonormal or a subset of
    the unit axes), so the output's lines keep their meaning in the view."""
    d = directions.reshape(len(directions), -1)
    rest = d - basis.T @ np.linalg.lstsq(basis.T, d, rcond=None)[0]
    return bool(np.linalg.norm(rest) <= 1e-6 * max(np.linalg.norm(d), 1e-12))


def _drawing(
    values: Array, project: Callable[[Array], Array], parts: dict[str, slice]
) -> dict[str, Any]:
    """A representation's points, grid lines and boundary, in a view's coordinates."""
    return {
        "points": xy(project(values[parts["points"]])),
        "grid": _grid_xy(project(values[parts["grid"]])),
        "boundary": with_gaps(project(values[parts["ends"]]), pieces=-1, per_piece=2),
    }


def _describe_view(
    rep: Representation,
    share: Array | None,
    projection: Projection | None,
    problem: str = "binary",
    exact: bool = False,
    classes: int = 1,
) -> dict[str, Any]:
    """The view's name, axis titles and a line saying what is plotted."""
    units = len(rep.unit_names)
    what = "hand-made features" if rep.kind == "features" else "neurons"
    if rep.kind == "output":
        names = ", ".join(CLASS_NAMES[:units])
        return {
            "view": "simplex",
            "axes": ["", ""],
            "note": (
                f"The {units} class probabilities. Each class has a corner ({names}); each point "
                "sits at the mix of corners its probabilities give: near a corner, the network is "
                "sure of that class; in the middle, undecided. Slide back to see the scores "
                "(weighted sums) before the softmax turns them into probabilities."
            ),
        }
    if share is not None and rep.reads_out and problem != "binary":
        return _describe_readout(units, what, share, problem, exact, classes)
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
    if rep.reads_out and problem == "multiclass":
        note += (
            " Solid lines: where two classes' scores tie, straight in the layer the output reads."
        )
    elif rep.reads_out and problem == "regression":
        note += (
            " Thin lines: equal predictions, straight and parallel in the layer the output reads."
        )
    return {"view": "plane", "axes": rep.unit_names, "note": note}


def _describe_readout(
    units: int, what: str, share: Array, problem: str, exact: bool, classes: int
) -> dict[str, Any]:
    """A wide last hidden layer seen along what the output reads, for K classes or a value."""
    if problem == "regression":
        others = [f"other direction {i} ({share[i]:.0%})" for i in range(1, len(share))]
        return {
            "view": "readout",
            "axes": [f"output unit's direction ({share[0]:.0%})", *others],
            "note": (
                f"{units} {what}. Across: the one direction the output unit reads. The "
                "prediction is a straight ramp along it: it rises steadily across the panel, and "
                "the thin lines of equal prediction stand straight and parallel."
            ),
        }
    read = min(classes - 1, len(share))
    axes = [
        f"class scores' direction {i + 1} ({share[i]:.0%})"
        if i < read
        else f"other direction {i - read + 1} ({share[i]:.0%})"
        for i in range(len(share))
    ]
    if exact and len(share) == 3:
        note = (
            f"{units} {what}, seen along the directions in which the output's class scores "
            "differ. Where two classes' scores tie is a flat plane here (not drawn in 3D: "
            "switch to 2D to see the tie lines)."
        )
    elif exact:
        note = (
            f"{units} {what}, seen along the directions in which the output's class scores "
            "differ. Solid lines: where two classes' scores tie. In this layer they are straight: "
            "the layers before have bent the data until straight cuts split the classes."
        )
    else:
        note = (
            f"{units} {what}, seen along {read} of the directions in which the output's class "
            "scores differ. With this many classes the scores differ along more directions than "
            "a panel shows, so their straight tie lines (planes) are not drawn here."
        )
    return {"view": "readout", "axes": axes, "note": note}


def _curve_view(z: Array, a: Array, activation: str, parts: dict[str, slice]) -> dict[str, Any]:
    """A one-neuron layer drawn as its activation curve, with each point placed on it."""
    points = z[parts["points"]]
    z_low, z_high = (float(points.min()), float(points.max())) if len(points) else (-1.0, 1.0)
    pad = max(1.0, 0.1 * (z_high - z_low))
    zs = np.linspace(z_low - pad, z_high + pad, CURVE_SAMPLES)
    is_output = activation == "sigmoid" and parts["ends"].stop == len(z)
    ends = z[parts["ends"]]
    return {
        "view": "curve",
        "axes": ["z (weighted sum)", f"{activation}(z)"],
        "note": "One neuron: its weighted sum z across, its output up.",
        "points": xy(np.column_stack([points, a[parts["points"]]])),
        "curve": xy(np.column_stack([zs, ACTIVATIONS[activation].f(zs)])),
        # Every boundary point has the same z here: one number decides the class.
        "threshold": round(float(np.median(ends)), 6) if len(ends) and not is_output else None,
    }


def _fit_view(prediction: Array, y: Array, parts: dict[str, slice]) -> dict[str, Any]:
    """The regression output: each point's prediction across and its target up."""
    points = prediction[parts["points"]]
    values = np.concatenate([points, y]) if len(y) else np.array([-1.0, 1.0])
    low, high = float(values.min()), float(values.max())
    return {
        "view": "fit",
        "axes": ["prediction", "target (true value)"],
        "note": (
            "One output unit with no squashing: its weighted sum is the prediction. Each point: "
            "prediction across, true value up. On the diagonal the prediction is exact; the "
            "loss is the mean of the squared vertical distances to it."
        ),
        "points": xy(np.column_stack([points, y])),
        "curve": xy(np.array([[low, low], [high, high]])),
    }


def _grid_xy(values: Array) -> dict[str, dict[str, list[float | None]]]:
    """The two families of grid lines, each as one Plotly trace with gaps between lines."""
    half = len(values) // 2
    return {
        "vertical": with_gaps(values[:half], GRID_LINES, GRID_LINE_SAMPLES),
        "horizontal": with_gaps(values[half:], GRID_LINES, GRID_LINE_SAMPLES),
    }
