"""Turning arrays into JSON-ready lists: finite, rounded, with gaps between lines."""

from __future__ import annotations

import numpy as np

Array = np.ndarray

# Coordinates are clipped here so a network with enormous weights still gives valid JSON.
COORDINATE_LIMIT = 1e6
AXIS_KEYS = ("x", "y", "z")


def xy(values: Array) -> dict[str, list[float]]:
    """Columns as lists under x, y (and z for a 3D view)."""
    return {key: rounded(values[:, i]) for i, key in enumerate(AXIS_KEYS[: values.shape[1]])}


def with_gaps(values: Array, pieces: int, per_piece: int) -> dict[str, list[float | None]]:
    """Consecutive runs of per_piece points as separate lines: None between runs."""
    k = values.shape[1]
    shaped = np.round(finite(values), 4).reshape(pieces, per_piece, k)
    gap = np.full((len(shaped), 1, k), np.nan)
    flat = np.concatenate([shaped, gap], axis=1).reshape(-1, k)
    return {
        key: [None if v != v else v for v in flat[:, i].tolist()]
        for i, key in enumerate(AXIS_KEYS[:k])
    }


def rounded(values: Array, decimals: int = 4) -> list:
    """JSON-ready: finite and short."""
    return np.round(finite(values), decimals).tolist()


def finite(values: Array) -> Array:
    return np.clip(
        np.nan_to_num(values, nan=0.0, posinf=COORDINATE_LIMIT, neginf=-COORDINATE_LIMIT),
        -COORDINATE_LIMIT,
        COORDINATE_LIMIT,
    )
