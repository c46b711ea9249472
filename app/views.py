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
    reps.append(
        Representation(
            len(reps), "output", "Output", "sigmoid", fwd.activations[-1], fwd.zs[-1], ["p"], False
        )
    )
    return reps


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
    }
    if units == 1 and rep.z is not None:
        view.update(_curve_view(rep.z[:, 0], values[:, 0], rep.activation, parts))
        return view, None

    out = state.layers[-1]
    w_out = out.w[:, 0]
    basis, share, centre = np.eye(units), None, np.zeros(units)
    projection = projection or default_projection(units)
    if rep.spread_by_x2:
        w_out = np.array([w_out[0], 0.0])  # the output does not see x2 here
    elif units > 2 and projection.kind == "neurons":
        basis = np.eye(units)[list(projection.neurons)]
    elif units > 2:
        make_basis = readout_basis if rep.reads_out else pca_basis
        extra = (w_out,) if rep.reads_out else ()
        basis, share = make_basis(values[parts["points"]], *extra, previous_basis, projection.dims)
        points = values[parts["points"]]
        centre = points.mean(axis=0) if len(points) else np.zeros(units)

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
        view["separator"] = {"w": rounded(basis @ w_out), "b": round(float(w_out @ centre) + b, 6)}
    return view, (basis if share is not None else None)


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
    rep: Representation, share: Array | None, projection: Projection | None
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


def _grid_xy(values: Array) -> dict[str, dict[str, list[float | None]]]:
    """The two families of grid lines, each as one Plotly trace with gaps between lines."""
    half = len(values) // 2
    return {
        "vertical": with_gaps(values[:half], GRID_LINES, GRID_LINE_SAMPLES),
        "horizontal": with_gaps(values[half:], GRID_LINES, GRID_LINE_SAMPLES),
    }
