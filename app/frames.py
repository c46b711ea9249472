"""What the browser draws: one frame of a training run, as plain JSON-ready data.

A frame is built from one forward pass over everything that needs drawing at once: the data
points, the cells of the decision-boundary grid, and points along the lines of a grid on the
input plane. Reading that pass layer by layer gives each layer's picture of the data, and of
how the plane has been bent to get there.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.datasets import DATASETS
from app.model import ACTIVATIONS, accuracy, bce_loss, forward
from app.training import TrainingState

Array = np.ndarray

BOUNDARY_RESOLUTION = 50  # cells per side of the probability heatmap
GRID_LINES = 13  # lines per direction in the warped grid
GRID_LINE_SAMPLES = 41  # points along each line, enough for a bent line to look smooth
CURVE_SAMPLES = 60
# Coordinates are clipped here so a network with enormous weights still gives valid JSON.
COORDINATE_LIMIT = 1e6


def build_frame(
    state: TrainingState, bases: dict[int, Array]
) -> tuple[dict[str, Any], dict[int, Array]]:
    """The frame for the current state, and the projection bases to reuse for the next one.

    ``bases`` holds, per wide layer, the principal axes used for the previous frame; the new
    axes are matched to them so the picture does not flip or swap between frames.
    """
    low, high = DATASETS[state.config.dataset].extent
    axis = np.linspace(low, high, BOUNDARY_RESOLUTION)
    cells = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    lines = _grid_lines(low, high)
    n_points, n_cells = len(state.x), len(cells)

    with np.errstate(over="ignore", invalid="ignore"):
        fwd = forward(state.layers, np.vstack([state.x, cells, lines]), state.config.activation)
    # Weights are bounded, but a deep linear or ReLU net can still overflow far from the data.
    fwd.zs = [_finite(z) for z in fwd.zs]
    fwd.activations = [_finite(a) for a in fwd.activations]
    points = slice(0, n_points)
    line_part = slice(n_points + n_cells, None)
    p_cells = fwd.probability[n_points : n_points + n_cells]

    new_bases: dict[int, Array] = {}
    layers = []
    for index in range(len(fwd.activations)):
        view, basis = _layer_view(state, fwd, index, points, line_part, bases.get(index))
        layers.append(view)
        if basis is not None:
            new_bases[index] = basis

    frame = {
        "step": state.step,
        "metrics": _metrics(state, fwd.logit[points]),
        "data": {
            "labels": state.y.astype(int).tolist(),
            "is_test": state.is_test.tolist(),
            "class_names": ["A", "B"],
        },
        "boundary": {
            "x": _round(axis),
            "y": _round(axis),
            "p": _round(p_cells.reshape(BOUNDARY_RESOLUTION, BOUNDARY_RESOLUTION), 3),
        },
        "layers": layers,
    }
    return frame, new_bases


def _metrics(state: TrainingState, logit: Array) -> dict[str, float | None]:
    def loss_and_accuracy(mask: Array) -> tuple[float | None, float | None]:
        if not mask.any():
            return None, None
        loss = bce_loss(logit[mask], state.y[mask])
        p = 1.0 / (1.0 + np.exp(-np.clip(logit[mask], -500, 500)))
        return (loss if np.isfinite(loss) else None), accuracy(p, state.y[mask])

    train_loss, train_accuracy = loss_and_accuracy(~state.is_test)
    test_loss, test_accuracy = loss_and_accuracy(state.is_test)
    return {
        "train_loss": train_loss,
        "train_accuracy": train_accuracy,
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
    }


def _grid_lines(low: float, high: float) -> Array:
    """Points along the lines x1 = c (first half) and x2 = c (second half)."""
    levels = np.linspace(low, high, GRID_LINES)
    along = np.linspace(low, high, GRID_LINE_SAMPLES)
    c, t = np.meshgrid(levels, along, indexing="ij")
    vertical = np.stack([c, t], axis=-1).reshape(-1, 2)
    horizontal = np.stack([t, c], axis=-1).reshape(-1, 2)
    return np.vstack([vertical, horizontal])


def _layer_view(
    state: TrainingState,
    fwd: Any,
    index: int,
    points: slice,
    lines: slice,
    previous_basis: Array | None,
) -> tuple[dict[str, Any], Array | None]:
    n_layers = len(fwd.activations) - 1
    kind = "input" if index == 0 else "output" if index == n_layers else "hidden"
    activation = (
        None if kind == "input" else "sigmoid" if kind == "output" else (state.config.activation)
    )
    values = fwd.activations[index]
    units = values.shape[1]
    name = {"input": "Input", "output": "Output"}.get(kind, f"Hidden layer {index}")
    view: dict[str, Any] = {
        "index": index,
        "name": name,
        "kind": kind,
        "units": units,
        "activation": activation,
        "grid": None,
        "curve": None,
    }
    basis = None
    if units == 1:
        z = fwd.zs[index - 1][:, 0]
        view.update(_curve_view(z[points], values[points, 0], activation))
    elif units == 2:
        view.update(
            view="plane",
            axes=["x1", "x2"] if kind == "input" else ["neuron 1", "neuron 2"],
            note=_plane_note(kind, activation),
            points=_xy(values[points]),
            grid=_grid_xy(values[lines]),
        )
    else:
        basis, explained = _pca_basis(values[points], previous_basis)
        centre = values[points].mean(axis=0)
        view.update(
            view="pca",
            axes=[f"component {i + 1} ({explained[i]:.0%} of spread)" for i in range(2)],
            note=(
                f"{units} neurons, seen along the two directions in which the points "
                "spread the most (principal components)."
            ),
            points=_xy((values[points] - centre) @ basis.T),
            grid=_grid_xy((values[lines] - centre) @ basis.T),
        )
    return view, basis


def _plane_note(kind: str, activation: str | None) -> str:
    if kind == "input":
        return "The data as given: each point at its (x1, x2)."
    return f"The two neurons' {activation} outputs, used directly as coordinates."


def _curve_view(z: Array, a: Array, activation: str) -> dict[str, Any]:
    """A one-neuron layer drawn as its activation curve, with each point placed on it."""
    z_low, z_high = float(np.min(z)), float(np.max(z))
    pad = max(1.0, 0.1 * (z_high - z_low))
    z_low, z_high = max(z_low - pad, -COORDINATE_LIMIT), min(z_high + pad, COORDINATE_LIMIT)
    zs = np.linspace(z_low, z_high, CURVE_SAMPLES)
    curve = ACTIVATIONS[activation].f(zs)
    is_output = activation == "sigmoid"
    return {
        "view": "curve",
        "axes": ["z (weighted sum)", f"{activation}(z)" + (" = P(B)" if is_output else "")],
        "note": (
            "One neuron: its weighted sum z across, its output up. "
            + ("Points above 0.5 are predicted B." if is_output else "")
        ).strip(),
        "points": _xy(np.column_stack([z, a])),
        "curve": _xy(np.column_stack([zs, curve])),
    }


def _pca_basis(values: Array, previous: Array | None) -> tuple[Array, Array]:
    """The top two principal axes (rows) and the share of spread along each.

    Matched to the previous frame's axes: swapped back if the two traded places, and each
    sign chosen to point the same way as before.
    """
    centred = values - values.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    variance = s**2
    share = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    basis = vt[:2].copy()
    if previous is not None and previous.shape == basis.shape:
        overlap = np.abs(previous @ basis.T)
        if overlap[0, 1] + overlap[1, 0] > overlap[0, 0] + overlap[1, 1]:
            basis, share = basis[::-1].copy(), share[::-1].copy()
        signs = np.sign(np.sum(previous * basis, axis=1))
        basis *= np.where(signs == 0, 1.0, signs)[:, None]
    return basis, share


def _xy(values: Array) -> dict[str, list[float]]:
    return {"x": _round(values[:, 0]), "y": _round(values[:, 1])}


def _grid_xy(values: Array) -> dict[str, dict[str, list[float | None]]]:
    """Split the line points into the two families, with None between lines (Plotly gaps)."""
    half = len(values) // 2
    return {
        "vertical": _with_gaps(values[:half]),
        "horizontal": _with_gaps(values[half:]),
    }


def _with_gaps(values: Array) -> dict[str, list[float | None]]:
    shaped = np.round(_finite(values), 4).reshape(GRID_LINES, GRID_LINE_SAMPLES, 2)
    gap = np.full((GRID_LINES, 1, 2), np.nan)
    flat = np.concatenate([shaped, gap], axis=1).reshape(-1, 2)
    return {
        "x": [None if v != v else v for v in flat[:, 0].tolist()],
        "y": [None if v != v else v for v in flat[:, 1].tolist()],
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
