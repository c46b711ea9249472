"""Each layer's panel: how a representation of the data is turned into a picture.

A representation is one set of coordinates for every input row (the data points, points along
the input plane's grid lines, and points along the decision boundary). A view projects it to
two or three axes, names them, and notes what is plotted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.nn.features import RAW
from app.nn.features import label as feature_label
from app.nn.model import ACTIVATIONS, ForwardPass
from app.pictures.encoding import floats, with_gaps, xy
from app.pictures.geometry import pca_basis, readout_basis, tie_segments
from app.pictures.palette import class_colors
from app.run.state import TrainingState

Array = np.ndarray

GRID_LINES = 11  # lines per direction in the warped grid
GRID_LINE_SAMPLES = 21  # points along each line, enough for a bent line to look smooth
CURVE_SAMPLES = 60


def phrase(key: str, **values: Any) -> dict[str, Any]:
    """Text for the page, as a key into its string tables (one per language, in
    static/js/strings/views.js) and the values to fill in. A value may itself be a phrase."""
    return {"key": key, "vars": values}


def unit_word(kind: str) -> dict[str, Any]:
    return phrase("word.features" if kind == "features" else "word.neurons")


@dataclass
class Representation:
    """One panel's worth of data: a representation of every input row, and how to name it."""

    index: int
    kind: str  # input (the raw plane), features, hidden or output
    name: dict[str, Any]  # a phrase
    activation: str | None
    values: Array  # one row per input row: points, then grid-line points, then boundary ends
    z: Array | None  # the pre-activation, for layers that have one
    unit_names: list[dict[str, Any]]  # phrases, the axis titles when drawn directly
    reads_out: bool  # the output unit reads this representation directly
    # A single hand-made feature is drawn against x2, which only spreads the points out.
    spread_by_x2: bool = False


def representations(state: TrainingState, raw: Array, fwd: ForwardPass) -> list[Representation]:
    """The raw input plane, the hand-made features (if any), each hidden layer, the output."""
    config = state.config
    n_hidden = len(config.hidden_layers)
    has_features = config.features != RAW
    raw_names = [phrase("axis.name", name="x1"), phrase("axis.name", name="x2")]
    reps = [Representation(0, "input", phrase("layer.input"), None, raw, None, raw_names, False)]
    if has_features:
        names = [phrase("axis.name", name=feature_label(f)) for f in config.features]
        values, spread = fwd.activations[0], len(names) == 1
        if spread:
            values, names = np.column_stack([values[:, 0], raw[:, 1]]), [names[0], raw_names[1]]
        reps.append(
            Representation(
                1, "features", phrase("layer.features"), None, values, None, names, False, spread
            )
        )
    for layer in range(1, n_hidden + 1):
        values = fwd.activations[layer]
        units = [phrase("axis.neuron", n=i + 1) for i in range(values.shape[1])]
        reps.append(
            Representation(
                len(reps),
                "hidden",
                phrase("layer.hidden", n=layer),
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
        names = [phrase("axis.name", name=f"P({c})") for c in CLASS_NAMES[: config.classes]]
    reps.append(
        Representation(
            len(reps),
            "output",
            phrase("layer.output"),
            activation,
            fwd.activations[-1],
            fwd.zs[-1],
            names,
            False,
        )
    )
    return reps


CLASS_NAMES = "ABCDE"
# Per problem: the output layer's activation (as named on its panel) and its units' names.
OUTPUTS = {
    "binary": ("sigmoid", [phrase("axis.name", name="p")]),
    "multiclass": ("softmax", []),
    "regression": ("linear", [phrase("axis.prediction")]),
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
        "output_level": None,
        "pre": None,
        "ties": None,
        "levels": None,
        "corners": None,
    }
    problem = state.config.problem
    if rep.kind == "output" and problem == "regression":
        view.update(_fit_view(values[:, 0], state.y, parts))
        return view, None
    if units == 1 and rep.z is not None:
        view.update(_curve_view(rep.z[:, 0], values[:, 0], rep.activation, rep.kind, parts))
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
    shown = project(values)  # every row at once: one product rather than one per part
    corners = class_corners(units) if rep.kind == "output" else np.zeros((0, 2))
    if rep.kind == "output":
        names = list(CLASS_NAMES[:units])
        view["corners"] = {**xy(corners), "names": names, "colors": class_colors(units)}
    view.update(dims=len(basis), **_drawing(shown, parts))
    if rep.z is not None:
        # The layer's first move, the affine map z = W·a + b, seen through the same projection:
        # moving from here to the activation is then the nonlinearity alone.
        view["pre"] = _drawing(project(rep.z), parts)
    # The output's straight lines are exact only in a view that keeps every direction the
    # output reads. Its units compute w·a + b; in this view's coordinates u (a = centre +
    # u·basis) that is (basis w)·u + w·centre + b. In 3D the ties and levels would be planes:
    # only the binary separator is drawn there.
    flat = len(basis) == 2
    if exact:
        w_view, b_view = basis @ w_out, centre @ w_out + out.b
        if problem == "binary":  # sigmoid(w·a + b) = 0.5 exactly where w·a + b = 0
            view["separator"] = {"w": floats(w_view[:, 0]), "b": round(float(b_view[0]), 6)}
        elif problem == "multiclass" and flat:  # two classes tie where their scores are equal
            low, high = _shown_box(shown, parts, corners)
            segments = tie_segments(w_view.T, b_view, low, high)
            view["ties"] = with_gaps(segments.reshape(-1, 2), pieces=-1, per_piece=2)
        elif problem == "regression" and flat:  # the prediction itself: a straight ramp
            view["levels"] = _levels(w_view[:, 0], float(b_view[0]), state.y)
    return view, (basis if share is not None else None)


def _shown_box(shown: Array, parts: dict[str, slice], corners: Array) -> tuple[Array, Array]:
    """A box around everything a panel shows (its points, grid and class corners), widened
    by its own size on every side: the page's axes may show more than the data fills."""
    rows = np.vstack([shown[parts["points"]], shown[parts["grid"]], corners])
    low, high = rows.min(axis=0), rows.max(axis=0)
    span = np.maximum(high - low, 1e-3)  # a layer collapsed to a point still gets a box
    return low - span, high + span


LEVELS = 5  # lines of equal prediction on a regression's read-out layer


def _levels(w: Array, b: float, targets: Array) -> list[dict[str, Any]]:
    """Lines of equal prediction w·u + b = value, for LEVELS values evenly inside the targets'
    range (the middle of each of LEVELS equal bands)."""
    low, high = (float(targets.min()), float(targets.max())) if len(targets) else (-1.0, 1.0)
    if high <= low:
        low, high = low - 1.0, high + 1.0
    values = low + (high - low) * (np.arange(LEVELS) + 0.5) / LEVELS
    line = {"w": floats(w), "b": round(b, 6)}
    return [{"value": round(float(v), 6), **line} for v in values]


def _read_directions(w_out: Array) -> Array:
    """The directions the output layer reads: its one weight vector, or, for K classes, the
    directions along which the class scores differ (each weight vector less their mean)."""
    if w_out.shape[1] == 1:
        return w_out[:, 0]
    return w_out - w_out.mean(axis=1, keepdims=True)


def _in_span(directions: Array, basis: Array) -> bool:
    """True if every direction lies in the span of the basis rows, so the output's lines keep
    their meaning in the view. The rows are orthonormal (principal axes, or some of the unit
    axes), so projecting onto their span is basis.T @ basis."""
    d = directions.reshape(len(directions), -1)
    rest = d - basis.T @ (basis @ d)
    return bool(np.linalg.norm(rest) <= 1e-6 * max(np.linalg.norm(d), 1e-12))


def _drawing(shown: Array, parts: dict[str, slice]) -> dict[str, Any]:
    """A representation's points, grid lines and boundary, from its rows in a view's
    coordinates."""
    return {
        # A copy: a view would keep every row alive in the cached frame (40 KB a session).
        "points": xy(shown[parts["points"]].copy()),
        "grid": _grid_xy(shown[parts["grid"]]),
        "boundary": with_gaps(shown[parts["ends"]], pieces=-1, per_piece=2),
    }


def _describe_view(
    rep: Representation,
    share: Array | None,
    projection: Projection | None,
    problem: str = "binary",
    exact: bool = False,
    classes: int = 1,
) -> dict[str, Any]:
    """The view's name, axis titles and the phrases saying what is plotted."""
    units = len(rep.unit_names)
    what = unit_word(rep.kind)
    if rep.kind == "output":
        names = ", ".join(CLASS_NAMES[:units])
        return {
            "view": "simplex",
            "axes": [phrase("axis.blank"), phrase("axis.blank")],
            "note": [phrase("view.simplex", units=units, names=names)],
        }
    if share is not None and rep.reads_out and problem != "binary":
        return _describe_readout(units, what, share, problem, exact, classes)
    if projection is not None and projection.kind == "neurons":
        picked = [rep.unit_names[i] for i in projection.neurons]
        every = "all" if len(picked) == units else "some"
        note = phrase(f"view.neurons.{every}", count=len(picked), units=units, what=what)
        return {"view": "neurons", "axes": picked, "note": [note]}
    if share is not None and rep.reads_out:
        return {
            "view": "readout",
            "axes": _axis_titles(["dir.readout", *_widest(share[1:], "dir.other")], share),
            "note": [phrase("view.readout.binary", units=units, what=what), phrase("view.shares")],
        }
    if share is not None:
        return {
            "view": "pca",
            "axes": _axis_titles(_widest(share, "dir.widest"), share),
            "note": [phrase("view.pca", units=units, what=what), phrase("view.shares")],
        }
    if rep.kind == "input":
        note = [phrase("view.plane.input")]
    elif rep.spread_by_x2:
        note = [phrase("view.plane.spread", name=rep.unit_names[0])]
    elif rep.kind == "features":
        note = [phrase("view.plane.features")]
    else:
        note = [phrase("view.plane.neurons", activation=rep.activation)]
    if rep.reads_out and problem in ("multiclass", "regression"):
        note.append(phrase(f"view.plane.reads.{problem}"))
    return {"view": "plane", "axes": rep.unit_names, "note": note}


def _percents(share: Array) -> list[str]:
    """Each axis' share of the spread in whole percent, rounded down: to 5 from 10 up (finer
    steps tell the eye nothing, and a title that changes redraws the panel's axes: nearly every
    frame), and "<1" below 1. Rounded down, the percentages shown never add up to more than
    100, and a wider axis never shows less than a narrower one."""
    shown = []
    for value in share:
        percent = 100 * float(value)
        if 0 < percent < 1:
            shown.append("<1")
        else:
            shown.append(str(int(percent) if percent < 10 else 5 * int(percent // 5)))
    return shown


def _widest(share: Array, name: str) -> list[str]:
    """Names for axes of widest spread by their rank, widest first: ``name.1`` for the widest,
    ``name.2`` for the next... (the axes keep their places from frame to frame, so the
    widest need not come first)."""
    rank = np.empty(len(share), dtype=int)
    rank[np.argsort(-np.asarray(share), kind="stable")] = np.arange(len(share))
    return [f"{name}.{r + 1}" for r in rank]


def _axis_titles(
    names: list[str], share: Array, values: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Axis titles: each direction's name (``names``, keys of phrases; ``values`` fill in the
    first few) and its share of the points' spread, the first saying what it is a share of.
    A 3D view has room only for short names (its note says what the percentages are)."""
    flat = len(share) == 2
    values = values or []
    titles = []
    for k, (name, percent) in enumerate(zip(names, _percents(share), strict=True)):
        direction = phrase(
            name if flat else f"{name}.short", **(values[k] if k < len(values) else {})
        )
        key = "axis.share" if k == 0 and flat else "axis.share.short"
        titles.append(phrase(key, name=direction, pct=percent))
    return titles


def _describe_readout(
    units: int, what: dict[str, Any], share: Array, problem: str, exact: bool, classes: int
) -> dict[str, Any]:
    """A wide last hidden layer seen along what the output reads, for K classes or a value."""
    if problem == "regression":
        return {
            "view": "readout",
            "axes": _axis_titles(["dir.readout", *_widest(share[1:], "dir.other")], share),
            "note": [
                phrase("view.readout.regression", units=units, what=what),
                phrase("view.shares"),
            ],
        }
    read = min(classes - 1, len(share))
    names = ["dir.scores"] * read + _widest(share[read:], "dir.other")
    axes = _axis_titles(names, share, [{"i": i + 1} for i in range(read)])
    if exact and len(share) == 3:
        key = "view.readout.classes.plane"
    elif exact:
        key = "view.readout.classes"
    else:
        key = "view.readout.classes.partial"
    note = phrase(key, units=units, what=what, read=read)
    return {"view": "readout", "axes": axes, "note": [note, phrase("view.shares")]}


def _curve_view(
    z: Array, a: Array, activation: str, kind: str, parts: dict[str, slice]
) -> dict[str, Any]:
    """A one-neuron layer drawn as its activation curve, with each point placed on it, and the
    z where the classes split (drawn as an upright dashed line). The binary output splits them
    at z = 0, where p = 0.5 (its output_level, drawn across). A hidden neuron: every point of
    the boundary has the same z (one number decides the class); the median of the traced ends,
    which may stray a little. A run with no boundary (a regression) has no threshold."""
    points = z[parts["points"]]
    z_low, z_high = (float(points.min()), float(points.max())) if len(points) else (-1.0, 1.0)
    pad = max(1.0, 0.1 * (z_high - z_low))
    zs = np.linspace(z_low - pad, z_high + pad, CURVE_SAMPLES)
    output = kind == "output"
    ends = z[parts["ends"]]
    threshold = round(float(np.median(ends)), 6) if len(ends) else None
    return {
        "view": "curve",
        "axes": [phrase("axis.z"), phrase("axis.activation", activation=activation)],
        "note": [phrase("view.curve")],
        "points": xy(np.column_stack([points, a[parts["points"]]])),
        "curve": xy(np.column_stack([zs, ACTIVATIONS[activation].f(zs)])),
        "threshold": 0.0 if output else threshold,
        "output_level": 0.5 if output else None,
    }


def _fit_view(prediction: Array, y: Array, parts: dict[str, slice]) -> dict[str, Any]:
    """The regression output: each point's prediction across and its target up."""
    points = prediction[parts["points"]]
    values = np.concatenate([points, y]) if len(y) else np.array([-1.0, 1.0])
    low, high = float(values.min()), float(values.max())
    return {
        "view": "fit",
        "axes": [phrase("axis.prediction"), phrase("axis.target")],
        "note": [phrase("view.fit")],
        "points": xy(np.column_stack([points, y])),
        "curve": xy(np.array([[low, low], [high, high]])),
    }


# The grid lines drawn dark: the input plane's border and its middle cross, so that the eye
# can follow them from panel to panel as the layers bend them.
LANDMARKS = [0, GRID_LINES // 2, GRID_LINES - 1]


def _grid_xy(values: Array) -> dict[str, Any]:
    """The two families of grid lines, each as one Plotly trace with gaps between lines."""
    half = len(values) // 2
    return {
        "vertical": with_gaps(values[:half], GRID_LINES, GRID_LINE_SAMPLES),
        "horizontal": with_gaps(values[half:], GRID_LINES, GRID_LINE_SAMPLES),
        "lines": GRID_LINES,
        "samples": GRID_LINE_SAMPLES,
        "landmarks": LANDMARKS,
    }
