"""Multi-class classification and regression: losses and their gradients, datasets, training,
frames, layer views and the API's new setting."""

import numpy as np
import pytest
from fastapi.testclient import TestClient
from gradcheck import numerical_gradients
from sent import build_frame
from tie_lines import assert_ties, segments_of

from app.main import create_app
from app.nn.datasets import (
    BUMPS,
    DATASETS,
    PLANE_SLOPE,
    bump_sum,
    is_custom,
    make_dataset,
)
from app.nn.model import (
    ACTIVATIONS,
    PROBLEMS,
    backward,
    forward,
    init_layers,
    mse_loss,
    r_squared,
    softmax,
    softmax_cross_entropy,
)
from app.pictures.frame import BOUNDARY_RESOLUTION
from app.pictures.palette import CLASS_COLORS
from app.pictures.panels import class_corners
from app.run.config import TrainingConfig
from app.run.saved import run_from_plain, run_to_plain
from app.run.state import new_state
from app.run.training import train_steps

# The generated datasets of each problem (a custom one starts with no points).
MULTICLASS = [n for n, d in DATASETS.items() if d.problem == "multiclass" and not is_custom(n)]
REGRESSION = [n for n, d in DATASETS.items() if d.problem == "regression" and not is_custom(n)]


# --- The maths -------------------------------------------------------------------------------


def random_problem(problem, activation, hidden, seed=7):
    rng = np.random.default_rng(seed)
    outputs = 4 if problem == "multiclass" else 1
    layers = init_layers([2, *hidden, outputs], activation, rng)
    for layer in layers:  # non-zero biases, so their gradients are exercised too
        layer.b += rng.normal(0, 0.3, size=layer.b.shape)
    x = rng.normal(0, 1.2, size=(9, 2))
    if problem == "multiclass":
        y = rng.integers(0, outputs, 9).astype(float)
    else:
        y = rng.normal(0, 1.0, 9)
    return layers, x, y


@pytest.mark.parametrize("problem", ["multiclass", "regression"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", [[], [3], [4, 3]])
def test_backprop_matches_finite_differences(problem, activation, hidden):
    layers, x, y = random_problem(problem, activation, hidden)
    fwd = forward(layers, x, activation, problem)
    if activation == "relu":  # finite differences are meaningless at ReLU's kink
        assert min(np.abs(z).min() for z in fwd.zs[:-1] or [np.ones(1)]) > 1e-4
    analytic = backward(layers, fwd, y, activation, problem)
    numeric = numerical_gradients(layers, x, y, activation, problem)
    for a, n in zip(analytic, numeric, strict=True):
        np.testing.assert_allclose(a.w, n.w, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(a.b, n.b, rtol=1e-5, atol=1e-8)


def test_softmax_cross_entropy_value_and_stability():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    y = np.array([1.0, 0.0])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(p[[0, 1], [1, 0]]))
    assert softmax_cross_entropy(z, y) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(softmax(z), p, rtol=1e-12)
    # Confidently wrong by a score gap of 1000 costs 1000, not inf or nan.
    big = np.array([[1000.0, 0.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # exp(-1000) -> 0 is fine
        assert softmax_cross_entropy(big, np.array([1.0])) == pytest.approx(1000.0)
        assert softmax_cross_entropy(big, np.array([0.0])) == pytest.approx(0.0, abs=1e-12)
        np.testing.assert_allclose(softmax(big).sum(axis=1), 1.0)


def test_mse_and_r_squared():
    prediction, y = np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 2.0])
    assert mse_loss(prediction, y) == pytest.approx((0 + 1 + 4) / 3)
    assert PROBLEMS["regression"].loss(prediction[:, None], y) == pytest.approx(5 / 3)
    assert r_squared(prediction, y) == pytest.approx(1 - 5 / 2)  # spread of y: 0 + 1 + 1
    assert r_squared(y, y) == 1.0
    assert r_squared(prediction, np.ones(3)) is None  # targets that do not vary


# --- Datasets --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("classes", [3, 4, 5])
def test_multiclass_shape_labels_and_seeding(name, classes):
    x, y = DATASETS[name].make(120, 0.3, np.random.default_rng(5), classes)
    assert x.shape == (120, 2) and y.shape == (120,)
    assert set(np.unique(y)) == set(range(classes))
    assert np.bincount(y.astype(int)).min() == 120 // classes  # balanced
    x2, y2 = DATASETS[name].make(120, 0.3, np.random.default_rng(5), classes)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    x3, _ = DATASETS[name].make(120, 0.3, np.random.default_rng(6), classes)
    assert not np.allclose(x, x3)


def test_blobs_lie_around_their_own_centres():
    x, y = DATASETS["blobs"].make(400, 0.0, np.random.default_rng(0), 4)
    corners = 0.8 * class_corners(4)
    nearest = np.argmin(((x[:, None, :] - corners) ** 2).sum(axis=2), axis=1)
    assert np.array_equal(nearest, y.astype(int))


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_shape_targets_and_seeding(name):
    x, y = DATASETS[name].make(150, 0.3, np.random.default_rng(5), 3)
    assert x.shape == (150, 2) and y.shape == (150,)
    assert len(np.unique(y)) == 150  # real values, not classes
    x2, y2 = DATASETS[name].make(150, 0.3, np.random.default_rng(5), 3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    x3, _ = DATASETS[name].make(150, 0.3, np.random.default_rng(6), 3)
    assert not np.allclose(x, x3)


def test_regression_targets_without_noise_are_the_clean_surface():
    x, y = DATASETS["plane"].make(50, 0.0, np.random.default_rng(0), 3)
    np.testing.assert_allclose(y, 0.8 * x[:, 0] + 0.5 * x[:, 1])
    np.testing.assert_allclose(PLANE_SLOPE, [0.8, 0.5])
    x, y = DATASETS["gaussians"].make(50, 0.0, np.random.default_rng(0), 3)
    np.testing.assert_allclose(y, bump_sum(x))
    # On a bump's centre the target is close to its height (the others are far away).
    assert bump_sum(BUMPS[:, :2]) == pytest.approx(BUMPS[:, 2], abs=0.1)


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_noise_blurs_the_targets(name):
    def spread(noise):
        _, y = DATASETS[name].make(400, noise, np.random.default_rng(0), 3)
        _, clean = DATASETS[name].make(400, 0.0, np.random.default_rng(0), 3)
        return np.abs(y - clean).mean()

    assert spread(1.0) > spread(0.2) > spread(0.0) - 1e-12


def test_make_dataset_passes_the_class_count():
    _, y, _ = make_dataset("spiral-arms", 100, 0.1, 0.2, np.random.default_rng(0), classes=5)
    assert set(np.unique(y)) == {0, 1, 2, 3, 4}


# --- Training --------------------------------------------------------------------------------


def test_config_sizes_and_round_trip():
    assert TrainingConfig(dataset="blobs", classes=4).sizes == [2, 8, 8, 4]
    assert TrainingConfig(dataset="plane").sizes == [2, 8, 8, 1]
    assert TrainingConfig(dataset="xor", classes=5).sizes == [2, 8, 8, 1]  # ignored
    config = TrainingConfig(dataset="spiral-arms", classes=5, hidden_layers=(6,))
    assert TrainingConfig.from_dict(config.to_dict()) == config
    old = {k: v for k, v in config.to_dict().items() if k != "classes"}  # a file from before
    assert TrainingConfig.from_dict(old).classes == 3


@pytest.mark.parametrize(
    ("dataset", "extra"), [("blobs", {"classes": 5}), ("spiral-arms", {}), ("gaussians", {})]
)
def test_training_lowers_the_loss_and_state_round_trips(dataset, extra):
    config = TrainingConfig(dataset=dataset, optimizer="adam", learning_rate=0.03, **extra)
    state = new_state(config)
    before = build_frame(state, {})[0]["metrics"]["train_loss"]
    assert train_steps(state, 200) == 200
    after = build_frame(state, {})[0]["metrics"]
    assert after["train_loss"] < 0.5 * before
    if config.problem == "regression":
        assert after["train_r2"] > 0.8 and after["train_accuracy"] is None
    else:
        assert after["train_accuracy"] > 0.8 and after["train_r2"] is None
    copy = run_from_plain(run_to_plain(state))
    train_steps(state, 3)
    train_steps(copy, 3)
    for a, b in zip(state.layers, copy.layers, strict=True):
        assert np.array_equal(a.w, b.w)


# --- Frames and layer views ------------------------------------------------------------------


def trained(dataset, steps=150, **config):
    state = new_state(
        TrainingConfig(dataset=dataset, optimizer="adam", learning_rate=0.03, **config)
    )
    train_steps(state, steps)
    return state


def test_multiclass_input_map_shows_each_class_region():
    state = trained("blobs", classes=4)
    frame, _ = build_frame(state, {})
    assert frame["problem"] == "multiclass" and frame["data"]["class_names"] == list("ABCD")
    cls, p = np.array(frame["boundary"]["class"]), np.array(frame["boundary"]["p"])
    side = BOUNDARY_RESOLUTION
    assert cls.shape == p.shape == (side, side)
    assert set(np.unique(cls)) == {0, 1, 2, 3}  # every class has a region
    assert p.min() >= 0.25 - 1e-3 and p.max() <= 1  # the winner has at least 1/K
    # The map agrees with the network at a cell.
    x = np.array([[frame["boundary"]["x"][7], frame["boundary"]["y"][31]]])
    out = forward(state.layers, x, "tanh", "multiclass").output
    assert cls[31, 7] == out.argmax() and p[31, 7] == pytest.approx(out.max(), abs=1e-3)


def test_multiclass_boundary_is_where_the_top_two_classes_tie():
    state = trained("spiral-arms", steps=300)
    frame, _ = build_frame(state, {})
    ends = frame["layers"][0]["boundary"]
    pts = np.array([(x, y) for x, y in zip(ends["x"], ends["y"], strict=True) if x is not None])
    assert len(pts) > 20
    scores = np.sort(forward(state.layers, pts, "tanh", "multiclass").zs[-1], axis=1)
    gap = scores[:, -1] - scores[:, -2]
    spread = np.ptp(scores)
    assert np.median(gap) < 0.05 * spread  # on the boundary the top two (nearly) tie
    # No border is traced twice: segments are distinct.
    assert len(np.unique(np.round(pts, 3), axis=0)) > 0.4 * len(pts)


def rows(xy: dict) -> np.ndarray:
    """An XY's points as rows, gaps left out."""
    points = np.column_stack([np.array(xy[key], dtype=float) for key in ("x", "y")])
    return points[~np.isnan(points).any(axis=1)]


def shown_box(layer: dict) -> tuple[np.ndarray, np.ndarray]:
    """The box the tie lines fill: around the panel's points and grid, widened by its own size
    on every side."""
    grid = layer["grid"]
    shown = np.vstack([rows(layer["points"]), rows(grid["vertical"]), rows(grid["horizontal"])])
    low, high = shown.min(axis=0), shown.max(axis=0)
    return low - (high - low), high + (high - low)


def test_tie_lines_are_where_two_classes_tie_and_lead():
    state = trained("blobs", hidden_layers=(6, 2))
    frame, _ = build_frame(state, {})
    last = frame["layers"][2]
    assert last["view"] == "plane" and last["separator"] is None and last["levels"] is None
    # The panel's axes are the two neurons' outputs, which the output layer reads directly.
    out = state.layers[-1]
    segments = segments_of(last["ties"])
    assert len(segments) >= 2
    low, high = shown_box(last)
    assert_ties(segments, lambda u: u @ out.w + out.b, low, high, tol=1e-4)


def test_tie_lines_of_a_wide_layer_seen_along_the_class_scores():
    # A wide last layer is shown along the class scores' directions: still exact for 3 classes.
    state = trained("blobs", hidden_layers=(8,))
    frame, bases = build_frame(state, {})
    wide = frame["layers"][1]
    assert wide["view"] == "readout"
    # The view's point u is the layer's output centre + u·basis (its axes as rows).
    a = forward(state.layers, state.x, "tanh", "multiclass").activations[1]
    centre, basis, out = a.mean(axis=0), bases[1], state.layers[-1]
    np.testing.assert_allclose(rows(wide["points"]), (a - centre) @ basis.T, atol=1e-5)
    segments = segments_of(wide["ties"])
    assert len(segments) >= 2
    low, high = shown_box(wide)
    assert_ties(segments, lambda u: (centre + u @ basis) @ out.w + out.b, low, high, tol=1e-4)


def test_five_classes_in_two_dimensions_draw_no_tie_lines_and_say_why():
    state = trained("blobs", classes=5, hidden_layers=(8,))
    layer = build_frame(state, {})[0]["layers"][1]
    assert layer["view"] == "readout" and layer["ties"] is None
    assert [p["key"] for p in layer["note"]] == ["view.readout.classes.partial", "view.shares"]


def test_three_neurons_in_3d_draw_no_tie_lines():
    # The ties would be planes there: the note says so, and the frame has none to draw.
    layer = build_frame(trained("blobs", hidden_layers=(3,)), {})[0]["layers"][1]
    assert layer["dims"] == 3 and layer["ties"] is None and layer["separator"] is None


def test_multiclass_output_panel_places_points_by_their_probabilities():
    state = trained("blobs", classes=3)
    frame, _ = build_frame(state, {})
    output = frame["layers"][-1]
    assert output["view"] == "simplex" and output["units"] == 3
    assert output["corners"]["names"] == ["A", "B", "C"]
    assert output["corners"]["colors"] == frame["data"]["class_colors"] == list(CLASS_COLORS[:3])
    probabilities = forward(state.layers, state.x, "tanh", "multiclass").output
    expected = probabilities @ class_corners(3)
    np.testing.assert_allclose(output["points"]["x"], expected[:, 0], atol=1e-4)
    np.testing.assert_allclose(output["points"]["y"], expected[:, 1], atol=1e-4)
    assert output["pre"] is not None  # the scores, before the softmax, for the morph slider
    assert frame["network"]["sizes"][-1] == 3
    assert frame["network"]["outputs"] == ["P(A)", "P(B)", "P(C)"]


def test_regression_frame_shows_the_predicted_surface_and_a_fit_panel():
    state = trained("plane", hidden_layers=(4, 2))
    frame, _ = build_frame(state, {})
    assert frame["problem"] == "regression" and frame["data"]["class_names"] == []
    np.testing.assert_allclose(frame["data"]["labels"], state.y, atol=1e-4)
    value = np.array(frame["boundary"]["value"])
    side = BOUNDARY_RESOLUTION
    assert value.shape == (side, side) and "p" not in frame["boundary"]
    x = np.array([[frame["boundary"]["x"][10], frame["boundary"]["y"][40]]])
    predicted = forward(state.layers, x, "tanh", "regression").output[0, 0]
    assert value[40, 10] == pytest.approx(predicted, abs=1e-3)
    assert frame["layers"][0]["boundary"]["x"] == []  # a regression has no boundary
    fit = frame["layers"][-1]
    assert fit["view"] == "fit" and fit["axes"][0]["key"] == "axis.prediction"
    np.testing.assert_allclose(fit["points"]["y"], state.y, atol=1e-4)
    # The last hidden layer (2 neurons): the prediction is a straight ramp w·u + b, drawn as
    # lines of equal prediction at five values evenly inside the targets' range.
    last = frame["layers"][2]
    low, high = state.y.min(), state.y.max()
    values = [level["value"] for level in last["levels"]]
    evenly = low + (high - low) * np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    assert values == pytest.approx(evenly, abs=1e-6)
    u = rows(last["points"])
    for level in last["levels"]:
        np.testing.assert_allclose(level["w"], state.layers[-1].w[:, 0], atol=1e-4)
        ramp = u @ np.array(level["w"]) + level["b"]
        np.testing.assert_allclose(ramp, fit["points"]["x"], atol=1e-3)
    assert last["ties"] is None and last["separator"] is None
    metrics = frame["metrics"]
    assert metrics["train_r2"] is not None and metrics["train_accuracy"] is None
    sample = frame["loop"]["sample"]
    assert isinstance(sample["target"], float) and isinstance(sample["prediction"], float)
    assert sample["loss"] == pytest.approx((sample["target"] - sample["prediction"]) ** 2, abs=1e-3)


def test_multiclass_loop_sample_loss_is_minus_log_of_the_true_class():
    frame, _ = build_frame(trained("spiral-arms", steps=20), {})
    sample = frame["loop"]["sample"]
    assert sample["target"] in "ABC" and sample["prediction"] in "ABC"
    assert sample["loss"] == pytest.approx(-np.log(sample["p_target"]), abs=1e-3)


# --- API -------------------------------------------------------------------------------------


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
        yield client


def test_options_describe_problems_and_the_class_count(client):
    options = client.get("/api/options").json()
    assert options["limits"]["classes"] == {"min": 3, "max": 5}
    assert options["defaults"]["classes"] == 3
    problems = {d["value"]: d["problem"] for d in options["choices"]["dataset"]}
    assert problems["xor"] == "binary" and problems["custom"] == "binary"
    assert problems["spiral-arms"] == problems["blobs"] == "multiclass"
    assert problems["plane"] == problems["gaussians"] == "regression"


@pytest.mark.parametrize("classes", [2, 6, 3.5, "three", None])
def test_bad_class_count_is_a_422_naming_the_field_and_range(client, classes):
    r = client.post("/api/sessions", json={"dataset": "blobs", "classes": classes})
    assert r.status_code == 422
    assert [(d["field"], d["message"]) for d in r.json()["detail"]] == [
        ("classes", "classes must be a finite number from 3 to 5")
    ]


def test_class_count_shapes_the_network_and_survives_export_import(client):
    r = client.post("/api/sessions", json={"dataset": "spiral-arms", "classes": 5})
    assert r.status_code == 201
    body = r.json()
    assert body["config"]["classes"] == 5 and body["frame"]["network"]["sizes"] == [2, 8, 8, 5]
    sid = body["session_id"]
    trained = client.post(f"/api/sessions/{sid}/step", json={"steps": 20}).json()
    exported = client.get(f"/api/sessions/{sid}/export").json()
    assert exported["config"]["classes"] == 5 and len(exported["layers"][-1]["b"]) == 5
    other = client.post("/api/sessions", json={}).json()["session_id"]
    restored = client.post(f"/api/sessions/{other}/import", json=exported)
    assert restored.status_code == 200, restored.text
    assert restored.json()["frame"]["boundary"]["class"] == trained["boundary"]["class"]
    # Weights that do not fit the class count are refused, naming the field.
    exported["config"]["classes"] = 4
    r = client.post(f"/api/sessions/{other}/import", json=exported)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "layers"


@pytest.mark.parametrize("dataset", ["blobs", "gaussians"])
def test_points_by_hand_are_refused_on_other_problems(client, dataset):
    sid = client.post("/api/sessions", json={"dataset": dataset}).json()["session_id"]
    for path in ("points", "points/remove"):
        r = client.post(f"/api/sessions/{sid}/{path}", json={"x1": 0, "x2": 0, "label": 1})
        assert r.status_code == 422
        detail = r.json()["detail"][0]
        assert detail["field"] == "points" and "two-class dataset" in detail["message"]
    assert client.get(f"/api/sessions/{sid}").json()["config"]["dataset"] == dataset


def test_csv_on_a_multiclass_run_starts_a_two_class_network(client):
    sid = client.post("/api/sessions", json={"dataset": "blobs", "classes": 4}).json()
    sid = sid["session_id"]
    r = client.put(
        f"/api/sessions/{sid}/data.csv",
        content=b"x1,x2,label\n0,0,A\n1,1,B\n",
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    frame = r.json()["frame"]
    assert frame["problem"] == "binary" and frame["network"]["sizes"] == [2, 8, 8, 1]
    assert r.json()["config"]["dataset"] == "custom"
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 2}).json()["step"] == 2


def test_regression_csv_download_keeps_the_values(client):
    sid = client.post("/api/sessions", json={"dataset": "plane", "n_points": 10}).json()
    text = client.get(f"/api/sessions/{sid['session_id']}/data.csv").text
    labels = [float(line.split(",")[2]) for line in text.strip().splitlines()[1:]]
    assert len(labels) == 10 and any(not v.is_integer() for v in labels)
