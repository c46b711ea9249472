"""Custom data: points added and removed by hand, and CSV files in and out.

CSV files have a header line ``x1,x2,label`` (and optionally ``split``, train or test); labels
are 0 or 1 (A or B also work). A file is read whole and checked whole before anything changes.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from app.errors import InvalidInput
from app.nn.datasets import CUSTOM_LIMIT, MAX_POINTS

Array = np.ndarray
MAX_CSV_BYTES = 64 * 1024  # 1000 rows of three short numbers fit easily
LABELS = {"0": 0.0, "1": 1.0, "a": 0.0, "b": 1.0}


def _refuse(problem: str) -> InvalidInput:
    # The uploaded file is the field; the message says where in it and why.
    return InvalidInput("file", f"file: {problem}")


def add_point(x: Array, y: Array, is_test: Array, x1: float, x2: float, label: int):
    """The data with one more training point."""
    if len(y) >= MAX_POINTS:
        raise InvalidInput("points", f"points: at most {MAX_POINTS}")
    return np.vstack([x, [[x1, x2]]]), np.append(y, float(label)), np.append(is_test, False)


def remove_nearest(x: Array, y: Array, is_test: Array, x1: float, x2: float, radius: float):
    """The data without the point nearest (x1, x2), if one lies within radius."""
    if len(y) == 0:
        return x, y, is_test
    distance = np.hypot(x[:, 0] - x1, x[:, 1] - x2)
    nearest = int(np.argmin(distance))
    if distance[nearest] > radius:
        return x, y, is_test
    keep = np.arange(len(y)) != nearest
    return x[keep], y[keep], is_test[keep]


def to_csv(x: Array, y: Array, is_test: Array) -> str:
    out = io.StringIO()
    out.write("x1,x2,label,split\n")
    for (x1, x2), label, test in zip(x.tolist(), y.tolist(), is_test.tolist(), strict=True):
        # %g writes a class as 0, 1, 2... and a regression target as the value it is.
        out.write(f"{x1:.6g},{x2:.6g},{label:.6g},{'test' if test else 'train'}\n")
    return out.getvalue()


def from_csv(data: bytes | str) -> tuple[Array, Array, Array]:
    """Parse a whole CSV file (bytes are read as UTF-8), or raise InvalidInput naming the row
    and the problem."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise _refuse("not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text.strip())))
    if not rows:
        raise _refuse("the file is empty")
    header = [name.strip().lower() for name in rows[0]]
    if header not in (["x1", "x2", "label"], ["x1", "x2", "label", "split"]):
        raise _refuse("the first line must be the column names x1,x2,label (and optionally split)")
    body = rows[1:]
    if not body:
        raise _refuse("the file has no data rows")
    if len(body) > MAX_POINTS:
        raise _refuse(f"too many rows: {len(body)} (at most {MAX_POINTS})")
    points, labels, tests = [], [], []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise _refuse(f"row {number}: expected {len(header)} values, found {len(row)}")
        points.append([_coordinate(row[0], "x1", number), _coordinate(row[1], "x2", number)])
        label = LABELS.get(row[2].strip().lower())
        if label is None:
            raise _refuse(f"row {number}: label must be 0 or 1 (or A or B), not {row[2]!r}")
        labels.append(label)
        split = row[3].strip().lower() if len(row) == 4 else "train"
        if split not in ("train", "test"):
            raise _refuse(f"row {number}: split must be train or test, not {row[3]!r}")
        tests.append(split == "test")
    return np.array(points, dtype=float), np.array(labels), np.array(tests, dtype=bool)


def _coordinate(text: str, column: str, row: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _refuse(f"row {row}: {column} is not a number ({text!r})") from None
    if not math.isfinite(value) or abs(value) > CUSTOM_LIMIT:
        raise _refuse(f"row {row}: {column} must be a finite number from -10 to 10")
    return value
