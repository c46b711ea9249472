"""Classical models on the same points as the network, for the Compare view.

Six well-known classifiers from scikit-learn (none written by hand) are fitted on a session's
training points and asked for their class, and how sure they are, at every cell of the same
grid the network's input plot shades. Each decision map travels as two byte strings (class and
confidence per cell, base64). Results are kept in a small
shared cache keyed by the data and the settings, so looking again costs nothing.

This module knows nothing of HTTP: points it cannot compare on raise ``InvalidInput``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from app.errors import InvalidInput

Array = np.ndarray

MODELS = ("logistic", "naive_bayes", "svm", "tree", "forest", "boosting")
# Cells per side of each model's map: the panels are small, and a map of 100×100, like the
# network's, made the six models a quarter slower and their answer four times the bytes.
PANEL_RESOLUTION = 50
# Classes travel as one byte per cell.
MAX_CLASS = 255


@dataclass(frozen=True)
class Settings:
    """The hyper-parameters a learner may change: one or two per model, all bounded (see
    ``BOUNDS``). The defaults fit the largest dataset in a fraction of a second."""

    logistic_c: float = 1.0  # inverse strength of the penalty on large weights
    svm_c: float = 1.0  # how much a point on the wrong side costs
    svm_gamma: float = 1.0  # how narrow each point's bump is (inputs standardised first)
    tree_depth: int = 5
    forest_trees: int = 50
    forest_depth: int = 8
    boosting_rounds: int = 50
    boosting_depth: int = 3


# (min, max) of every setting. The maxima bound the work: with all of them at once, six models
# on 1000 points of 5 classes still fit in under a second (benchmarks/compare.py).
BOUNDS: dict[str, tuple[float, float]] = {
    "logistic_c": (0.01, 100.0),
    "svm_c": (0.01, 100.0),
    "svm_gamma": (0.01, 100.0),
    "tree_depth": (1, 12),
    "forest_trees": (1, 100),
    "forest_depth": (1, 12),
    "boosting_rounds": (1, 100),
    "boosting_depth": (1, 4),
}


def is_classification(y: Array) -> bool:
    """Whether these labels are classes the models here can predict: whole numbers from 0 to
    255. (The one place to decide it: a regression dataset's labels fail it.)"""
    return bool(
        np.all(np.isfinite(y)) and np.all(y == np.round(y)) and np.all((y >= 0) & (y <= MAX_CLASS))
    )


def build_models(settings: Settings, seed: int) -> dict[str, Pipeline]:
    """The six classifiers, unfitted. Every one sees standardised inputs (each coordinate scaled
    to mean 0, spread 1) so that C and gamma mean the same on every dataset; trees and naive
    Bayes are unchanged by it. One thread each: the machine is shared with training."""
    s = settings
    # scikit-learn wants a 32-bit seed; the session's seed is already one.
    models: dict[str, ClassifierMixin] = {
        "logistic": LogisticRegression(C=s.logistic_c, max_iter=500),
        "naive_bayes": GaussianNB(),
        "svm": SVC(kernel="rbf", C=s.svm_c, gamma=s.svm_gamma),
        "tree": DecisionTreeClassifier(max_depth=s.tree_depth, random_state=seed),
        "forest": RandomForestClassifier(
            n_estimators=s.forest_trees, max_depth=s.forest_depth, n_jobs=1, random_state=seed
        ),
        # The exact (not histogram) version: on at most 1000 points it is as fast, and it needs
        # no OpenMP threads that would compete with training on two cores.
        "boosting": GradientBoostingClassifier(
            n_estimators=s.boosting_rounds,
            max_depth=s.boosting_depth,
            learning_rate=0.2,
            random_state=seed,
        ),
    }
    return {name: make_pipeline(StandardScaler(), model) for name, model in models.items()}


def class_labels(x: Array, y: Array, is_test: Array) -> Array:
    """The training labels as integers. Raises InvalidInput if they cannot be compared on."""
    if not is_classification(y):
        raise InvalidInput(
            "data", f"data: the classical models need class labels (whole numbers 0 to {MAX_CLASS})"
        )
    train = y[~is_test].astype(int)
    if len(train) < 2 or len(np.unique(train)) < 2:
        found = len(np.unique(train))
        raise InvalidInput(
            "data",
            "data: the classical models need at least 2 training points of 2 different classes "
            f"(there are {_count(len(train), 'training point')} of {_count(found, 'class')})",
        )
    return y.astype(int)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}es" if noun.endswith("s") else f"{n} {noun}s"


def decision_map(model: Pipeline, points: Array) -> tuple[Array, Array]:
    """Each point's predicted class and the model's confidence in it (0 to 1).

    The class is the model's own ``predict``. The confidence is its probability of that class;
    an SVM gives no probabilities, so its margins are squashed into 0..1 instead (a logistic
    curve for two classes, a softmax for more): a measure of sureness, not a calibrated one.
    """
    predicted = model.predict(points)
    classes = model.classes_
    if hasattr(model, "predict_proba"):
        scores = model.predict_proba(points)
    else:
        margin = model.decision_function(points)
        if margin.ndim == 1:  # two classes: the margin's sign says which
            p = 1.0 / (1.0 + np.exp(-margin))
            scores = np.column_stack([1.0 - p, p])
        else:
            shifted = np.exp(margin - margin.max(axis=1, keepdims=True))
            scores = shifted / shifted.sum(axis=1, keepdims=True)
    column = np.searchsorted(classes, predicted)
    return predicted, scores[np.arange(len(points)), column]


def encode_map(predicted: Array, confidence: Array) -> dict[str, str]:
    """A decision map as two base64 byte strings: the class of every cell, and the confidence
    scaled to 0..255."""
    classes = np.asarray(predicted, dtype=np.uint8)
    sure = np.round(np.clip(confidence, 0.0, 1.0) * 255).astype(np.uint8)
    return {
        "classes": base64.b64encode(classes.tobytes()).decode("ascii"),
        "confidence": base64.b64encode(sure.tobytes()).decode("ascii"),
    }


def decode_map(encoded: dict[str, str]) -> tuple[Array, Array]:
    """The inverse of ``encode_map`` (confidence back on 0..1, to 1/255)."""
    classes = np.frombuffer(base64.b64decode(encoded["classes"]), dtype=np.uint8)
    sure = np.frombuffer(base64.b64decode(encoded["confidence"]), dtype=np.uint8)
    return classes.astype(int), sure / 255.0


def grid_axis(low: float, high: float, side: int) -> Array:
    return np.linspace(low, high, side)


def grid_cells(axis: Array) -> Array:
    """Every cell of the square grid, row by row (x varies fastest), as the network's map."""
    return np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)


def compare(
    x: Array,
    y: Array,
    is_test: Array,
    extent: tuple[float, float],
    settings: Settings,
    seed: int,
    side: int,
) -> dict[str, Any]:
    """Fit the six models on the training points and map their decisions over the plane.

    Returns JSON-ready data: the grid's axis, the classes, and per model its decision map,
    training and test accuracy (None without test points) and fit time in milliseconds.
    Raises InvalidInput if the points are not a classification problem of 2+ classes.
    """
    labels = class_labels(x, y, is_test)
    train, test = ~is_test, is_test
    axis = grid_axis(*extent, side)
    cells = grid_cells(axis)
    results = []
    for name, model in build_models(settings, seed).items():
        started = time.perf_counter()
        model.fit(x[train], labels[train])
        fit_ms = (time.perf_counter() - started) * 1000
        predicted, confidence = decision_map(model, cells)
        results.append(
            {
                "model": name,
                "train_accuracy": _accuracy(model, x[train], labels[train]),
                "test_accuracy": _accuracy(model, x[test], labels[test]),
                "fit_ms": round(fit_ms, 1),
                "map": encode_map(predicted, confidence),
            }
        )
    return {
        "side": side,
        "axis": np.round(axis, 4).tolist(),
        "classes": sorted({int(c) for c in labels[train]}),
        "settings": asdict(settings),
        "models": results,
    }


def _accuracy(model: Pipeline, x: Array, y: Array) -> float | None:
    return float(np.mean(model.predict(x) == y)) if len(y) else None


def cache_key(
    x: Array, y: Array, is_test: Array, extent: tuple[float, float], settings: Settings, seed: int
) -> str:
    """A digest of everything a comparison depends on."""
    digest = hashlib.sha256()
    for array in (np.ascontiguousarray(x, float), np.asarray(y, float), np.asarray(is_test, bool)):
        digest.update(array.tobytes())
        digest.update(str(array.shape).encode())
    digest.update(json.dumps([extent, asdict(settings), seed]).encode())
    return digest.hexdigest()


class ComparisonCache:
    """The last few comparisons, shared by every session, least recently used dropped first.

    Shared because a class of students often looks at the same dataset and seed: one fit then
    serves them all. Fits run one at a time (two cores are shared with training); a request
    that waited for an identical fit finds it done rather than fitting again.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.fits = 0  # how many comparisons were actually computed (read by the tests)
        self._entries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()  # guards the entries
        self._fitting = threading.Lock()  # one fit at a time

    def get(self, key: str, compute: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        """The cached result for key, or compute and keep it. Returns (result, was_cached)."""
        found = self._lookup(key)
        if found is not None:
            return found, True
        with self._fitting:
            found = self._lookup(key)
            if found is not None:
                return found, True
            result = compute()
            self.fits += 1
        with self._lock:
            self._entries[key] = result
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return result, False

    def _lookup(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            return None
