"""What the browser draws: one frame of a training run, as plain JSON-ready data.

Everything a frame shows of the layers comes from one forward pass over three sets of input
points at once: the data, points along a grid of lines on the input plane, and points along
the decision boundary (where the output is 0.5). Reading that pass layer by layer gives each
layer's picture of the data, of how the plane has been bent to get there, and of where the
boundary lies in that layer's space.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from app.datasets import extent
from app.encoding import finite, rounded
from app.features import feature_map
from app.features import label as feature_label
from app.geometry import contour_segments, grid_lines
from app.model import ForwardPass, Layer, accuracy, bce_loss, forward, sigmoid
from app.training import TrainingState
from app.views import GRID_LINE_SAMPLES, GRID_LINES, Projection, layer_view, representations

Array = np.ndarray

BOUNDARY_RESOLUTION = 50  # cells per side of the probability heatmap
NEURON_MAP_SIDE = 17  # cells per side of each unit's little map in the network diagram


def build_frame(
    state: TrainingState,
    bases: dict[int, Array],
    projections: dict[int, Projection] | None = None,
) -> tuple[dict[str, Any], dict[int, Array]]:
    """The frame for the current state, and the projection bases to reuse for the next one.

    ``bases`` holds, per wide layer, the principal axes used for the previous frame; the new
    axes are matched to them so the picture does not flip or swap between frames.
    """
    low, high = extent(state.config.dataset, state.x)
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
    for rep in representations(state, raw, fwd):
        projection = (projections or {}).get(rep.index)
        view, basis = layer_view(rep, state, parts, bases.get(rep.index), projection)
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
        "boundary": {"x": rounded(axis), "y": rounded(axis), "p": rounded(p_cells, 3)},
        "layers": layers,
        "network": _network(state, cell_pass),
    }
    return frame, new_bases


def _forward(state: TrainingState, x: Array) -> ForwardPass:
    """The network on raw points: their features first, then the layers."""
    with np.errstate(over="ignore", invalid="ignore"):
        fwd = forward(state.layers, feature_map(state.config.features, x), state.config.activation)
    # Weights are bounded, but a deep linear or ReLU net can still overflow far from the data.
    fwd.zs = [finite(z) for z in fwd.zs]
    fwd.activations = [finite(a) for a in fwd.activations]
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
        "weights": [rounded(layer.w, 3) for layer in state.layers],
        "biases": [rounded(layer.b, 3) for layer in state.layers],
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
    training_points = np.flatnonzero(~state.is_test)
    current = pending.grads if pending is not None and pending.grads is not None else None

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
        "learning_rate": state.config.learning_rate,
        "sample": _sample(state, logit, training_points),
    }


def _sample(state: TrainingState, logit: Array, training_points: Array) -> dict[str, Any] | None:
    """The first training point, followed through every step (None if there is none)."""
    if len(training_points) == 0:
        return None
    i = int(training_points[0])
    return {
        "x": rounded(state.x[i]),
        "target": ["A", "B"][int(state.y[i])],
        "p": round(float(sigmoid(logit[i])), 4),
        "loss": round(float(bce_loss(logit[i : i + 1], state.y[i : i + 1])), 4),
    }


def _changes(state: TrainingState) -> list | None:
    """How much the last update moved each layer (whatever the optimizer did)."""
    if state.previous_layers is None:
        return None
    pairs = zip(state.layers, state.previous_layers, strict=True)
    return [Layer(new.w - old.w, new.b - old.b) for new, old in pairs]
