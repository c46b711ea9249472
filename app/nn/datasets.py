"""Datasets on the plane, for three kinds of problem.

Every generator has the same signature, ``(n, noise, rng, classes) -> (x, y)``: ``x`` has shape
(n, 2). What ``y`` holds depends on the dataset's problem: 0.0 (class A) or 1.0 (class B) for
binary ones; the class index 0.0 .. classes-1 for multi-class ones (the only ones that read
``classes``); a real number, the target value, for regression ones. ``noise`` runs from 0
(clean) to 1 (very noisy) and each dataset scales it to its own size (for regression it blurs
the targets). All randomness comes from the generator passed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# The textbook's example: no straight line separates A from B in (x1, x2), but x1² + x2²
# (A → 9, B → 5) or x1·x2 (A → 0, B → 2) does.
CLASS_A = np.array([[0.0, 3.0], [3.0, 0.0]])
CLASS_B = np.array([[1.0, 2.0], [2.0, 1.0]])


def class_ab(
    n: int, noise: float, rng: np.random.Generator, classes: int = 3
) -> tuple[Array, Array]:
    """Exactly the four textbook points (n and noise are ignored)."""
    return np.vstack([CLASS_A, CLASS_B]), np.array([0.0, 0.0, 1.0, 1.0])


def class_ab_noisy(
    n: int, noise: float, rng: np.random.Generator, classes: int = 3
) -> tuple[Array, Array]:
    """Points scattered around the four textbook points, n/4 around each."""
    centres = np.vstack([CLASS_A, CLASS_B])
    which = np.arange(n) % 4
    x = centres[which] + rng.normal(0.0, 0.05 + 0.6 * noise, size=(n, 2))
    return x, (which >= 2).astype(float)


def xor(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> tuple[Array, Array]:
    """Four quadrants: class B where x1 and x2 have the same sign."""
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    # Push points away from the axes so the clean version has a visible margin.
    x += np.sign(x) * 0.05
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    return x + rng.normal(0.0, 0.3 * noise, size=(n, 2)), y


def circle(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> tuple[Array, Array]:
    """A disc of class B inside a ring of class A."""
    y = (np.arange(n) % 2).astype(float)
    radius = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0.0, 2 * np.pi, n)
    x = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return x + rng.normal(0.0, 0.2 * noise, size=(n, 2)), y


def moons(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> tuple[Array, Array]:
    """Two interleaved half circles."""
    y = (np.arange(n) % 2).astype(float)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    x = np.where(y[:, None] == 1, lower, upper) - np.array([0.5, 0.25])
    return (x + rng.normal(0.0, 0.25 * noise, size=(n, 2))) / 1.2, y


def spiral(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> tuple[Array, Array]:
    """Two arms winding around each other, one per class."""
    y = (np.arange(n) % 2).astype(float)
    r = rng.uniform(0.05, 1.0, n)
    angle = 1.75 * 2 * np.pi * r + np.pi * y
    x = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return x + rng.normal(0.0, 0.1 * noise, size=(n, 2)), y


def gaussian(
    n: int, noise: float, rng: np.random.Generator, classes: int = 3
) -> tuple[Array, Array]:
    """Two round blobs, one per class."""
    y = (np.arange(n) % 2).astype(float)
    centres = np.where(y[:, None] == 1, [0.5, 0.5], [-0.5, -0.5])
    return centres + rng.normal(0.0, 0.1 + 0.4 * noise, size=(n, 2)), y


def spiral_arms(
    n: int, noise: float, rng: np.random.Generator, classes: int = 3
) -> tuple[Array, Array]:
    """One spiral arm per class, the arms evenly spaced around the centre."""
    y = (np.arange(n) % classes).astype(float)
    r = rng.uniform(0.05, 1.0, n)
    angle = 1.25 * 2 * np.pi * r + 2 * np.pi * y / classes
    x = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return x + rng.normal(0.0, 0.1 * noise, size=(n, 2)), y


def blobs(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> tuple[Array, Array]:
    """One round blob per class, the blobs' centres evenly spaced on a circle."""
    y = (np.arange(n) % classes).astype(float)
    angle = np.pi / 2 + 2 * np.pi * y / classes
    centres = 0.8 * np.column_stack([np.cos(angle), np.sin(angle)])
    return centres + rng.normal(0.0, 0.1 + 0.3 * noise, size=(n, 2)), y


# The tilted plane's slope along x1 and x2: the target rises to the upper right.
PLANE_SLOPE = np.array([0.8, 0.5])
# Signed bumps (x1, x2, height) summed for the gaussians dataset, each of this width.
BUMPS = np.array([[-0.6, 0.6, 1.0], [0.6, 0.6, -1.0], [-0.6, -0.6, -1.0], [0.6, -0.6, 1.0]])
BUMP_WIDTH = 0.4


def plane(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> tuple[Array, Array]:
    """Regression on a tilted plane: target = 0.8 x1 + 0.5 x2, plus noise."""
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    return x, x @ PLANE_SLOPE + rng.normal(0.0, 0.3 * noise, n)


def bump_sum(x: Array) -> Array:
    """The gaussians dataset's clean target at each point: a sum of signed bumps."""
    squared = ((x[:, None, :] - BUMPS[None, :, :2]) ** 2).sum(axis=2)
    return np.exp(-squared / (2 * BUMP_WIDTH**2)) @ BUMPS[:, 2]


def gaussians(
    n: int, noise: float, rng: np.random.Generator, classes: int = 3
) -> tuple[Array, Array]:
    """Regression on a sum of four gaussian bumps, two up and two down, plus noise."""
    x = rng.uniform(-1.2, 1.2, size=(n, 2))
    return x, bump_sum(x) + rng.normal(0.0, 0.3 * noise, n)


def no_points(
    n: int, noise: float, rng: np.random.Generator, classes: int = 3
) -> tuple[Array, Array]:
    """Custom data starts empty: the learner adds points by clicking, or uploads a CSV."""
    return np.zeros((0, 2)), np.zeros(0)


@dataclass(frozen=True)
class Dataset:
    label: str
    make: Callable[[int, float, np.random.Generator, int], tuple[Array, Array]]
    # The part of the plane the plots show, (low, high) on both axes.
    extent: tuple[float, float]
    # True if the dataset has a fixed set of points and no test split.
    exact: bool = False
    problem: str = "binary"  # binary, multiclass or regression


DATASETS: dict[str, Dataset] = {
    "class-ab": Dataset("Class A/B: the 4 textbook points", class_ab, (-1.0, 4.0), exact=True),
    "class-ab-noisy": Dataset("Class A/B: sampled around them", class_ab_noisy, (-1.0, 4.0)),
    "xor": Dataset("XOR", xor, (-1.5, 1.5)),
    "circle": Dataset("Circle", circle, (-1.5, 1.5)),
    "moons": Dataset("Moons", moons, (-1.5, 1.5)),
    "spiral": Dataset("Spiral", spiral, (-1.5, 1.5)),
    "gaussian": Dataset("Gaussian blobs", gaussian, (-1.5, 1.5)),
    # The learner's own points, one dataset per problem: clicked in (two classes) or uploaded.
    "custom": Dataset("Your own points (click the plane)", no_points, (-1.5, 1.5), exact=True),
    "spiral-arms": Dataset(
        "Spiral arms, one per class", spiral_arms, (-1.5, 1.5), problem="multiclass"
    ),
    "blobs": Dataset("Blobs, one per class", blobs, (-1.5, 1.5), problem="multiclass"),
    "custom-classes": Dataset(
        "Your own classes (upload a CSV)", no_points, (-1.5, 1.5), True, "multiclass"
    ),
    "plane": Dataset("Tilted plane (regression)", plane, (-1.5, 1.5), problem="regression"),
    "gaussians": Dataset(
        "Sum of gaussians (regression)", gaussians, (-1.5, 1.5), problem="regression"
    ),
    "custom-targets": Dataset(
        "Your own targets (upload a CSV, regression)", no_points, (-1.5, 1.5), True, "regression"
    ),
}
# The custom dataset of each problem.
CUSTOM = {d.problem: name for name, d in DATASETS.items() if d.make is no_points}
# Custom points may lie anywhere in this square (the plane shown grows to fit them), and their
# regression targets anywhere from -TARGET_LIMIT to TARGET_LIMIT.
CUSTOM_LIMIT = 10.0
TARGET_LIMIT = 100.0
MAX_POINTS = 1000


def is_custom(name: str) -> bool:
    """Whether the dataset's points are the learner's own (no seed can make them again)."""
    return DATASETS[name].make is no_points


def extent(name: str, x: Array) -> tuple[float, float]:
    """The square of the plane to show: the dataset's own, grown to fit custom points."""
    low, high = DATASETS[name].extent
    if not is_custom(name) or len(x) == 0:
        return low, high
    # Whole half-units with a margin, so that adding a point rarely moves the plane under the
    # learner's mouse.
    margin = 0.15 * max(float(np.ptp(x)), 1.0)
    return (
        min(low, math.floor((float(x.min()) - margin) * 2) / 2),
        max(high, math.ceil((float(x.max()) + margin) * 2) / 2),
    )


def make_dataset(
    name: str,
    n: int,
    noise: float,
    test_fraction: float,
    rng: np.random.Generator,
    classes: int = 3,
) -> tuple[Array, Array, Array]:
    """Generate a dataset and split it: returns (x, y, is_test), points in random order."""
    dataset = DATASETS[name]
    x, y = dataset.make(n, noise, rng, classes)
    order = rng.permutation(len(y))
    x, y = x[order], y[order]
    # At least one point always stays in the training set.
    n_test = 0 if dataset.exact else min(int(round(test_fraction * len(y))), max(len(y) - 1, 0))
    is_test = np.zeros(len(y), dtype=bool)
    is_test[len(y) - n_test :] = True
    return x, y, is_test
