"""Frames: what each layer's panel holds, and that it is valid, stable JSON."""

import json
from dataclasses import replace

import numpy as np
import pytest
from sent import build_frame
from tie_lines import assert_ties

from app.nn.datasets import extent
from app.nn.model import Layer
from app.pictures.geometry import contour_segments, pca_basis, tie_segments
from app.pictures.panels import GRID_LINE_SAMPLES, GRID_LINES, Projection, phrase
from app.run.config import TrainingConfig
from app.run.state import new_state
from app.run.training import train_steps


def neuron(n: int) -> dict:
    """The axis title of hidden neuron n (counting from 1), as the server phrases it."""
    return phrase("axis.neuron", n=n)


def coords(xy):
    columns = [xy[key] for key in ("x", "y", "z") if key in xy]
    return np.array([row for row in zip(*columns, strict=True) if row[0] is not None])


@pytest.mark.parametrize(
    "hidden, views",
    [
        ((), ["plane", "curve"]),
        ((2,), ["plane", "plane", "curve"]),
        ((1,), ["plane", "curve", "curve"]),
        ((5, 3), ["plane", "pca", "neurons", "curve"]),
        ((4, 2, 6), ["plane", "pca", "plane", "readout", "curve"]),
    ],
)
def test_one_panel_per_layer(hidden, views):
    state = new_state(TrainingConfig(dataset="moons", hidden_layers=hidden, n_points=60))
    frame, _ = build_frame(state, {})
    assert [layer["view"] for layer in frame["layers"]] == views
    assert [layer["kind"] for layer in frame["layers"]] == (
        ["input"] + ["hidden"] * len(hidden) + ["output"]
    )
    for layer in frame["layers"]:
        assert len(layer["points"]["x"]) == len(layer["points"]["y"]) == 60
        assert layer["note"]
        if layer["view"] != "curve":
            assert len(layer["axes"]) == layer["dims"] == len(layer["points"])
            lines = layer["grid"]["vertical"]["x"]
            assert lines.count(None) == GRID_LINES
    p = np.array(frame["boundary"]["p"])
    assert p.shape == (len(frame["boundary"]["y"]), len(frame["boundary"]["x"]))
    assert ((p >= 0) & (p <= 1)).all()


def test_input_panel_shows_the_data_as_given():
    state = new_state(TrainingConfig(dataset="class-ab"))
    frame, _ = build_frame(state, {})
    np.testing.assert_allclose(coords(frame["layers"][0]["points"]), state.x, atol=1e-4)


def test_last_hidden_layer_line_is_the_output_units_and_splits_the_predictions():
    state = new_state(TrainingConfig(dataset="xor", hidden_layers=(6, 5), learning_rate=0.3))
    train_steps(state, 1500)
    frame, _ = build_frame(state, {})
    last_hidden, output = frame["layers"][-2], frame["layers"][-1]
    w, b = np.array(last_hidden["separator"]["w"]), last_hidden["separator"]["b"]
    points = coords(last_hidden["points"])
    predicted_b = np.array(output["points"]["y"]) >= 0.5
    assert np.array_equal(points @ w + b > 0, predicted_b)
    ends = coords(last_hidden["boundary"])  # the carried boundary lies on that line
    assert np.abs(ends @ w + b).max() < 0.05 * np.linalg.norm(w)


def test_a_dead_last_layer_still_shows_the_output_units_line():
    # Every ReLU of the hidden layer is off for every point, so nothing is spread along any
    # axis: the view's other axis is arbitrary, yet must stay at right angles to the one the
    # output reads, or the line would no longer be exact and be left out.
    config = TrainingConfig(dataset="circle", hidden_layers=(4,), activation="relu")
    fresh = new_state(config)
    dead = [Layer(fresh.layers[0].w, np.full(4, -100.0)), fresh.layers[1]]
    frame, _ = build_frame(replace(fresh, layers=dead, history=None), {})
    separator = frame["layers"][1]["separator"]
    assert separator is not None
    w_out = fresh.layers[1].w[:, 0]
    w, b = np.array(separator["w"]), separator["b"]
    # Seen along the read axis, the output's weights keep their length and nothing is left
    # for the other axis.
    assert w[0] == pytest.approx(np.linalg.norm(w_out), rel=1e-4) and abs(w[1]) < 1e-6
    assert b == pytest.approx(float(fresh.layers[1].b[0]), abs=1e-6)


def test_frames_are_strict_json_even_after_divergence():
    config = TrainingConfig(
        dataset="class-ab", activation="relu", learning_rate=10, hidden_layers=(8,) * 6
    )
    state = new_state(config)
    train_steps(state, 50)
    assert state.diverged
    frame, _ = build_frame(state, {})
    json.dumps(frame, allow_nan=False)


def test_projection_does_not_jump_between_frames():
    state = new_state(TrainingConfig(dataset="spiral", hidden_layers=(8, 8), learning_rate=0.1))
    train_steps(state, 200)
    before, bases = build_frame(state, {})
    train_steps(state, 1)
    after, _ = build_frame(state, bases)
    a, b = coords(before["layers"][1]["points"]), coords(after["layers"][1]["points"])
    for axis in range(2):
        assert np.corrcoef(a[:, axis], b[:, axis])[0, 1] > 0.99


def test_pca_basis_keeps_sign_and_order():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(300, 4)) * [3.0, 1.0, 0.2, 0.1]
    first, _ = pca_basis(values, None)
    flipped = np.vstack([-first[1], first[0]])  # swapped and one sign flipped
    again, share = pca_basis(values, flipped)
    np.testing.assert_allclose(again, flipped, atol=1e-9)
    assert share[0] < share[1]  # the shares follow their axes


def test_contour_traces_a_circle():
    axis = np.linspace(-1, 1, 41)
    gx, gy = np.meshgrid(axis, axis)
    segments = contour_segments(np.hypot(gx, gy), axis, axis, 0.5)
    radii = np.linalg.norm(segments.reshape(-1, 2), axis=1)
    assert len(segments) > 20 and np.abs(radii - 0.5).max() < 0.01


def test_affine_part_is_the_weighted_sum_seen_through_the_same_view():
    state = new_state(TrainingConfig(dataset="xor", hidden_layers=(2, 5)))
    train_steps(state, 20)
    frame, _ = build_frame(state, {})
    first, second = frame["layers"][1], frame["layers"][2]
    z = state.x @ state.layers[0].w + state.layers[0].b
    np.testing.assert_allclose(coords(first["pre"]["points"]), z, atol=1e-4)
    np.testing.assert_allclose(coords(first["points"]), np.tanh(z), atol=1e-4)
    # A straight map keeps grid lines straight: every line of the affine picture is collinear.
    line = coords(first["pre"]["grid"]["vertical"])[:21]
    direction = line[-1] - line[0]
    offsets = (line - line[0]) @ np.array([-direction[1], direction[0]])
    assert np.abs(offsets).max() < 1e-3 * np.linalg.norm(direction) ** 2
    assert second["pre"] is not None and frame["layers"][-1]["pre"] is None


def test_three_neurons_are_drawn_in_3d_with_the_separating_plane():
    state = new_state(TrainingConfig(dataset="xor", hidden_layers=(6, 3), learning_rate=0.3))
    train_steps(state, 1500)
    frame, _ = build_frame(state, {})
    layer, output = frame["layers"][2], frame["layers"][-1]
    assert layer["view"] == "neurons" and layer["dims"] == 3
    assert layer["axes"] == [neuron(1), neuron(2), neuron(3)]
    points = coords(layer["points"])
    assert points.shape == (200, 3)
    w, b = np.array(layer["separator"]["w"]), layer["separator"]["b"]
    np.testing.assert_allclose(w, state.layers[-1].w[:, 0], atol=1e-4)
    assert np.array_equal(points @ w + b > 0, np.array(output["points"]["y"]) >= 0.5)


@pytest.mark.parametrize(
    "projection, view, axes",
    [
        (Projection("neurons", 2, (0, 3)), "neurons", [neuron(1), neuron(4)]),
        (Projection("neurons", 3, (5, 1, 2)), "neurons", [neuron(6), neuron(2), neuron(3)]),
        (Projection("pca", 3), "pca", None),
    ],
)
def test_the_learner_picks_the_projection(projection, view, axes):
    state = new_state(TrainingConfig(dataset="moons", hidden_layers=(8, 8)))
    train_steps(state, 30)
    frame, _ = build_frame(state, {}, {1: projection})
    layer = frame["layers"][1]
    assert layer["view"] == view and layer["dims"] == projection.dims
    if axes:
        assert layer["axes"] == axes
        a = np.tanh(state.x @ state.layers[0].w + state.layers[0].b)
        np.testing.assert_allclose(coords(layer["points"]), a[:, projection.neurons], atol=1e-4)
    else:
        # In 3D, short names: the widest direction, the next and the third, in some order.
        names = sorted(a["vars"]["name"]["key"] for a in layer["axes"])
        assert names == [f"dir.widest.{rank}.short" for rank in (1, 2, 3)]
    assert layer["separator"] is None  # layer 1 is not the one the output reads


def test_3d_principal_axes_do_not_jump():
    state = new_state(TrainingConfig(dataset="spiral", hidden_layers=(8, 8), learning_rate=0.1))
    train_steps(state, 200)
    before, bases = build_frame(state, {}, {1: Projection("pca", 3)})
    train_steps(state, 1)
    after, _ = build_frame(state, bases, {1: Projection("pca", 3)})
    a, b = coords(before["layers"][1]["points"]), coords(after["layers"][1]["points"])
    for axis in range(3):
        assert np.corrcoef(a[:, axis], b[:, axis])[0, 1] > 0.99


def test_network_diagram_maps_every_unit_and_weight():

    state = new_state(TrainingConfig(dataset="circle", hidden_layers=(4, 3)))
    train_steps(state, 50)
    frame, _ = build_frame(state, {})
    network = frame["network"]
    assert network["sizes"] == [2, 4, 3, 1] and network["inputs"] == ["x1", "x2"]
    maps = network["maps"]
    assert list(zip(maps["layer"], maps["unit"], strict=True)) == [
        (layer, unit) for layer, n in enumerate([2, 4, 3, 1]) for unit in range(n)
    ]
    side = network["side"]
    values = np.asarray(maps["values"])
    assert values.shape == (2 + 4 + 3 + 1, side * side)
    assert (values.min(axis=1) == 0).all() and (values.max(axis=1) == 255).all()
    grid = values[0].reshape(side, side)  # the input x1 itself: low on the left, high on the right
    assert (grid[:, 0] == 0).all() and (grid[:, -1] == 255).all()
    assert maps["min"][0] == pytest.approx(-1.5) and maps["max"][0] == pytest.approx(1.5)
    np.testing.assert_allclose(network["weights"][1], state.layers[1].w, atol=1e-3)
    np.testing.assert_allclose(network["biases"][2], state.layers[2].b, atol=1e-3)


def test_two_neuron_last_hidden_layer_line_is_the_output_units_weights():
    state = new_state(TrainingConfig(dataset="class-ab", hidden_layers=(2,), learning_rate=0.3))
    train_steps(state, 300)
    frame, _ = build_frame(state, {})
    separator = frame["layers"][1]["separator"]
    out = state.layers[-1]
    np.testing.assert_allclose(separator["w"], out.w[:, 0], atol=1e-4)
    assert separator["b"] == pytest.approx(float(out.b[0]), abs=1e-5)


@pytest.mark.parametrize("seed", range(12))
def test_tie_segments_are_where_two_scores_tie_and_lead(seed):
    rng = np.random.default_rng(seed)
    classes = 3 + seed % 3
    w, b = rng.normal(size=(classes, 2)), rng.normal(size=classes)
    low = rng.uniform(-3, -0.5, size=2)
    high = low + rng.uniform(0.5, 4, size=2)
    segments = tie_segments(w, b, low, high)
    assert len(segments) >= 1 or classes == 3  # some tie shows in most boxes
    assert_ties(segments, lambda u: u @ w.T + b, low, high, tol=1e-9)


def test_tie_segments_of_three_classes_meet_at_one_point():
    # Scores x, y and 0: A and B tie on x = y (where both are above 0), A and C on x = 0 (y <
    # 0), B and C on y = 0 (x < 0). The three lines meet at the origin.
    w, b = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), np.zeros(3)
    segments = tie_segments(w, b, np.array([-1.0, -2.0]), np.array([2.0, 1.0]))
    expected = [[[0, 0], [1, 1]], [[0, 0], [0, -2]], [[0, 0], [-1, 0]]]
    got = sorted(sorted(map(tuple, np.round(s, 12) + 0.0)) for s in segments)
    assert got == sorted(sorted(map(tuple, np.array(s, dtype=float))) for s in expected)
    # Two classes with the same weights never tie along a line; outside the box, nothing.
    assert len(tie_segments(np.ones((3, 2)), np.arange(3.0), -np.ones(2), np.ones(2))) == 0
    assert len(tie_segments(w, b, np.array([-5.0, 3.0]), np.array([-4.0, 4.0]))) == 0


def test_the_grid_names_its_lines_and_the_dark_ones():
    state = new_state(TrainingConfig(dataset="circle", hidden_layers=(3,)))
    frame, _ = build_frame(state, {})
    low, high = extent("circle", state.x)
    levels = np.linspace(low, high, GRID_LINES)
    for layer in frame["layers"]:
        if layer["grid"] is None:
            continue
        grid = layer["grid"]
        assert (grid["lines"], grid["samples"]) == (GRID_LINES, GRID_LINE_SAMPLES)
        assert grid["landmarks"] == [0, GRID_LINES // 2, GRID_LINES - 1]
        for family in ("vertical", "horizontal"):
            assert len(grid[family]["x"]) == grid["lines"] * (grid["samples"] + 1)
    # On the input plane, line k of the x1 = constant family is x1 = its k-th level, and the
    # landmarks are the plane's border and its middle.
    vertical = frame["layers"][0]["grid"]["vertical"]
    x = np.array(vertical["x"], dtype=float).reshape(GRID_LINES, GRID_LINE_SAMPLES + 1)
    assert np.isnan(x[:, -1]).all()
    np.testing.assert_allclose(x[:, :-1], levels[:, None] + 0 * x[:, :-1], atol=1e-6)
    dark = x[frame["layers"][0]["grid"]["landmarks"], 0]
    np.testing.assert_allclose(dark, [low, (low + high) / 2, high], atol=1e-6)


@pytest.mark.parametrize(
    "activation, inverse",
    [
        ("sigmoid", lambda a: np.log(a / (1 - a))),
        ("tanh", np.arctanh),
        ("relu", lambda a: a),
        ("linear", lambda a: a),
    ],
)
def test_a_one_unit_hidden_layer_shows_where_the_classes_split(activation, inverse):
    # The output is p = sigmoid(w a + b): 0.5 where the hidden unit's a = -b / w, so at the z
    # the activation takes there. A sigmoid hidden unit shows it too (not only the output).
    config = TrainingConfig(
        dataset="class-ab-noisy", hidden_layers=(1,), activation=activation, learning_rate=0.3
    )
    state = new_state(config)
    train_steps(state, 300)
    frame, _ = build_frame(state, {})
    hidden, output = frame["layers"][1], frame["layers"][2]
    assert hidden["view"] == output["view"] == "curve"
    w, b = state.layers[1].w[0, 0], state.layers[1].b[0]
    assert hidden["threshold"] == pytest.approx(inverse(-b / w), abs=0.02)
    assert hidden["output_level"] is None
    # The binary output splits at z = 0, where p = 0.5.
    assert output["threshold"] == 0.0 and output["output_level"] == 0.5


def test_without_a_boundary_a_one_unit_layer_has_no_threshold():
    state = new_state(TrainingConfig(dataset="plane", hidden_layers=(1,), activation="sigmoid"))
    frame, _ = build_frame(state, {})
    hidden = frame["layers"][1]
    assert hidden["view"] == "curve"
    assert hidden["threshold"] is None and hidden["output_level"] is None
