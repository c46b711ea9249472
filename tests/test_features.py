"""Hand-made features: the maps themselves, and the textbook's point about them."""

import numpy as np
import pytest
from sent import build_frame

from app.nn.features import FEATURES, feature_map
from app.pictures.panels import phrase
from app.run.config import TrainingConfig
from app.run.state import new_state
from app.run.training import train_steps

TEXTBOOK = np.array([[0.0, 3.0], [3.0, 0.0], [1.0, 2.0], [2.0, 1.0]])


def test_features_compute_what_they_say():
    x = np.array([[2.0, -3.0]])
    expected = {
        "x1": 2,
        "x2": -3,
        "x1^2": 4,
        "x2^2": 9,
        "x1*x2": -6,
        "x1^2+x2^2": 13,
        "sin(x1)": np.sin(2),
        "sin(x2)": np.sin(-3),
    }
    assert set(expected) == set(FEATURES)
    for name, value in expected.items():
        assert feature_map((name,), x)[0, 0] == pytest.approx(value)
    assert feature_map(("x2", "x1*x2"), x).tolist() == [[-3.0, -6.0]]


def test_textbook_features_split_a_from_b_with_one_number():
    radius = feature_map(("x1^2+x2^2",), TEXTBOOK)[:, 0]
    product = feature_map(("x1*x2",), TEXTBOOK)[:, 0]
    assert radius.tolist() == [9, 9, 5, 5]  # A -> 9, B -> 5
    assert product.tolist() == [0, 0, 2, 2]  # A -> 0, B -> 2


def first_perfect_step(config, limit):
    state = new_state(config)
    for _ in range(limit):
        train_steps(state, 1)
        frame, _ = build_frame(state, {})
        if frame["metrics"]["train_accuracy"] == 1.0:
            return state.step
    return None


@pytest.mark.parametrize("feature", ["x1^2+x2^2", "x1*x2"])
def test_a_hand_made_feature_solves_class_ab_with_no_hidden_layer(feature):
    config = TrainingConfig(
        dataset="class-ab", features=(feature,), hidden_layers=(), learning_rate=0.3
    )
    step = first_perfect_step(config, 100)
    assert step is not None and step <= 50


def test_without_the_feature_no_hidden_layer_cannot():
    config = TrainingConfig(dataset="class-ab", hidden_layers=(), learning_rate=0.3)
    assert first_perfect_step(config, 300) is None


def test_single_feature_panel_is_split_by_a_vertical_threshold():
    config = TrainingConfig(
        dataset="class-ab-noisy", features=("x1^2+x2^2",), hidden_layers=(), learning_rate=0.3
    )
    state = new_state(config)
    train_steps(state, 200)
    frame, _ = build_frame(state, {})
    kinds = [layer["kind"] for layer in frame["layers"]]
    assert kinds == ["input", "features", "output"]
    features = frame["layers"][1]
    assert features["units"] == 1 and features["axes"] == [
        phrase("axis.name", name="x1²+x2²"),
        phrase("axis.name", name="x2"),
    ]
    w, b = features["separator"]["w"], features["separator"]["b"]
    assert w[1] == 0  # a vertical line: only the feature matters
    x = np.array(features["points"]["x"])
    np.testing.assert_allclose(x, feature_map(("x1^2+x2^2",), state.x)[:, 0], atol=1e-3)
    predicted_b = np.array(frame["layers"][-1]["points"]["y"]) >= 0.5
    assert np.array_equal(w[0] * x + b > 0, predicted_b)


def test_several_features_feed_the_first_layer():
    config = TrainingConfig(dataset="circle", features=("x1", "x2", "x1^2", "x2^2"))
    state = new_state(config)
    assert state.layers[0].w.shape == (4, 8)
    train_steps(state, 10)
    frame, _ = build_frame(state, {})
    assert [layer["view"] for layer in frame["layers"]] == [
        "plane",
        "pca",
        "pca",
        "readout",
        "curve",
    ]
