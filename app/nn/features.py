"""Hand-made input features: fixed maps of (x1, x2) chosen by the learner, not learned.

They are classical machine learning's way to make a problem easy: with x1² + x2² as its only
input, the textbook's class A/B example is split by a single threshold. A network with hidden
layers can learn such a map for itself; comparing the two is the point.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray

FEATURES: dict[str, tuple[str, Callable[[Array, Array], Array]]] = {
    "x1": ("x1", lambda x1, x2: x1),
    "x2": ("x2", lambda x1, x2: x2),
    "x1^2": ("x1²", lambda x1, x2: x1**2),
    "x2^2": ("x2²", lambda x1, x2: x2**2),
    "x1*x2": ("x1·x2", lambda x1, x2: x1 * x2),
    "x1^2+x2^2": ("x1²+x2²", lambda x1, x2: x1**2 + x2**2),
    "sin(x1)": ("sin x1", lambda x1, x2: np.sin(x1)),
    "sin(x2)": ("sin x2", lambda x1, x2: np.sin(x2)),
}
RAW = ("x1", "x2")


def feature_map(names: tuple[str, ...], x: Array) -> Array:
    """The chosen features of every row of x (shape (n, 2)), as columns in the given order."""
    if names == RAW:
        return x
    return np.column_stack([FEATURES[name][1](x[:, 0], x[:, 1]) for name in names])


def label(name: str) -> str:
    return FEATURES[name][0]
