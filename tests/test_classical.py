"""The classical models beside the network: maps, accuracies, bad data and the cache."""

import numpy as np
import pytest

from app.compare.classical import (
    MODELS,
    ComparisonCache,
    Settings,
    build_models,
    cache_key,
    compare,
    decision_map,
    decode_map,
    grid_cells,
    is_classification,
)
from app.errors import InvalidInput
from app.nn.datasets import extent, make_dataset

SIDE = 20


def dataset(name, n=300, noise=0.1, test_fraction=0.3, seed=3):
    return make_dataset(name, n, noise, test_fraction, np.random.default_rng(seed))


def by_model(result):
    return {m["model"]: m for m in result["models"]}


@pytest.mark.parametrize("name", ["xor", "moons", "class-ab-noisy"])
def test_every_map_has_the_grid_shape_and_matches_predict(name):
    x, y, is_test = dataset(name)
    plane = extent(name, x)
    result = compare(x, y, is_test, plane, Settings(), seed=1, side=SIDE)
    assert [m["model"] for m in result["models"]] == list(MODELS)
    assert result["axis"] == pytest.approx(np.linspace(*plane, SIDE).tolist(), abs=1e-4)
    cells = grid_cells(np.linspace(*plane, SIDE))
    train = ~is_test
    fitted = build_models(Settings(), seed=1)
    for model_name, model in fitted.items():
        model.fit(x[train], y[train].astype(int))
        sent = by_model(result)[model_name]
        classes, confidence = decode_map(sent["map"])
        assert classes.shape == confidence.shape == (SIDE * SIDE,)
        # The map is the model's own predict, cell by cell (the same seed fits the same model).
        assert np.array_equal(classes, model.predict(cells))
        assert np.all((confidence >= 0) & (confidence <= 1))
        # At the data points, the map's way of deciding is the model's predict, and the
        # reported accuracies are what that gives.
        at_points, sure = decision_map(model, x)
        assert np.array_equal(at_points, model.predict(x))
        # A predicted class is never less likely than a guess among the classes seen.
        assert np.all(sure >= 0.5 - 1e-9)
        assert sent["train_accuracy"] == pytest.approx(np.mean(at_points[train] == y[train]))
        assert sent["test_accuracy"] == pytest.approx(np.mean(at_points[is_test] == y[is_test]))
        assert sent["fit_ms"] >= 0


def test_linearly_separable_data_gives_logistic_regression_every_point():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(200, 2))
    x = x[np.abs(x[:, 0] + 0.5 * x[:, 1]) > 0.1]  # a margin around the line
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    is_test = np.arange(len(y)) % 4 == 0
    result = compare(x, y, is_test, (-1.5, 1.5), Settings(), seed=1, side=SIDE)
    logistic = by_model(result)["logistic"]
    assert logistic["train_accuracy"] == 1.0 and logistic["test_accuracy"] == 1.0


def test_xor_defeats_the_line_but_not_the_kernel_or_the_tree():
    x, y, is_test = dataset("xor", n=400, noise=0.0)
    models = by_model(compare(x, y, is_test, (-1.5, 1.5), Settings(), seed=1, side=SIDE))
    assert models["logistic"]["train_accuracy"] <= 0.75
    assert models["logistic"]["test_accuracy"] <= 0.75
    for name in ("svm", "tree"):
        assert models[name]["train_accuracy"] >= 0.95, name
        assert models[name]["test_accuracy"] >= 0.95, name


def test_the_same_seed_gives_the_same_maps_and_settings_change_them():
    x, y, is_test = dataset("spiral")
    first = compare(x, y, is_test, (-1.5, 1.5), Settings(), seed=7, side=SIDE)
    again = compare(x, y, is_test, (-1.5, 1.5), Settings(), seed=7, side=SIDE)
    assert [m["map"] for m in first["models"]] == [m["map"] for m in again["models"]]
    shallow = compare(x, y, is_test, (-1.5, 1.5), Settings(tree_depth=1), seed=7, side=SIDE)
    # A depth-1 tree makes one cut: its map holds at most two classes.
    assert by_model(shallow)["tree"]["map"] != by_model(first)["tree"]["map"]
    assert len(np.unique(decode_map(by_model(shallow)["tree"]["map"])[0])) <= 2


def test_several_classes_are_predicted_and_encoded():
    rng = np.random.default_rng(2)
    centres = np.array([[-1.0, -1.0], [1.0, -1.0], [0.0, 1.0], [1.0, 1.0]])
    labels = np.arange(400) % 4
    x = centres[labels] + rng.normal(0, 0.2, size=(400, 2))
    y = labels.astype(float)
    is_test = np.arange(400) % 5 == 0
    result = compare(x, y, is_test, (-2.0, 2.0), Settings(), seed=1, side=SIDE)
    assert result["classes"] == [0, 1, 2, 3]
    for model in result["models"]:
        classes, confidence = decode_map(model["map"])
        assert set(np.unique(classes)) == {0, 1, 2, 3}, model["model"]
        assert model["test_accuracy"] >= 0.9, model["model"]
        assert np.all(confidence >= 0.25 - 1e-9)


def test_a_class_missing_from_training_is_never_predicted():
    x, y, is_test = dataset("gaussian")
    y = y.copy()
    y[is_test & (y == 1)] = 2  # class 2 only among the test points
    result = compare(x, y, is_test, (-1.5, 1.5), Settings(), seed=1, side=SIDE)
    assert result["classes"] == [0, 1]
    for model in result["models"]:
        assert set(np.unique(decode_map(model["map"])[0])) <= {0, 1}


@pytest.mark.parametrize(
    "labels, test, message",
    [
        ([], [], "there are 0 training points of 0 classes"),
        ([1.0], [False], "there are 1 training point of 1 class)"),
        ([0.0, 0.0, 1.0], [False, False, True], "there are 2 training points of 1 class)"),
    ],
)
def test_too_few_points_or_classes_is_a_clear_error(labels, test, message):
    y = np.array(labels)
    x = np.zeros((len(y), 2)) + np.arange(len(y))[:, None]
    with pytest.raises(InvalidInput) as raised:
        compare(x, y, np.array(test, dtype=bool), (-1.5, 1.5), Settings(), seed=1, side=SIDE)
    assert raised.value.field == "data" and message in raised.value.message


def test_two_points_of_two_classes_are_enough():
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    result = compare(x, np.array([0.0, 1.0]), np.zeros(2, bool), (-1.5, 1.5), Settings(), 1, SIDE)
    assert all(m["test_accuracy"] is None for m in result["models"])
    assert all(m["train_accuracy"] is not None for m in result["models"])


def test_only_class_labels_count_as_classification():
    assert is_classification(np.array([0.0, 1.0, 2.0, 4.0]))
    assert not is_classification(np.array([0.0, 0.5]))  # a regression target
    assert not is_classification(np.array([0.0, np.nan]))
    assert not is_classification(np.array([-1.0, 1.0]))
    assert not is_classification(np.array([0.0, 256.0]))  # one byte per class
    with pytest.raises(InvalidInput, match="class labels"):
        compare(
            np.zeros((3, 2)), np.array([0.1, 0.7, 0.2]), np.zeros(3, bool), (0, 1), Settings(), 1, 5
        )


def test_the_cache_keeps_recent_results_and_drops_the_oldest():
    cache = ComparisonCache(size=2)
    calls = []

    def compute(tag):
        def run():
            calls.append(tag)
            return {"tag": tag}

        return run

    assert cache.get("a", compute("a")) == ({"tag": "a"}, False)
    assert cache.get("a", compute("a")) == ({"tag": "a"}, True)
    cache.get("b", compute("b"))
    cache.get("a", compute("a"))  # a is now the most recently used
    cache.get("c", compute("c"))  # so b goes
    assert cache.get("a", compute("a"))[1] is True
    assert cache.get("b", compute("b"))[1] is False
    assert calls == ["a", "b", "c", "b"] and cache.fits == 4


def test_a_failed_computation_is_not_cached():
    cache = ComparisonCache()

    def fail():
        raise InvalidInput("data", "data: no")

    for _ in range(2):
        with pytest.raises(InvalidInput):
            cache.get("k", fail)
    assert cache.fits == 0


def test_the_cache_key_follows_the_points_labels_split_and_settings():
    x, y, is_test = dataset("moons")
    key = cache_key(x, y, is_test, (-1.5, 1.5), Settings(), 1)
    assert key == cache_key(x.copy(), y.copy(), is_test.copy(), (-1.5, 1.5), Settings(), 1)
    moved = x.copy()
    moved[0, 0] += 1e-9
    flipped = y.copy()
    flipped[0] = 1 - flipped[0]
    others = [
        cache_key(moved, y, is_test, (-1.5, 1.5), Settings(), 1),
        cache_key(x, flipped, is_test, (-1.5, 1.5), Settings(), 1),
        cache_key(x, y, ~is_test, (-1.5, 1.5), Settings(), 1),
        cache_key(x, y, is_test, (-2.0, 2.0), Settings(), 1),
        cache_key(x, y, is_test, (-1.5, 1.5), Settings(svm_gamma=2.0), 1),
        cache_key(x, y, is_test, (-1.5, 1.5), Settings(), 2),
    ]
    assert len({key, *others}) == 7
