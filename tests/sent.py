"""Frames as a client receives them in JSON: the tests look at what is sent, not at arrays."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from app.pictures import frame as frames
from app.pictures.encoding import to_json


def build_frame(state: Any, bases: dict, *args: Any) -> tuple[dict, dict[int, np.ndarray]]:
    """app.pictures.frame.build_frame, with the frame as its JSON would be."""
    frame, new_bases = frames.build_frame(state, bases, *args)
    return json.loads(to_json(frame)), new_bases


# Quantized arrays (one byte a value) and the range their bytes span, by where they sit.
QUANTIZED = {("boundary", "p"): (0.0, 1.0), ("boundary", "value"): None}
# A float32 keeps 24 bits; JSON keeps 6 decimals.
FLOAT32_RTOL, JSON_ATOL = 2.0**-23, 1e-6


def assert_same_frame(decoded: Any, sent: Any, path: tuple = ()) -> None:
    """A frame decoded from the packed format holds the JSON's numbers: to float32 precision,
    and quantized arrays to within one step of their 256 levels."""
    if isinstance(sent, dict):
        assert isinstance(decoded, dict) and decoded.keys() == sent.keys(), path
        for key in sent:
            assert_same_frame(decoded[key], sent[key], (*path, key))
    elif isinstance(sent, list) and _numeric(sent):
        expected = np.array(sent, dtype=float)  # null (a gap) becomes NaN
        got = np.array(decoded, dtype=float)
        assert got.shape == expected.shape, path
        if path[-2:] in QUANTIZED:
            low, high = QUANTIZED[path[-2:]] or (np.min(expected), np.max(expected))
            atol, rtol = (high - low) / 255 / 2 + JSON_ATOL, 0.0
        else:
            atol, rtol = JSON_ATOL, FLOAT32_RTOL
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=str(path))
    elif isinstance(sent, list):
        assert isinstance(decoded, list) and len(decoded) == len(sent), path
        for i, (d, s) in enumerate(zip(decoded, sent, strict=True)):
            assert_same_frame(d, s, (*path, i))
    else:
        assert decoded == sent, path


def _numeric(values: list) -> bool:
    flat = np.array(values, dtype=object).ravel()
    return len(flat) > 0 and all(
        v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in flat
    )
