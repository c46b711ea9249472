"""Datasets: shapes, labels, seeding, the textbook points and the train/test split."""

import numpy as np
import pytest

from app.nn.datasets import DATASETS, make_dataset

# The two-class datasets; the multi-class and regression ones are tested in test_problems.py.
BINARY = {name for name, d in DATASETS.items() if d.problem == "binary"}
SAMPLED = [name for name, d in DATASETS.items() if not d.exact and name in BINARY]
GENERATED = [name for name in DATASETS if name != "custom" and name in BINARY]


@pytest.mark.parametrize("name", GENERATED)
def test_shape_labels_and_seeding(name):
    x, y = DATASETS[name].make(120, 0.3, np.random.default_rng(5))
    n = 4 if DATASETS[name].exact else 120
    assert x.shape == (n, 2) and y.shape == (n,)
    assert set(np.unique(y)) == {0.0, 1.0}
    x2, y2 = DATASETS[name].make(120, 0.3, np.random.default_rng(5))
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


@pytest.mark.parametrize("name", SAMPLED)
def test_another_seed_gives_other_points(name):
    x1, _ = DATASETS[name].make(50, 0.2, np.random.default_rng(1))
    x2, _ = DATASETS[name].make(50, 0.2, np.random.default_rng(2))
    assert not np.allclose(x1, x2)


@pytest.mark.parametrize("name", SAMPLED)
def test_noise_spreads_the_points(name):
    def spread(noise):
        x, y = DATASETS[name].make(400, noise, np.random.default_rng(0))
        clean, _ = DATASETS[name].make(400, 0.0, np.random.default_rng(0))
        return np.abs(x - clean).mean()

    assert spread(1.0) > spread(0.2) > spread(0.0) - 1e-12


def test_class_ab_is_the_textbook_example():
    x, y = DATASETS["class-ab"].make(999, 0.9, np.random.default_rng(0))
    points = {(tuple(p), label) for p, label in zip(x.tolist(), y.tolist(), strict=True)}
    assert points == {((0, 3), 0), ((3, 0), 0), ((1, 2), 1), ((2, 1), 1)}


def test_class_ab_noisy_scatters_around_the_four_points():
    x, y = DATASETS["class-ab-noisy"].make(400, 0.1, np.random.default_rng(0))
    centres = np.array([[0, 3], [3, 0], [1, 2], [2, 1]])
    nearest = np.argmin(((x[:, None, :] - centres) ** 2).sum(axis=2), axis=1)
    assert np.array_equal(nearest >= 2, y == 1)


def test_split_is_disjoint_and_sized():
    x, y, is_test = make_dataset("xor", 200, 0.1, 0.3, np.random.default_rng(0))
    assert is_test.sum() == 60 and (~is_test).sum() == 140
    assert len(np.unique(x, axis=0)) == 200  # every point is in exactly one of the two sets


def test_exact_class_ab_trains_on_all_four_points():
    _, _, is_test = make_dataset("class-ab", 10, 0.0, 0.9, np.random.default_rng(0))
    assert not is_test.any()


def test_at_least_one_training_point():
    _, _, is_test = make_dataset("gaussian", 10, 0.0, 0.99, np.random.default_rng(0))
    assert (~is_test).sum() >= 1


def test_custom_data_start_empty_and_the_plane_grows_to_fit_them():
    from app.nn.datasets import extent

    x, y, is_test = make_dataset("custom", 200, 0.5, 0.3, np.random.default_rng(0))
    assert x.shape == (0, 2) and len(y) == 0 and len(is_test) == 0
    assert extent("custom", x) == (-1.5, 1.5)
    low, high = extent("custom", np.array([[0.0, 0.0], [3.2, -2.1]]))
    assert low <= -2.1 and high >= 3.2 and (2 * low).is_integer() and (2 * high).is_integer()
